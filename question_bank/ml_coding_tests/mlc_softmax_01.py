"""Hidden tests for mlc-softmax-01 (numerically stable softmax)."""
import numpy as np

from interviewer.coderun import as_array, assert_close

FUNCTION = "softmax"
SIGNATURE = "def softmax(z, axis=-1) -> np.ndarray"


def _ref(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _call(sol, z, **kw):
    out = sol.softmax(np.asarray(z, dtype=float), **kw)
    return as_array(out, "softmax output", shape=np.shape(z))


def test_matches_reference(sol):
    z = np.random.default_rng(0).normal(size=(5, 7))
    assert_close(_call(sol, z), _ref(z), "softmax of random logits", tol=1e-9)


def test_large_logits_do_not_overflow(sol):
    z = np.array([1000.0, 1001.0, 1002.0])
    out = _call(sol, z)
    assert np.all(np.isfinite(out)), f"softmax([1000, 1001, 1002]) gave {out.tolist()}; subtract the max first"
    assert_close(out, _ref(z), "softmax([1000, 1001, 1002])", tol=1e-9)


def test_very_negative_logits(sol):
    z = np.array([[-1000.0, -1000.0], [-5000.0, -4999.0]])
    out = _call(sol, z)
    assert np.all(np.isfinite(out)), f"softmax of very negative logits gave {out.tolist()}"
    assert_close(out, _ref(z), "softmax of very negative logits", tol=1e-9)


def test_rows_sum_to_one(sol):
    z = np.random.default_rng(1).normal(scale=30, size=(10, 4))
    sums = _call(sol, z).sum(axis=-1)
    assert_close(sums, np.ones(10), "row sums", tol=1e-9)


def test_axis_argument(sol):
    z = np.random.default_rng(2).normal(size=(3, 4, 5))
    for axis in (0, 1, -1):
        assert_close(_call(sol, z, axis=axis), _ref(z, axis=axis), f"softmax with axis={axis}", tol=1e-9)


def test_minus_infinity_gets_zero_probability(sol):
    z = np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, 2.0]])
    out = _call(sol, z)
    assert np.all(np.isfinite(out)), f"masked (-inf) logits produced NaN: {out.tolist()}"
    assert_close(out, _ref(z), "softmax with -inf entries", tol=1e-9)


def test_shift_invariance(sol):
    z = np.random.default_rng(3).normal(size=6)
    assert_close(_call(sol, z + 123.0), _call(sol, z), "softmax(z + 123) compared with softmax(z)", tol=1e-9)


def test_single_element(sol):
    assert_close(_call(sol, np.array([42.0])), [1.0], "softmax of a single logit")
