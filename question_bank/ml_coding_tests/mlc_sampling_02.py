"""Hidden tests for mlc-sampling-02 (stratified train/test split)."""
from collections import Counter

import numpy as np

from interviewer.coderun import expect_error

FUNCTION = "stratified_split"
SIGNATURE = "def stratified_split(labels, test_fraction, seed=0) -> (train_idx, test_idx)"


def _split(sol, labels, frac, seed=0):
    out = sol.stratified_split(labels, frac, seed=seed)
    assert isinstance(out, (tuple, list)) and len(out) == 2, "return a tuple (train_idx, test_idx)"
    train, test = list(out[0]), list(out[1])
    for name, idx in (("train", train), ("test", test)):
        assert all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in idx), (
            f"{name} indices must be integers")
    train, test = [int(i) for i in train], [int(i) for i in test]
    n = len(labels)
    assert not set(train) & set(test), f"indices in both sets: {sorted(set(train) & set(test))[:5]}"
    assert len(train) + len(test) == n and sorted(train + test) == list(range(n)), (
        f"train and test together must contain every index 0..{n - 1} exactly once")
    return train, test


def _labels():
    return ["a"] * 50 + ["b"] * 30 + ["c"] * 15 + ["d"] * 5


def test_partition_and_proportions(sol):
    labels = _labels()
    train, test = _split(sol, labels, 0.2)
    got = Counter(labels[i] for i in test)
    for cls, c in Counter(labels).items():
        want = c * 0.2
        assert abs(got[cls] - want) <= 1, f"class {cls!r}: expected about {want:g} test items, got {got[cls]}"


def test_integer_labels_and_odd_fraction(sol):
    labels = [0] * 37 + [1] * 11 + [2] * 3
    train, test = _split(sol, labels, 0.33)
    got = Counter(labels[i] for i in test)
    for cls, c in Counter(labels).items():
        assert abs(got[cls] - c * 0.33) <= 1, f"class {cls}: expected about {c * 0.33:.1f} test items, got {got[cls]}"


def test_split_is_random_but_seeded(sol):
    labels = _labels()
    assert _split(sol, labels, 0.3, seed=5) == _split(sol, labels, 0.3, seed=5), "the same seed must give the same split"
    runs = 200
    in_test = Counter()
    for seed in range(runs):
        in_test.update(_split(sol, labels, 0.3, seed=seed)[1])
    for i in (0, 25, 49, 50, 79, 80, 94):
        freq = in_test[i] / runs
        assert 0.15 <= freq <= 0.45, (
            f"index {i} was in the test set in {freq:.0%} of seeds, expected about 30%; shuffle within each class")


def test_fraction_zero_and_one(sol):
    labels = _labels()
    train, test = _split(sol, labels, 0.0)
    assert test == [], f"test_fraction=0 should give an empty test set, got {len(test)} items"
    train, test = _split(sol, labels, 1.0)
    assert train == [], f"test_fraction=1 should give an empty train set, got {len(train)} items"


def test_empty_and_single_class(sol):
    assert _split(sol, [], 0.5) == ([], []), "no labels should give ([], [])"
    train, test = _split(sol, ["x"] * 10, 0.3)
    assert len(test) == 3, f"10 items of one class at 0.3 should give 3 test items, got {len(test)}"


def test_invalid_fraction_raises(sol):
    with expect_error("ValueError", what="test_fraction=1.5"):
        sol.stratified_split([0, 1, 0, 1], 1.5)
