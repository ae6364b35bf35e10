"""Hidden tests for mlc-sampling-03 (weighted sampling with replacement)."""
from collections import Counter

from interviewer.coderun import expect_error

FUNCTION = "weighted_sample"
SIGNATURE = "def weighted_sample(items, weights, k, seed=0) -> list"

CHI2_999_DF3 = 16.27  # 99.9% quantile, 3 degrees of freedom


def _sample(sol, items, weights, k, seed=0):
    out = sol.weighted_sample(items, weights, k, seed=seed)
    assert isinstance(out, (list, tuple)), f"return a list, got {type(out).__name__}"
    out = list(out)
    assert len(out) == k, f"expected {k} samples, got {len(out)}"
    assert set(out) <= set(items), f"returned values that are not items: {sorted(set(out) - set(items), key=str)[:3]}"
    return out


def test_frequencies_follow_the_weights(sol):
    items, weights, k = ["a", "b", "c", "d"], [1, 2, 3, 4], 20000
    counts = Counter(_sample(sol, items, weights, k, seed=1))
    expected = {x: k * w / 10 for x, w in zip(items, weights)}
    chi2 = sum((counts[x] - e) ** 2 / e for x, e in expected.items())
    assert chi2 < CHI2_999_DF3, (
        "sample frequencies do not match the weights 1:2:3:4 "
        f"(got {[counts[x] for x in items]}, expected about {[round(e) for e in expected.values()]})")


def test_zero_weight_is_never_chosen(sol):
    out = _sample(sol, ["x", "y", "z"], [0.5, 0.0, 0.5], 2000, seed=2)
    assert "y" not in out, "an item with weight 0 was sampled"


def test_float_weights_and_single_item(sol):
    counts = Counter(_sample(sol, [10, 20], [0.1, 0.9], 5000, seed=3))
    share = counts[20] / 5000
    assert 0.87 <= share <= 0.93, f"item with weight 0.9 was drawn {share:.1%} of the time, expected about 90%"
    assert _sample(sol, ["only"], [3.0], 4) == ["only"] * 4, "a single item must be returned every time"


def test_k_zero(sol):
    assert _sample(sol, [1, 2], [1, 1], 0) == [], "k=0 should give an empty list"


def test_same_seed_same_sample(sol):
    a = _sample(sol, list(range(10)), list(range(1, 11)), 50, seed=9)
    b = _sample(sol, list(range(10)), list(range(1, 11)), 50, seed=9)
    assert a == b, "the same seed must give the same sample"


def test_invalid_weights_raise(sol):
    with expect_error("ValueError", what="a negative weight"):
        sol.weighted_sample(["a", "b"], [1.0, -1.0], 3)
    with expect_error("ValueError", what="weights that are all zero"):
        sol.weighted_sample(["a", "b"], [0, 0], 3)
    with expect_error("ValueError", what="items and weights of different lengths"):
        sol.weighted_sample(["a", "b"], [1.0], 3)


def test_many_items_and_draws_is_fast(sol):
    n = 50000
    out = _sample(sol, list(range(n)), [1.0 + (i % 7) for i in range(n)], 50000, seed=4)
    assert len(set(out)) > 10000, "draws from 50,000 items should be spread out"
