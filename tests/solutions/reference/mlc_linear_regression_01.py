"""Reference solution for mlc-linear-regression-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def linear_regression_gd(X, y, lr=0.1, n_iter=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    history = []
    for _ in range(n_iter):
        residual = X @ w + b - y
        history.append(float(np.mean(residual ** 2)))
        w -= lr * (2.0 / n) * (X.T @ residual)
        b -= lr * 2.0 * residual.mean()
    return w, b, history
