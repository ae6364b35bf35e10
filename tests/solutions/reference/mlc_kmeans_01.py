"""Reference solution for mlc-kmeans-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def kmeans(X, k, n_iter=100, seed=0):
    X = np.asarray(X, dtype=float)
    n = len(X)
    if k < 1 or k > n:
        raise ValueError(f"k must be between 1 and the number of points ({n}), got {k}")
    rng = np.random.default_rng(seed)
    centroids = X[rng.choice(n, size=k, replace=False)].copy()
    labels = np.full(n, -1)
    history = []
    for _ in range(n_iter):
        d2 = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        new_labels = d2.argmin(axis=1)
        history.append(float(d2[np.arange(n), new_labels].sum()))
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(k):
            members = X[labels == j]
            if len(members):  # an empty cluster keeps its previous centroid
                centroids[j] = members.mean(axis=0)
    return labels, centroids, history
