"""Reference solution for mlc-other-ml-coding-04 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True,
                      momentum=0.1, eps=1e-5):
    x = np.asarray(x, dtype=float)
    running_mean = np.asarray(running_mean, dtype=float)
    running_var = np.asarray(running_var, dtype=float)
    if training:
        n = x.shape[0]
        if n < 2:
            raise ValueError("training needs at least two examples per batch")
        mean = x.mean(axis=0)
        var = x.var(axis=0)                       # biased, used to normalise
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta, running_mean, running_var
