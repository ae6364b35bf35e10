"""Reference solution for mlc-other-ml-coding-02 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def multinomial_nb(X_train, y_train, X_test, alpha=1.0):
    X = np.asarray(X_train, dtype=float)
    classes, y = np.unique(np.asarray(y_train), return_inverse=True)
    Xt = np.asarray(X_test, dtype=float).reshape(-1, X.shape[1])
    log_prior = np.log(np.bincount(y, minlength=len(classes)) / len(y))
    counts = np.zeros((len(classes), X.shape[1]))
    np.add.at(counts, y, X)                      # word counts per class
    smoothed = counts + alpha                    # Laplace / Lidstone smoothing
    log_word = np.log(smoothed / smoothed.sum(axis=1, keepdims=True))
    scores = Xt @ log_word.T + log_prior         # sums of logs: no underflow
    return [classes[i].item() for i in scores.argmax(axis=1)]
