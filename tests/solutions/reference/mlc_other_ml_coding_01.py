"""Reference solution for mlc-other-ml-coding-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def pca(X, n_components):
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    if not 1 <= n_components <= min(n, d):
        raise ValueError("n_components must be between 1 and min(n, d)")
    Xc = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(Xc, full_matrices=False)  # singular values come sorted
    components = Vt[:n_components]
    explained_variance = S[:n_components] ** 2 / (n - 1)
    return components, explained_variance, Xc @ components.T
