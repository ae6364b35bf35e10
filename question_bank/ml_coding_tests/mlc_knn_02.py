"""Hidden tests for mlc-knn-02 (k-nearest-neighbours regressor)."""
import numpy as np

from interviewer.coderun import as_array, assert_close, expect_error

FUNCTION = "knn_regress"
SIGNATURE = "def knn_regress(X_train, y_train, X_test, k, weighted=False) -> list[float]"


def _data(seed, n=100, d=2):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, d))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] + rng.normal(scale=0.1, size=n)
    return X, y.tolist()


def _predict(sol, X, y, Xt, k, weighted=False):
    out = sol.knn_regress(X, y, Xt, k, weighted=weighted)
    pred = as_array(out, "predictions", ndim=1)
    assert len(pred) == len(Xt), f"expected {len(Xt)} predictions, got {len(pred)}"
    return pred


def test_uniform_matches_reference(sol):
    from sklearn.neighbors import KNeighborsRegressor

    X, y = _data(0)
    Xt, _ = _data(1, n=40)
    for k in (1, 4, 9):
        ref = KNeighborsRegressor(n_neighbors=k, algorithm="brute").fit(X, y).predict(Xt)
        assert_close(_predict(sol, X, y, Xt, k), ref, f"k={k} predictions")


def test_distance_weighted_matches_reference(sol):
    from sklearn.neighbors import KNeighborsRegressor

    X, y = _data(2)
    Xt, _ = _data(3, n=40)
    ref = KNeighborsRegressor(n_neighbors=5, weights="distance", algorithm="brute").fit(X, y).predict(Xt)
    assert_close(_predict(sol, X, y, Xt, 5, weighted=True), ref, "distance-weighted predictions")


def test_weighted_exact_match_returns_its_target(sol):
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    y = [10.0, 2.0, 4.0, -7.0]
    pred = _predict(sol, X, y, X[:1], 3, weighted=True)
    assert np.isfinite(pred[0]), "a query equal to a training point must not divide by zero"
    assert abs(pred[0] - 10.0) < 1e-9, f"a query on top of a training point should return its target 10.0, got {pred[0]:.6g}"


def test_k1_reproduces_training_targets(sol):
    X, y = _data(4, n=30)
    assert_close(_predict(sol, X, y, X, 1), y, "k=1 predictions on the training points")


def test_k_larger_than_n_gives_global_mean(sol):
    X, y = _data(5, n=8)
    pred = _predict(sol, X, y, np.array([[0.3, -0.2]]), 50)
    assert_close(pred[0], np.mean(y), "prediction with k larger than n")


def test_constant_target(sol):
    X, _ = _data(6, n=20)
    pred = _predict(sol, X, [3.5] * 20, X[:5] + 0.1, 4, weighted=True)
    assert_close(pred, [3.5] * 5, "predictions for a constant target")


def test_empty_test_set(sol):
    X, y = _data(7, n=10)
    out = sol.knn_regress(X, y, np.zeros((0, 2)), 3)
    assert len(as_array(out, "predictions")) == 0, "no test points should give an empty list"


def test_k_below_one_raises(sol):
    X, y = _data(8, n=10)
    with expect_error("ValueError", what="k=0"):
        sol.knn_regress(X, y, X[:2], 0)
