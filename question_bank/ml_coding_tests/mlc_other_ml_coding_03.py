"""Hidden tests for mlc-other-ml-coding-03 (top-k cosine similarity)."""
import numpy as np

from interviewer.coderun import as_array

FUNCTION = "top_k_similar"
SIGNATURE = "def top_k_similar(query, items, k) -> list[int]"


def _sims(query, items):
    qn = np.linalg.norm(query)
    norms = np.linalg.norm(items, axis=1)
    denom = norms * qn
    return np.where(denom > 0, items @ query / np.where(denom > 0, denom, 1), 0.0)


def _top(sol, query, items, k):
    out = sol.top_k_similar(query, items, k)
    idx = as_array(out, "indices", dtype=int, ndim=1)
    want = min(k, len(items))
    assert len(idx) == want, f"expected {want} indices, got {len(idx)}"
    assert len(set(idx.tolist())) == len(idx), "indices must be distinct"
    assert np.all((idx >= 0) & (idx < len(items))), "indices out of range"
    return idx


def test_matches_reference(sol):
    rng = np.random.default_rng(0)
    items, query = rng.normal(size=(500, 16)), rng.normal(size=16)
    idx = _top(sol, query, items, 10)
    sims = _sims(query, items)
    best = np.sort(sims)[::-1][:10]
    got = sims[idx]
    assert np.allclose(got, best, atol=1e-12), (
        f"returned similarities {np.round(got[:5], 4).tolist()}... but the top ones are {np.round(best[:5], 4).tolist()}...")


def test_order_is_descending_and_ties_by_index(sol):
    items = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [-1.0, 0.0], [1.0, 1.0]])
    idx = _top(sol, np.array([3.0, 0.0]), items, 5)
    assert idx.tolist() == [0, 2, 3, 5, 1], (
        f"expected [0, 2, 3, 5, 1] (similarity 1 for rows 0, 2, 3 in index order, then 0.707, then 0), got {idx.tolist()}")


def test_magnitude_does_not_matter(sol):
    items = np.array([[10.0, 1.0], [0.1, 0.1], [0.0, 5.0]])
    idx = _top(sol, np.array([1.0, 1.0]), items, 1)
    assert idx.tolist() == [1], f"cosine similarity ignores length: row 1 points the same way as the query, got {idx.tolist()}"


def test_zero_vectors(sol):
    items = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0]])
    idx = _top(sol, np.array([1.0, 0.0]), items, 3)
    assert idx.tolist() == [1, 0, 2], f"a zero item has similarity 0; expected [1, 0, 2], got {idx.tolist()}"
    idx = _top(sol, np.array([0.0, 0.0]), items, 2)
    assert idx.tolist() == [0, 1], f"a zero query gives similarity 0 everywhere; expected [0, 1], got {idx.tolist()}"


def test_k_larger_than_n_and_zero(sol):
    items = np.random.default_rng(1).normal(size=(4, 3))
    assert len(_top(sol, np.ones(3), items, 10)) == 4
    assert len(_top(sol, np.ones(3), items, 0)) == 0
