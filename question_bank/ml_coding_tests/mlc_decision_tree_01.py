"""Hidden tests for mlc-decision-tree-01 (Gini decision tree classifier)."""
import numpy as np

from interviewer.coderun import as_array

FUNCTION = "fit_predict_tree"
SIGNATURE = "def fit_predict_tree(X_train, y_train, X_test, max_depth=None, min_samples_split=2) -> list[int]"


def _predict(sol, X, y, Xt, **kw):
    out = sol.fit_predict_tree(X, y, Xt, **kw)
    pred = as_array(out, "predictions", dtype=int, ndim=1)
    assert len(pred) == len(Xt), f"expected {len(Xt)} predictions, got {len(pred)}"
    return pred


def test_fully_grown_tree_fits_training_set(sol):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = rng.integers(0, 3, size=80).tolist()
    pred = _predict(sol, X, y, X)
    wrong = int(np.sum(pred != np.array(y)))
    assert wrong == 0, f"a fully grown tree must fit its training set; {wrong} of 80 training points are misclassified"


def test_stump_finds_the_threshold(sol):
    rng = np.random.default_rng(1)
    X = np.column_stack([np.concatenate([rng.uniform(0, 0.4, 30), rng.uniform(0.6, 1, 30)]),
                         rng.uniform(0, 1, 60)])
    y = [0] * 30 + [1] * 30
    Xt = np.array([[0.1, 0.5], [0.35, 0.9], [0.65, 0.1], [0.95, 0.5]])
    pred = _predict(sol, X, y, Xt, max_depth=1)
    assert pred.tolist() == [0, 0, 1, 1], f"a depth-1 tree should split on feature 0; got {pred.tolist()} for [0, 0, 1, 1]"


def test_depth_one_has_at_most_two_leaves(sol):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 2))
    y = rng.integers(0, 3, size=90).tolist()
    pred = _predict(sol, X, y, rng.normal(size=(200, 2)), max_depth=1)
    distinct = sorted(set(pred.tolist()))
    assert len(distinct) <= 2, f"max_depth=1 allows two leaves, but predictions take {len(distinct)} values {distinct}"


def test_max_depth_zero_predicts_majority(sol):
    X = np.arange(5, dtype=float)[:, None]
    pred = _predict(sol, X, [2, 2, 1, 0, 2], X, max_depth=0)
    assert pred.tolist() == [2] * 5, f"max_depth=0 is a single leaf predicting the majority class 2, got {pred.tolist()}"


def test_majority_tie_picks_smallest_label(sol):
    X = np.arange(4, dtype=float)[:, None]
    pred = _predict(sol, X, [3, 1, 3, 1], X, max_depth=0)
    assert pred.tolist() == [1] * 4, f"labels 1 and 3 tie; a leaf should predict the smaller label 1, got {pred.tolist()}"


def test_single_class(sol):
    X = np.random.default_rng(3).normal(size=(12, 2))
    pred = _predict(sol, X, [7] * 12, X[:4] * 3)
    assert pred.tolist() == [7] * 4, f"only class 7 exists, got {pred.tolist()}"


def test_constant_features_cannot_be_split(sol):
    X = np.ones((6, 2))
    pred = _predict(sol, X, [0, 1, 1, 0, 1, 2], np.array([[1.0, 1.0], [0.0, 5.0]]))
    assert pred.tolist() == [1, 1], f"with identical rows no split exists, so predict the majority 1; got {pred.tolist()}"


def test_min_samples_split(sol):
    X = np.arange(6, dtype=float)[:, None]
    pred = _predict(sol, X, [0, 0, 0, 1, 1, 0], X, min_samples_split=10)
    assert pred.tolist() == [0] * 6, f"min_samples_split=10 > 6 samples means the root stays a leaf; got {pred.tolist()}"


def test_generalises_like_a_reference_tree(sol):
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 4))
    y = ((X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int))
    flip = rng.random(400) < 0.1
    y = np.where(flip, rng.integers(0, 3, size=400), y)
    Xtr, ytr, Xte, yte = X[:300], y[:300], X[300:], y[300:]
    ref = DecisionTreeClassifier(max_depth=4, random_state=0).fit(Xtr, ytr).score(Xte, yte)
    acc = float(np.mean(_predict(sol, Xtr, ytr.tolist(), Xte, max_depth=4) == yte))
    assert acc >= ref - 0.08, f"test accuracy {acc:.2f} is far below a reference depth-4 tree ({ref:.2f})"


def test_keeps_original_label_values(sol):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 2))
    y = rng.choice([10, 20, 30], size=30).tolist()
    pred = _predict(sol, X, y, rng.normal(size=(20, 2)), max_depth=3)
    assert set(pred.tolist()) <= {10, 20, 30}, f"predictions must be training labels, got {sorted(set(pred.tolist()))}"


def test_empty_test_set(sol):
    X = np.random.default_rng(6).normal(size=(10, 2))
    out = sol.fit_predict_tree(X, [0, 1] * 5, np.zeros((0, 2)))
    assert len(as_array(out, "predictions")) == 0, "no test points should give an empty list"
