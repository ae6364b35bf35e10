"""Hidden tests for mlc-convolution-01 (2-D convolution, valid padding, stride)."""
import numpy as np

from interviewer.coderun import as_array, assert_close, expect_error

FUNCTION = "conv2d"
SIGNATURE = "def conv2d(image, kernel, stride=1) -> np.ndarray"


def _reference(image, kernel, stride=1):
    kh, kw = kernel.shape
    oh = (image.shape[0] - kh) // stride + 1
    ow = (image.shape[1] - kw) // stride + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def _conv(sol, image, kernel, stride=1):
    out = sol.conv2d(image, kernel, stride=stride)
    ref = _reference(image, kernel, stride)
    got = as_array(out, "output", ndim=2)
    assert got.shape == ref.shape, (f"for a {image.shape} image, {kernel.shape} kernel and stride {stride} the "
                                    f"output should be {ref.shape}, got {got.shape}")
    return got, ref


def test_matches_reference(sol):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 9)), rng.normal(size=(3, 3))
    got, ref = _conv(sol, image, kernel)
    assert_close(got, ref, "output")


def test_kernel_is_not_flipped(sol):
    image = np.arange(16, dtype=float).reshape(4, 4)
    kernel = np.array([[1.0, 2.0], [0.0, 0.0]])
    got, ref = _conv(sol, image, kernel)
    flipped = _reference(image, kernel[::-1, ::-1])
    if np.allclose(got, flipped):
        raise AssertionError("the output matches a flipped kernel; compute cross-correlation (no flip), "
                             "as deep-learning libraries do")
    assert_close(got, ref, "output for an asymmetric kernel")


def test_strides(sol):
    rng = np.random.default_rng(1)
    image = rng.normal(size=(10, 11))
    for kernel_shape, stride in (((3, 3), 2), ((2, 4), 3), ((4, 2), 4)):
        got, ref = _conv(sol, image, rng.normal(size=kernel_shape), stride)
        assert_close(got, ref, f"output with kernel {kernel_shape} and stride {stride}")


def test_one_by_one_kernel(sol):
    image = np.random.default_rng(2).normal(size=(5, 4))
    got, ref = _conv(sol, image, np.array([[2.5]]))
    assert_close(got, 2.5 * image, "output of a 1x1 kernel")


def test_kernel_same_size_as_image(sol):
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    got, ref = _conv(sol, image, kernel, 2)
    assert_close(got, ref, "output when the kernel covers the whole image")


def test_invalid_arguments_raise(sol):
    with expect_error("ValueError", what="a kernel larger than the image"):
        sol.conv2d(np.zeros((3, 3)), np.zeros((4, 2)))
    with expect_error("ValueError", what="stride 0"):
        sol.conv2d(np.zeros((5, 5)), np.zeros((2, 2)), stride=0)
