"""Hidden tests for mlc-linear-regression-01 (linear regression by gradient descent)."""
import numpy as np

from interviewer.coderun import as_array, as_float, assert_close

FUNCTION = "linear_regression_gd"
SIGNATURE = "def linear_regression_gd(X, y, lr=0.1, n_iter=1000) -> (w, b, loss_history)"


def _fit(sol, X, y, **kw):
    out = sol.linear_regression_gd(X, y, **kw)
    assert isinstance(out, (tuple, list)) and len(out) == 3, "return a tuple (w, b, loss_history)"
    w = as_array(out[0], "w", ndim=1, shape=(X.shape[1],))
    b = as_float(out[1], "b")
    hist = as_array(out[2], "loss_history", ndim=1)
    return w, b, hist


def _standardised(seed, n=200, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return (X - X.mean(0)) / X.std(0), rng


def test_recovers_noiseless_weights(sol):
    X, _ = _standardised(0, d=2)
    y = X @ np.array([3.0, -2.0]) + 1.0
    w, b, _ = _fit(sol, X, y.tolist(), lr=0.1, n_iter=2000)
    assert_close(w, [3.0, -2.0], "w", tol=1e-4)
    assert_close(b, 1.0, "b", tol=1e-4)


def test_matches_least_squares(sol):
    X, rng = _standardised(1, d=4)
    y = X @ rng.normal(size=4) + 0.3 + rng.normal(scale=0.5, size=len(X))
    A = np.column_stack([X, np.ones(len(X))])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    w, b, _ = _fit(sol, X, y.tolist(), lr=0.1, n_iter=3000)
    assert_close(w, coef[:4], "w compared with least squares", tol=1e-3)
    assert_close(b, coef[4], "b compared with least squares", tol=1e-3)


def test_loss_history(sol):
    X, rng = _standardised(2, d=3)
    y = X @ np.array([1.0, 0.5, -1.5]) + rng.normal(size=len(X))
    _, _, hist = _fit(sol, X, y.tolist(), lr=0.05, n_iter=300)
    assert len(hist) == 300, f"loss_history should have one entry per iteration (300), got {len(hist)}"
    assert_close(hist[0], float(np.mean(y ** 2)), "loss_history[0] (MSE at w=0, b=0)")
    for i in range(1, len(hist)):
        assert hist[i] <= hist[i - 1] + 1e-12, f"loss went up from {hist[i - 1]:.6g} to {hist[i]:.6g} at iteration {i}"


def test_zero_feature_column(sol):
    X, rng = _standardised(3, d=2)
    X = np.column_stack([X, np.zeros(len(X))])
    y = X[:, 0] * 2.0 - 1.0
    w, b, hist = _fit(sol, X, y.tolist(), lr=0.1, n_iter=1500)
    assert np.all(np.isfinite(w)) and np.isfinite(b), "an all-zero feature must not produce NaN"
    assert abs(w[2]) < 1e-12, f"the weight of an all-zero feature should stay 0, got {w[2]:.3g}"
    assert_close(w[0], 2.0, "w[0]", tol=1e-4)


def test_zero_iterations(sol):
    X, _ = _standardised(4, d=2)
    w, b, hist = _fit(sol, X, [1.0] * len(X), lr=0.1, n_iter=0)
    assert np.all(w == 0) and b == 0, "with n_iter=0 the parameters should stay at zero"
    assert len(hist) == 0, f"with n_iter=0 loss_history should be empty, got {len(hist)} entries"
