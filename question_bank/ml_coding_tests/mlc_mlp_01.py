"""Hidden tests for mlc-mlp-01 (one-hidden-layer MLP forward and backward pass)."""
import numpy as np

from interviewer.coderun import as_array, as_float, assert_close

FUNCTION = "mlp_forward_backward"
SIGNATURE = "def mlp_forward_backward(X, y, W1, b1, W2, b2) -> dict"


def _reference(X, y, W1, b1, W2, b2):
    n = len(X)
    pre = X @ W1 + b1
    h = np.maximum(pre, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    d_logits = np.exp(log_probs)
    d_logits[np.arange(n), y] -= 1
    d_logits /= n
    dW2 = h.T @ d_logits
    db2 = d_logits.sum(axis=0)
    d_pre = (d_logits @ W2.T) * (pre > 0)
    return {"loss": loss, "dW1": X.T @ d_pre, "db1": d_pre.sum(axis=0), "dW2": dW2, "db2": db2}


def _params(seed, n=8, d=5, h=6, c=3, scale=0.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, c, size=n)
    return X, y, rng.normal(scale=scale, size=(d, h)), rng.normal(scale=0.1, size=h), \
        rng.normal(scale=scale, size=(h, c)), rng.normal(scale=0.1, size=c)


def _check(sol, args, label, tol=1e-7):
    X, y, W1, b1, W2, b2 = args
    out = sol.mlp_forward_backward(X, y.tolist(), W1, b1, W2, b2)
    assert isinstance(out, dict), f"return a dict with loss, dW1, db1, dW2, db2; got {type(out).__name__}"
    missing = {"loss", "dW1", "db1", "dW2", "db2"} - set(out)
    assert not missing, f"the result is missing {sorted(missing)}"
    ref = _reference(X, y, W1, b1, W2, b2)
    assert_close(as_float(out["loss"], "loss"), ref["loss"], f"{label}: loss", tol=tol)
    for key, shape_of in (("dW1", W1), ("db1", b1), ("dW2", W2), ("db2", b2)):
        got = as_array(out[key], key, shape=shape_of.shape)
        assert_close(got, ref[key], f"{label}: {key}", tol=tol)


def test_matches_reference(sol):
    _check(sol, _params(0), "random network")


def test_gradients_match_finite_differences(sol):
    X, y, W1, b1, W2, b2 = _params(1, n=4, d=3, h=4, c=2)
    out = sol.mlp_forward_backward(X, y.tolist(), W1, b1, W2, b2)
    dW1 = as_array(out["dW1"], "dW1", shape=W1.shape)
    eps = 1e-6
    for (i, j) in [(0, 0), (1, 2), (2, 3)]:
        Wp, Wm = W1.copy(), W1.copy()
        Wp[i, j] += eps
        Wm[i, j] -= eps
        num = (_reference(X, y, Wp, b1, W2, b2)["loss"] - _reference(X, y, Wm, b1, W2, b2)["loss"]) / (2 * eps)
        assert abs(dW1[i, j] - num) < 1e-5, f"dW1[{i},{j}] is {dW1[i, j]:.6g} but finite differences give {num:.6g}"


def test_large_logits_are_stable(sol):
    X, y, W1, b1, W2, b2 = _params(2)
    _check(sol, (X, y, W1, b1, W2, b2 + 1000.0), "network whose logits are all around 1000", tol=1e-6)


def test_single_example_batch(sol):
    _check(sol, _params(3, n=1), "batch of one example")


def test_relu_gradient_is_zero_at_zero(sol):
    X, y, W1, b1, W2, b2 = _params(4, n=3, d=2, h=3, c=2)
    W1[:, 0] = 0.0
    b1[0] = 0.0  # hidden unit 0 has pre-activation exactly 0 for every example
    _check(sol, (X, y, W1, b1, W2, b2), "hidden unit with zero pre-activation")
