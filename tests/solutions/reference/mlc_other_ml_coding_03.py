"""Reference solution for mlc-other-ml-coding-03 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def top_k_similar(query, items, k):
    q = np.asarray(query, dtype=float)
    M = np.asarray(items, dtype=float)
    k = min(k, len(M))
    if k <= 0:
        return []
    q_norm = np.linalg.norm(q)
    norms = np.linalg.norm(M, axis=1)
    denom = norms * q_norm
    sims = np.zeros(len(M))
    ok = denom > 0
    sims[ok] = (M[ok] @ q) / denom[ok]          # zero vectors keep similarity 0
    cand = np.argpartition(-sims, k - 1)[:k]    # O(n) selection
    cand = np.flatnonzero(sims >= sims[cand].min())  # keep every tie at the cut-off
    order = np.lexsort((cand, -sims[cand]))     # by similarity, then by index
    return cand[order][:k].tolist()
