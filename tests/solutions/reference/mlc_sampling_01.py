"""Reference solution for mlc-sampling-01 (checked against its hidden tests by tests/test_coderun.py)."""
import random


def reservoir_sample(stream, k, seed=0):
    rng = random.Random(seed)
    reservoir = []
    for i, item in enumerate(stream):
        if i < k:
            reservoir.append(item)
        else:
            j = rng.randint(0, i)  # uniform over the i + 1 items seen so far
            if j < k:
                reservoir[j] = item
    return reservoir
