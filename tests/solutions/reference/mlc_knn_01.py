"""Reference solution for mlc-knn-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np
from collections import Counter


def knn_classify(X_train, y_train, X_test, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    if len(X_test) == 0:
        return []
    k = min(k, len(X_train))
    # (m, n) squared distances; exact differences keep ties exact
    d2 = ((X_test[:, None, :] - X_train[None, :, :]) ** 2).sum(axis=2)
    preds = []
    for row in d2:
        nearest = np.argsort(row, kind="stable")[:k]  # stable: lower index wins distance ties
        votes = Counter(y_train[i] for i in nearest)
        top = max(votes.values())
        preds.append(min(label for label, c in votes.items() if c == top))
    return preds
