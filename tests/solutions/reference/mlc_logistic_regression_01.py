"""Reference solution for mlc-logistic-regression-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def logistic_regression_gd(X, y, lr=0.1, n_iter=1000, l2=0.0):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    history = []
    for _ in range(n_iter):
        z = X @ w + b
        # log(1 + e^z) - y*z is the per-example log-loss; logaddexp never overflows
        loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * (w @ w)
        history.append(float(loss))
        p = np.exp(-np.logaddexp(0.0, -z))  # stable sigmoid
        err = p - y
        w -= lr * (X.T @ err / n + l2 * w)
        b -= lr * err.mean()
    return w, b, history
