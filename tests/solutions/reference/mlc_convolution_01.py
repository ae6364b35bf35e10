"""Reference solution for mlc-convolution-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def conv2d(image, kernel, stride=1):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    H, W = image.shape
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if kh > H or kw > W:
        raise ValueError("kernel is larger than the image")
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))[::stride, ::stride]
    # windows has shape (out_h, out_w, kh, kw); no kernel flip (cross-correlation)
    return np.einsum("ijkl,kl->ij", windows, kernel)
