"""Reference solution for mlc-perceptron-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def perceptron(X, y, max_epochs=100):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError("labels must be -1 or +1")
    w, b, updates = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if yi * (xi @ w + b) <= 0:  # a zero margin counts as a mistake
                w += yi * xi
                b += yi
                updates += 1
                mistakes += 1
        if mistakes == 0:
            break
    return w, b, updates
