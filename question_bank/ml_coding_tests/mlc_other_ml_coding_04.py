"""Hidden tests for mlc-other-ml-coding-04 (batch normalisation forward pass)."""
import numpy as np

from interviewer.coderun import as_array, assert_close, expect_error

FUNCTION = "batchnorm_forward"
SIGNATURE = ("def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, "
             "momentum=0.1, eps=1e-5) -> (out, running_mean, running_var)")


def _reference(x, gamma, beta, rm, rv, training=True, momentum=0.1, eps=1e-5):
    if training:
        mean, var = x.mean(0), x.var(0)
        unbiased = x.var(0, ddof=1)
        rm = (1 - momentum) * rm + momentum * mean
        rv = (1 - momentum) * rv + momentum * unbiased
    else:
        mean, var = rm, rv
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, rm, rv


def _call(sol, x, gamma, beta, rm, rv, **kw):
    out = sol.batchnorm_forward(x, gamma, beta, rm, rv, **kw)
    assert isinstance(out, (tuple, list)) and len(out) == 3, "return a tuple (out, running_mean, running_var)"
    d = x.shape[1]
    return (as_array(out[0], "out", shape=x.shape), as_array(out[1], "running_mean", shape=(d,)),
            as_array(out[2], "running_var", shape=(d,)))


def _inputs(seed, n=16, d=4):
    rng = np.random.default_rng(seed)
    return (rng.normal(loc=3, scale=2, size=(n, d)), rng.uniform(0.5, 2, size=d), rng.normal(size=d),
            rng.normal(size=d), rng.uniform(0.5, 2, size=d))


def test_training_matches_reference(sol):
    x, g, b, rm, rv = _inputs(0)
    got = _call(sol, x, g, b, rm, rv, training=True)
    for value, want, name in zip(got, _reference(x, g, b, rm, rv), ("out", "running_mean", "running_var")):
        assert_close(value, want, f"training mode: {name}", tol=1e-8)


def test_training_output_statistics(sol):
    x, _, _, rm, rv = _inputs(1, n=64)
    out, _, _ = _call(sol, x, np.full(4, 2.0), np.full(4, 0.5), rm, rv)
    assert_close(out.mean(0), np.full(4, 0.5), "per-feature mean of the output (should equal beta)", tol=1e-6)
    assert_close(out.std(0), np.full(4, 2.0), "per-feature std of the output (about gamma)", tol=1e-4)


def test_running_var_uses_unbiased_estimate(sol):
    x, g, b, rm, rv = _inputs(2, n=5)
    _, _, got = _call(sol, x, g, b, rm, rv, momentum=1.0)
    assert_close(got, x.var(0, ddof=1), "running_var with momentum=1 (unbiased batch variance)", tol=1e-8)


def test_eval_mode_uses_running_statistics(sol):
    x, g, b, rm, rv = _inputs(3)
    out, new_rm, new_rv = _call(sol, x, g, b, rm, rv, training=False)
    assert_close(out, _reference(x, g, b, rm, rv, training=False)[0], "eval mode: out", tol=1e-8)
    assert_close(new_rm, rm, "eval mode must not change running_mean", tol=1e-12)
    assert_close(new_rv, rv, "eval mode must not change running_var", tol=1e-12)


def test_constant_feature(sol):
    x, g, b, rm, rv = _inputs(4)
    x[:, 2] = 5.0
    out, _, _ = _call(sol, x, g, b, rm, rv)
    assert np.all(np.isfinite(out)), "a constant feature must not produce NaN (add eps inside the square root)"
    assert_close(out[:, 2], np.full(len(x), b[2]), "output of a constant feature (should equal beta)", tol=1e-8)


def test_single_example(sol):
    x, g, b, rm, rv = _inputs(5, n=1)
    out, _, _ = _call(sol, x, g, b, rm, rv, training=False)
    assert_close(out, _reference(x, g, b, rm, rv, training=False)[0], "eval mode with one example", tol=1e-8)
    with expect_error("ValueError", what="training with a batch of one example"):
        sol.batchnorm_forward(x, g, b, rm, rv, training=True)
