"""Hidden tests for mlc-sampling-01 (reservoir sampling). Statistical checks use fixed seeds."""
from collections import Counter

from interviewer.coderun import Stream

FUNCTION = "reservoir_sample"
SIGNATURE = "def reservoir_sample(stream, k, seed=0) -> list"

# 99.9% quantile of the chi-square distribution with 11 degrees of freedom
CHI2_999_DF11 = 31.26


def _sample(sol, items, k, seed=0):
    out = sol.reservoir_sample(Stream(items), k, seed=seed)
    assert isinstance(out, (list, tuple)), f"return a list, got {type(out).__name__}"
    return list(out)


def test_returns_k_distinct_stream_items(sol):
    items = [f"item{i}" for i in range(100)]
    out = _sample(sol, items, 10)
    assert len(out) == 10, f"expected 10 items, got {len(out)}"
    assert set(out) <= set(items), f"returned items that are not in the stream: {sorted(set(out) - set(items))[:3]}"
    assert len(set(out)) == 10, "the same stream position was sampled twice"


def test_fewer_items_than_k(sol):
    out = _sample(sol, [3, 1, 2], 5)
    assert sorted(out) == [1, 2, 3], f"a stream shorter than k should be returned whole, got {out}"


def test_k_zero_and_empty_stream(sol):
    assert _sample(sol, list(range(10)), 0) == [], "k=0 should give an empty sample"
    assert _sample(sol, [], 3) == [], "an empty stream should give an empty sample"


def test_same_seed_same_sample(sol):
    items = list(range(50))
    assert _sample(sol, items, 5, seed=7) == _sample(sol, items, 5, seed=7), "the same seed must give the same sample"
    different = {tuple(sorted(_sample(sol, items, 5, seed=s))) for s in range(5)}
    assert len(different) > 1, "different seeds always gave the same sample"


def test_every_item_equally_likely(sol):
    n, k, runs = 12, 4, 3000
    counts = Counter()
    for seed in range(runs):
        counts.update(_sample(sol, list(range(n)), k, seed=seed))
    expected = runs * k / n
    chi2 = sum((counts[i] - expected) ** 2 / expected for i in range(n))
    worst = max(range(n), key=lambda i: abs(counts[i] - expected))
    assert chi2 < CHI2_999_DF11, (
        f"inclusion counts are not uniform (chi-square {chi2:.1f} > {CHI2_999_DF11} over {runs} runs); "
        f"item {worst} was sampled {counts[worst]} times, expected about {expected:.0f}")
