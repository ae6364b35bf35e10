"""Reference solution for mlc-sampling-03 (checked against its hidden tests by tests/test_coderun.py)."""
import bisect
import itertools
import random


def weighted_sample(items, weights, k, seed=0):
    if len(items) != len(weights):
        raise ValueError("items and weights must have the same length")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    cumulative = list(itertools.accumulate(float(w) for w in weights))
    total = cumulative[-1] if cumulative else 0.0
    if k > 0 and total <= 0:
        raise ValueError("at least one weight must be positive")
    rng = random.Random(seed)
    out = []
    for _ in range(k):
        u = rng.random() * total
        i = bisect.bisect_right(cumulative, u)  # first prefix sum > u; skips zero weights
        out.append(items[min(i, len(items) - 1)])
    return out
