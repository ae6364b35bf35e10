"""Hidden tests for mlc-kmeans-01 (k-means). Run in the trusted process; `sol` is the sandbox proxy."""
import numpy as np

from interviewer.coderun import as_array, as_float, expect_error

FUNCTION = "kmeans"
SIGNATURE = "def kmeans(X, k, n_iter=100, seed=0) -> (labels, centroids, inertia_history)"


def _blobs(seed=0, per=50, d=2):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [8.0, 8.0], [-8.0, 8.0]])[:, :d]
    return np.vstack([c + rng.normal(scale=0.7, size=(per, d)) for c in centres])


def _unpack(result, X, k):
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        "kmeans must return a tuple (labels, centroids, inertia_history)")
    labels = as_array(result[0], "labels", dtype=int, ndim=1)
    centroids = as_array(result[1], "centroids", ndim=2)
    history = as_array(result[2], "inertia_history", ndim=1)
    n, d = X.shape
    assert centroids.shape[0] == k, f"expected {k} centroids, got {centroids.shape[0]}"
    assert centroids.shape[1] == d, f"centroids should have {d} columns, got {centroids.shape[1]}"
    assert labels.shape[0] == n, f"expected {n} labels, got {labels.shape[0]}"
    assert np.all((labels >= 0) & (labels < k)), f"labels must lie in 0..{k - 1}, got {sorted(set(labels.tolist()))[:10]}"
    assert np.all(np.isfinite(centroids)), "centroids contain NaN or infinity"
    assert len(history) >= 1, "inertia_history is empty"
    assert np.all(np.isfinite(history)), "inertia_history contains NaN or infinity"
    return labels, centroids, history


def _inertia(X, labels, centroids):
    return float(((X - centroids[labels]) ** 2).sum())


def _check_non_increasing(history):
    for i in range(1, len(history)):
        allowed = history[i - 1] + 1e-9 * max(1.0, abs(history[i - 1]))
        assert history[i] <= allowed, (
            f"inertia increased from {history[i - 1]:.6g} to {history[i]:.6g} at iteration {i}")


def _check_fixed_point(X, labels, centroids):
    d2 = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    own = d2[np.arange(len(X)), labels]
    worst = int(np.argmax(own - d2.min(axis=1)))
    assert own[worst] <= d2[worst].min() + 1e-9, (
        f"point {worst} is labelled {labels[worst]} but centroid {int(d2[worst].argmin())} is closer")
    for j in range(centroids.shape[0]):
        members = X[labels == j]
        if len(members):
            mean = members.mean(axis=0)
            assert np.allclose(centroids[j], mean, atol=1e-6), (
                f"centroid {j} is {np.round(centroids[j], 4).tolist()} but the mean of its points is "
                f"{np.round(mean, 4).tolist()}")


def test_three_blobs(sol):
    X = _blobs()
    labels, centroids, history = _unpack(sol.kmeans(X, 3, n_iter=100, seed=0), X, 3)
    found = len(set(labels.tolist()))
    assert found == 3, f"expected 3 clusters, got {found}"
    _check_fixed_point(X, labels, centroids)


def test_inertia_never_increases(sol):
    X = np.random.default_rng(1).uniform(size=(300, 2))
    for seed in (0, 1, 2):
        labels, centroids, history = _unpack(sol.kmeans(X, 5, n_iter=50, seed=seed), X, 5)
        assert len(history) <= 50, f"n_iter=50 but inertia_history has {len(history)} entries"
        _check_non_increasing(history)


def test_history_matches_result(sol):
    X = _blobs(seed=2, d=2)
    labels, centroids, history = _unpack(sol.kmeans(X, 3, n_iter=100, seed=3), X, 3)
    actual = _inertia(X, labels, centroids)
    assert abs(history[-1] - actual) <= 1e-6 * max(1.0, actual), (
        f"last inertia_history entry {history[-1]:.6g} differs from the inertia of the returned "
        f"labels and centroids {actual:.6g}")


def test_k_equals_one(sol):
    X = np.random.default_rng(4).normal(size=(40, 3))
    labels, centroids, history = _unpack(sol.kmeans(X, 1, seed=0), X, 1)
    assert np.all(labels == 0), "with k=1 every label must be 0"
    assert np.allclose(centroids[0], X.mean(axis=0), atol=1e-6), "with k=1 the centroid must be the mean of X"


def test_k_equals_n(sol):
    X = np.random.default_rng(5).normal(size=(6, 2))
    labels, centroids, history = _unpack(sol.kmeans(X, 6, seed=0), X, 6)
    assert history[-1] <= 1e-9, f"with k equal to the number of distinct points the inertia should be 0, got {history[-1]:.6g}"


def test_k_larger_than_n_raises(sol):
    X = np.random.default_rng(6).normal(size=(4, 2))
    with expect_error("ValueError", what="k=10 with only 4 points"):
        sol.kmeans(X, 10)


def test_duplicate_points_no_nan(sol):
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    for seed in range(4):
        labels, centroids, history = _unpack(sol.kmeans(X, 3, n_iter=20, seed=seed), X, 3)
        _check_non_increasing(history)


def test_one_feature(sol):
    X = np.concatenate([np.linspace(0, 1, 20), np.linspace(10, 11, 20)])[:, None]
    labels, centroids, history = _unpack(sol.kmeans(X, 2, seed=0), X, 2)
    _check_fixed_point(X, labels, centroids)


def test_same_seed_same_result(sol):
    X = np.random.default_rng(7).normal(size=(60, 2))
    a = _unpack(sol.kmeans(X, 4, seed=11), X, 4)
    b = _unpack(sol.kmeans(X, 4, seed=11), X, 4)
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1]), "the same seed must give the same result"
