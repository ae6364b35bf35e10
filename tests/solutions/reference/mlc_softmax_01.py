"""Reference solution for mlc-softmax-01 (checked against its hidden tests by tests/test_coderun.py)."""
import numpy as np


def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
