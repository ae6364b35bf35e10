"""Hidden tests for mlc-perceptron-01 (perceptron learning rule)."""
import numpy as np

from interviewer.coderun import as_array, as_float, expect_error

FUNCTION = "perceptron"
SIGNATURE = "def perceptron(X, y, max_epochs=100) -> (w, b, n_updates)"


def _reference(X, y, max_epochs=100):
    w, b, updates = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if yi * (xi @ w + b) <= 0:
                w, b = w + yi * xi, b + yi
                updates += 1
                mistakes += 1
        if mistakes == 0:
            break
    return w, b, updates


def _fit(sol, X, y, **kw):
    out = sol.perceptron(X, y, **kw)
    assert isinstance(out, (tuple, list)) and len(out) == 3, "return a tuple (w, b, n_updates)"
    w = as_array(out[0], "w", ndim=1, shape=(X.shape[1],))
    b = as_float(out[1], "b")
    n = out[2]
    assert isinstance(n, int) and not isinstance(n, bool), f"n_updates should be an int, got {type(n).__name__}"
    return w, b, n


def _separable(seed, n=40):
    rng = np.random.default_rng(seed)
    X = np.round(rng.uniform(-5, 5, size=(n, 2)), 1)
    score = X[:, 0] + 2 * X[:, 1] - 0.5
    keep = np.abs(score) > 0.5
    X = X[keep]
    return X, np.where(score[keep] > 0, 1, -1)


def test_follows_the_update_rule_exactly(sol):
    X, y = _separable(0)
    w_ref, b_ref, n_ref = _reference(X, y)
    w, b, n = _fit(sol, X, y.tolist())
    assert n == n_ref, f"expected {n_ref} updates with the classic rule (mistake when y*(w.x+b) <= 0), got {n}"
    assert np.allclose(w, w_ref) and abs(b - b_ref) < 1e-9, (
        f"expected w={w_ref.tolist()}, b={b_ref:g}; got w={np.round(w, 6).tolist()}, b={b:g}")


def test_separates_separable_data(sol):
    X, y = _separable(1, n=100)
    w, b, _ = _fit(sol, X, y.tolist(), max_epochs=1000)
    margins = y * (X @ w + b)
    assert np.all(margins > 0), f"{int(np.sum(margins <= 0))} training points are still misclassified or on the boundary"


def test_stops_on_non_separable_data(sol):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = [-1, -1, 1, 1]  # XOR
    w, b, n = _fit(sol, X, y, max_epochs=25)
    assert n <= 25 * 4, f"at most max_epochs * n = 100 updates are possible, got {n}"


def test_zero_epochs(sol):
    X, y = _separable(2, n=10)
    w, b, n = _fit(sol, X, y.tolist(), max_epochs=0)
    assert n == 0 and np.all(w == 0) and b == 0, "with max_epochs=0 nothing should be updated"


def test_labels_must_be_plus_minus_one(sol):
    X, _ = _separable(3, n=10)
    with expect_error("ValueError", what="labels 0/1 instead of -1/+1"):
        sol.perceptron(X, [0, 1] * (len(X) // 2) + [0] * (len(X) % 2))
