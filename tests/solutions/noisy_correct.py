import sys

import numpy as np


def kmeans(X, k, n_iter=100, seed=0):
    print("debug output on stdout should not confuse the runner {\"ok\": true}")
    print("and on stderr too", file=sys.stderr)
    X = np.asarray(X, dtype=float)
    n = len(X)
    if k < 1 or k > n:
        raise ValueError("bad k")
    rng = np.random.default_rng(seed)
    centroids = X[rng.choice(n, size=k, replace=False)].copy()
    labels = np.full(n, -1)
    history = []
    for _ in range(n_iter):
        d2 = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        new = d2.argmin(axis=1)
        history.append(float(d2[np.arange(n), new].sum()))
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            if np.any(labels == j):
                centroids[j] = X[labels == j].mean(axis=0)
    return labels, centroids, history
