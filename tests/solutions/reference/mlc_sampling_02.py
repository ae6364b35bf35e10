"""Reference solution for mlc-sampling-02 (checked against its hidden tests by tests/test_coderun.py)."""
import random
from collections import defaultdict


def stratified_split(labels, test_fraction, seed=0):
    if not 0.0 <= test_fraction <= 1.0:
        raise ValueError("test_fraction must be between 0 and 1")
    rng = random.Random(seed)
    by_class = defaultdict(list)
    for i, label in enumerate(labels):
        by_class[label].append(i)
    train, test = [], []
    for label in sorted(by_class, key=repr):  # fixed order so the seed fully determines the split
        idx = by_class[label]
        rng.shuffle(idx)
        n_test = int(round(len(idx) * test_fraction))
        test.extend(idx[:n_test])
        train.extend(idx[n_test:])
    return sorted(train), sorted(test)
