"""Hidden tests for mlc-other-ml-coding-02 (multinomial naive Bayes for word counts)."""
import numpy as np

from interviewer.coderun import as_array

FUNCTION = "multinomial_nb"
SIGNATURE = "def multinomial_nb(X_train, y_train, X_test, alpha=1.0) -> list[int]"


def _predict(sol, X, y, Xt, alpha=1.0):
    out = sol.multinomial_nb(X, y, Xt, alpha=alpha)
    pred = as_array(out, "predictions", dtype=int, ndim=1)
    assert len(pred) == len(Xt), f"expected {len(Xt)} predictions, got {len(pred)}"
    return pred


def _corpus(seed, n=150, vocab=30, classes=3, length=20):
    rng = np.random.default_rng(seed)
    topic = rng.dirichlet(np.ones(vocab) * 0.3, size=classes)
    y = rng.integers(0, classes, size=n)
    X = np.array([rng.multinomial(length, topic[c]) for c in y])
    return X, y


def _ref(X, y, Xt, alpha):
    from sklearn.naive_bayes import MultinomialNB

    return MultinomialNB(alpha=alpha).fit(X, y).predict(Xt)


def _compare(pred, ref, label):
    bad = np.flatnonzero(pred != ref)
    assert len(bad) == 0, (f"{label}: document {bad[0]} predicted {pred[bad[0]]}, expected {ref[bad[0]]} "
                           f"({len(bad)} of {len(ref)} differ)")


def test_matches_reference(sol):
    X, y = _corpus(0)
    Xt, _ = _corpus(1, n=80)
    for alpha in (1.0, 0.5):
        _compare(_predict(sol, X, y.tolist(), Xt, alpha), _ref(X, y, Xt, alpha), f"alpha={alpha}")


def test_long_documents_do_not_underflow(sol):
    X, y = _corpus(2, length=30)
    Xt, _ = _corpus(3, n=40, length=3000)  # products of thousands of probabilities underflow to 0
    _compare(_predict(sol, X, y.tolist(), Xt), _ref(X, y, Xt, 1.0), "3,000-word documents")


def test_unseen_word_does_not_zero_out_a_class(sol):
    X = np.array([[3, 0, 0], [2, 1, 0], [0, 0, 4], [0, 1, 3]])
    y = [0, 0, 1, 1]
    # word 2 never occurs in class 0, word 0 never in class 1; the query is mostly class-0 words
    pred = _predict(sol, X, y, np.array([[5, 0, 1]]))
    assert pred[0] == 0, f"one unseen word should not rule a class out (use smoothing); expected 0, got {pred[0]}"


def test_priors_matter(sol):
    X = np.array([[1, 1]] * 9 + [[1, 1]])
    y = [4] * 9 + [8]
    pred = _predict(sol, X, y, np.array([[1, 1]]))
    assert pred[0] == 4, f"identical word distributions: the larger class prior should win (4), got {pred[0]}"


def test_keeps_label_values_and_single_class(sol):
    X, y = _corpus(4, classes=2)
    labels = np.where(y == 0, 10, 42)
    pred = _predict(sol, X, labels.tolist(), X[:10])
    assert set(pred.tolist()) <= {10, 42}, f"predictions must be training labels, got {sorted(set(pred.tolist()))}"
    pred = _predict(sol, X, [3] * len(X), X[:5])
    assert pred.tolist() == [3] * 5, f"with one class every prediction is that class, got {pred.tolist()}"


def test_empty_test_set(sol):
    X, y = _corpus(5, n=10)
    out = sol.multinomial_nb(X, y.tolist(), np.zeros((0, X.shape[1]), dtype=int))
    assert len(as_array(out, "predictions")) == 0, "no test documents should give an empty list"
