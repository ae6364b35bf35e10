import numpy as np


def k_means(X, k, n_iter=100, seed=0):  # wrong name
    return np.zeros(len(X), dtype=int), X[:k], [0.0]
