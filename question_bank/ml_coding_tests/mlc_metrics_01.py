"""Hidden tests for mlc-metrics-01 (ROC AUC from scores)."""
import numpy as np

from interviewer.coderun import as_float, assert_close, expect_error

FUNCTION = "roc_auc"
SIGNATURE = "def roc_auc(y_true, scores) -> float"


def _auc(sol, y, s):
    return as_float(sol.roc_auc(list(map(int, y)), list(map(float, s))), "AUC")


def _ref(y, s):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def test_matches_reference(sol):
    rng = np.random.default_rng(0)
    for n in (10, 200, 1000):
        y = rng.integers(0, 2, size=n)
        y[:2] = [0, 1]
        s = rng.normal(size=n) + 0.8 * y
        assert_close(_auc(sol, y, s), _ref(y, s), "AUC")


def test_tied_scores_count_half(sol):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=500)
    s = np.round(rng.random(500) + 0.3 * y, 1)  # many ties
    assert_close(_auc(sol, y, s), _ref(y, s), "AUC with tied scores")
    assert_close(_auc(sol, [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5, "AUC when all scores are equal")


def test_perfect_and_reversed(sol):
    assert_close(_auc(sol, [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1.0, "AUC of a perfect ranking")
    assert_close(_auc(sol, [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]), 0.0, "AUC of a reversed ranking")


def test_invariant_to_monotone_transform(sol):
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, size=300)
    s = rng.normal(size=300) + y
    assert_close(_auc(sol, y, np.exp(3 * s)), _ref(y, s), "AUC after a monotone transform of the scores")


def test_single_class_raises(sol):
    with expect_error("ValueError", what="labels that are all 1"):
        sol.roc_auc([1, 1, 1], [0.2, 0.4, 0.6])
    with expect_error("ValueError", what="labels that are all 0"):
        sol.roc_auc([0, 0], [0.2, 0.4])


def test_large_input_is_fast(sol):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=60000)
    s = np.round(rng.random(60000) + 0.2 * y, 3)
    assert_close(_auc(sol, y, s), _ref(y, s), "AUC on 60,000 points")
