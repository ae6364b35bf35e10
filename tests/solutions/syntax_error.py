import numpy as np


def kmeans(X, k, n_iter=100, seed=0)
    return None
