"""Reference solution for mlc-knn-02 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def knn_regress(X_train, y_train, X_test, k, weighted=False):
    if k < 1:
        raise ValueError("k must be at least 1")
    X_train = np.asarray(X_train, dtype=float)
    y_train = np.asarray(y_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    k = min(k, len(X_train))
    preds = []
    for x in X_test:
        dist = np.sqrt(((X_train - x) ** 2).sum(axis=1))
        nearest = np.argsort(dist, kind="stable")[:k]
        d, y = dist[nearest], y_train[nearest]
        if not weighted:
            preds.append(float(y.mean()))
        elif np.any(d == 0):
            preds.append(float(y[d == 0].mean()))  # exact matches: avoid 1/0
        else:
            w = 1.0 / d
            preds.append(float((w * y).sum() / w.sum()))
    return preds
