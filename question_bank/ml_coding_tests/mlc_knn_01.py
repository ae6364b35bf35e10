"""Hidden tests for mlc-knn-01 (k-nearest-neighbours classifier)."""
import numpy as np

from interviewer.coderun import as_array, expect_error

FUNCTION = "knn_classify"
SIGNATURE = "def knn_classify(X_train, y_train, X_test, k) -> list[int]"


def _predict(sol, X_train, y_train, X_test, k):
    out = sol.knn_classify(X_train, y_train, X_test, k)
    pred = as_array(out, "predictions", dtype=int, ndim=1)
    assert len(pred) == len(X_test), f"expected {len(X_test)} predictions, got {len(pred)}"
    return pred


def _data(seed, n=120, d=3, classes=3):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(classes, d))
    y = rng.integers(0, classes, size=n)
    X = centres[y] + rng.normal(size=(n, d))
    return X, y.tolist()


def test_k1_reproduces_training_labels(sol):
    X, y = _data(0)
    pred = _predict(sol, X, y, X, 1)
    wrong = int(np.sum(pred != np.array(y)))
    assert wrong == 0, f"with k=1, predicting the training points should return their own labels; {wrong} differ"


def test_matches_reference(sol):
    from sklearn.neighbors import KNeighborsClassifier

    X, y = _data(1)
    Xt, _ = _data(2, n=60)
    for k in (3, 5, 8):
        ref = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X, y).predict(Xt)
        pred = _predict(sol, X, y, Xt, k)
        bad = np.flatnonzero(pred != ref)
        assert len(bad) == 0, (f"k={k}: test point {bad[0]} predicted {pred[bad[0]]}, expected {ref[bad[0]]} "
                               f"({len(bad)} of {len(ref)} predictions differ)")


def test_vote_tie_returns_smallest_label(sol):
    pred = _predict(sol, np.array([[0.0], [2.0]]), [5, 3], np.array([[1.0]]), 2)
    assert pred[0] == 3, f"labels 5 and 3 tie with one vote each; expected the smaller label 3, got {pred[0]}"


def test_distance_tie_prefers_lower_index(sol):
    pred = _predict(sol, np.array([[-1.0], [1.0], [5.0]]), [7, 4, 4], np.array([[0.0]]), 1)
    assert pred[0] == 7, f"points 0 and 1 are equally close; expected the label of the lower index (7), got {pred[0]}"


def test_k_larger_than_n_uses_all_points(sol):
    pred = _predict(sol, np.array([[0.0], [1.0], [2.0]]), [1, 1, 2], np.array([[2.0], [50.0]]), 10)
    assert pred.tolist() == [1, 1], f"with k larger than n every point votes, so expected [1, 1], got {pred.tolist()}"


def test_single_class(sol):
    X, _ = _data(3, n=10)
    pred = _predict(sol, X, [4] * 10, X[:3] + 0.5, 3)
    assert pred.tolist() == [4, 4, 4], f"only label 4 exists, got {pred.tolist()}"


def test_empty_test_set(sol):
    X, y = _data(4, n=10)
    out = sol.knn_classify(X, y, np.zeros((0, 3)), 3)
    assert len(as_array(out, "predictions")) == 0, "no test points should give an empty list"


def test_k_below_one_raises(sol):
    X, y = _data(5, n=10)
    with expect_error("ValueError", what="k=0"):
        sol.knn_classify(X, y, X[:2], 0)
