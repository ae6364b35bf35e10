"""Hidden tests for mlc-metrics-02 (precision, recall and F1 at a threshold)."""
import numpy as np

from interviewer.coderun import as_float, assert_close

FUNCTION = "precision_recall_f1"
SIGNATURE = "def precision_recall_f1(y_true, scores, threshold) -> (precision, recall, f1)"


def _prf(sol, y, s, t):
    out = sol.precision_recall_f1(list(map(int, y)), list(map(float, s)), float(t))
    assert isinstance(out, (tuple, list)) and len(out) == 3, "return a tuple (precision, recall, f1)"
    return tuple(as_float(v, name) for v, name in zip(out, ("precision", "recall", "f1")))


def _ref(y, s, t):
    from sklearn.metrics import f1_score, precision_score, recall_score

    pred = (np.asarray(s) >= t).astype(int)
    return (precision_score(y, pred, zero_division=0), recall_score(y, pred, zero_division=0),
            f1_score(y, pred, zero_division=0))


def test_matches_reference(sol):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=300)
    s = rng.random(300) * 0.7 + 0.3 * y
    for t in (0.2, 0.5, 0.8):
        for got, want, name in zip(_prf(sol, y, s, t), _ref(y, s, t), ("precision", "recall", "F1")):
            assert_close(got, want, f"{name} at threshold {t}")


def test_score_equal_to_threshold_is_positive(sol):
    got = _prf(sol, [1, 0], [0.5, 0.4], 0.5)
    assert_close(got[0], 1.0, "precision when the positive's score equals the threshold")
    assert_close(got[1], 1.0, "recall when the positive's score equals the threshold")


def test_no_predicted_positives_gives_zero(sol):
    got = _prf(sol, [1, 0, 1], [0.1, 0.2, 0.3], 0.9)
    assert got == (0.0, 0.0, 0.0), f"with no predicted positives expect (0, 0, 0), got {got}"


def test_no_actual_positives_gives_zero(sol):
    got = _prf(sol, [0, 0, 0], [0.9, 0.2, 0.7], 0.5)
    assert got == (0.0, 0.0, 0.0), f"with no actual positives expect (0, 0, 0), got {got}"


def test_perfect_classifier(sol):
    got = _prf(sol, [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3], 0.5)
    assert_close(np.array(got), [1.0, 1.0, 1.0], "precision, recall, F1 of a perfect classifier")


def test_empty_input(sol):
    got = _prf(sol, [], [], 0.5)
    assert got == (0.0, 0.0, 0.0), f"empty input should give (0, 0, 0), got {got}"
