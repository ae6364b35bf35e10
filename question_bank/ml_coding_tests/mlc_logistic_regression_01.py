"""Hidden tests for mlc-logistic-regression-01 (logistic regression by gradient descent)."""
import math

import numpy as np

from interviewer.coderun import as_array, as_float, assert_close

FUNCTION = "logistic_regression_gd"
SIGNATURE = "def logistic_regression_gd(X, y, lr=0.1, n_iter=1000, l2=0.0) -> (w, b, loss_history)"


def _fit(sol, X, y, **kw):
    out = sol.logistic_regression_gd(X, y, **kw)
    assert isinstance(out, (tuple, list)) and len(out) == 3, "return a tuple (w, b, loss_history)"
    w = as_array(out[0], "w", ndim=1, shape=(X.shape[1],))
    b = as_float(out[1], "b")
    hist = as_array(out[2], "loss_history", ndim=1)
    return w, b, hist


def _data(seed, n=300, d=3, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X = (X - X.mean(0)) / X.std(0)
    logits = X @ np.array([1.5, -2.0, 0.5])[:d] + 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    return X * scale, y


def test_matches_reference_with_l2(sol):
    from sklearn.linear_model import LogisticRegression

    X, y = _data(0)
    C = 1.0
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(X, y)
    w, b, _ = _fit(sol, X, y.tolist(), lr=0.5, n_iter=4000, l2=1.0 / (C * len(X)))
    assert_close(w, ref.coef_[0], "w compared with a reference solver", tol=1e-3)
    assert_close(b, ref.intercept_[0], "b compared with a reference solver", tol=1e-3)


def test_loss_history(sol):
    X, y = _data(1)
    _, _, hist = _fit(sol, X, y.tolist(), lr=0.5, n_iter=200)
    assert len(hist) == 200, f"loss_history should have one entry per iteration (200), got {len(hist)}"
    assert_close(hist[0], math.log(2), "loss_history[0] (log-loss at w=0, b=0)")
    for i in range(1, len(hist)):
        assert hist[i] <= hist[i - 1] + 1e-12, f"loss went up from {hist[i - 1]:.6g} to {hist[i]:.6g} at iteration {i}"


def test_large_feature_values_keep_the_loss_finite(sol):
    X, y = _data(2, scale=1000.0)
    w, b, hist = _fit(sol, X, y.tolist(), lr=1.0, n_iter=30)
    assert np.all(np.isfinite(hist)), (
        "the loss became NaN or infinite with large logits; compute log-loss stably "
        f"(history starts {np.round(hist[:4], 4).tolist()})")
    assert np.all(np.isfinite(w)) and np.isfinite(b), "weights became NaN or infinite"


def test_separable_data_is_classified(sol):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    w, b, hist = _fit(sol, X, y.tolist(), lr=1.0, n_iter=500)
    acc = float(np.mean(((X @ w + b) >= 0).astype(int) == y))
    assert acc == 1.0, f"training accuracy on separable data should be 1.0, got {acc:.2f}"
    assert np.all(np.isfinite(hist)), "loss became NaN or infinite on separable data"


def test_single_class(sol):
    X, _ = _data(4, n=50)
    w, b, hist = _fit(sol, X, [0] * 50, lr=0.5, n_iter=200)
    assert np.all(np.isfinite(hist)), "loss became NaN or infinite when all labels are 0"
    assert np.all(X @ w + b < 0), "with only negative labels every prediction should be below 0.5"


def test_l2_shrinks_the_weights(sol):
    X, y = _data(5)
    w0, _, _ = _fit(sol, X, y.tolist(), lr=0.5, n_iter=1000, l2=0.0)
    w1, _, _ = _fit(sol, X, y.tolist(), lr=0.5, n_iter=1000, l2=1.0)
    assert np.linalg.norm(w1) < 0.8 * np.linalg.norm(w0), (
        f"l2=1 should shrink the weights: |w| {np.linalg.norm(w1):.3f} vs {np.linalg.norm(w0):.3f} without it")
