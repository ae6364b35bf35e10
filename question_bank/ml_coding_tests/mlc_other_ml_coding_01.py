"""Hidden tests for mlc-other-ml-coding-01 (PCA via SVD)."""
import numpy as np

from interviewer.coderun import as_array, assert_close, expect_error

FUNCTION = "pca"
SIGNATURE = "def pca(X, n_components) -> (components, explained_variance, X_projected)"


def _pca(sol, X, k):
    out = sol.pca(X, k)
    assert isinstance(out, (tuple, list)) and len(out) == 3, "return a tuple (components, explained_variance, X_projected)"
    comps = as_array(out[0], "components", shape=(k, X.shape[1]))
    var = as_array(out[1], "explained_variance", shape=(k,))
    proj = as_array(out[2], "X_projected", shape=(X.shape[0], k))
    return comps, var, proj


def _data(seed, n=100, d=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d) * 3


def _align(comps, ref):
    """Flip the sign of each returned component to match the reference."""
    signs = np.sign(np.sum(comps * ref, axis=1))
    signs[signs == 0] = 1
    return signs


def test_matches_reference_up_to_sign(sol):
    from sklearn.decomposition import PCA

    X = _data(0)
    ref = PCA(n_components=3, svd_solver="full").fit(X)
    comps, var, proj = _pca(sol, X, 3)
    signs = _align(comps, ref.components_)
    assert_close(comps * signs[:, None], ref.components_, "components (up to sign)", tol=1e-6)
    assert_close(var, ref.explained_variance_, "explained_variance (n - 1 denominator)", tol=1e-6)
    assert_close(proj * signs[None, :], ref.transform(X), "X_projected (up to sign)", tol=1e-6)


def test_components_are_orthonormal(sol):
    comps, _, _ = _pca(sol, _data(1, d=6), 4)
    assert_close(comps @ comps.T, np.eye(4), "components @ components.T", tol=1e-8)


def test_variances_are_sorted(sol):
    _, var, _ = _pca(sol, _data(2), 5)
    assert np.all(np.diff(var) <= 1e-12), f"explained_variance should be in decreasing order, got {np.round(var, 4).tolist()}"


def test_projection_uses_centred_data(sol):
    X = _data(3) + 100.0
    comps, _, proj = _pca(sol, X, 2)
    assert_close(proj.mean(axis=0), np.zeros(2), "mean of X_projected (centre X first)", tol=1e-8)
    assert_close(proj, (X - X.mean(0)) @ comps.T, "X_projected compared with (X - mean) @ components.T", tol=1e-8)


def test_full_rank_reconstructs(sol):
    X = _data(4, n=20, d=4)
    comps, _, proj = _pca(sol, X, 4)
    assert_close(proj @ comps + X.mean(0), X, "reconstruction from all components", tol=1e-8)


def test_constant_feature(sol):
    X = _data(5, d=3)
    X[:, 1] = 7.0
    comps, var, _ = _pca(sol, X, 3)
    assert np.all(np.isfinite(comps)) and np.all(np.isfinite(var)), "a constant feature must not give NaN"
    assert abs(var[-1]) < 1e-9, f"the last component should have zero variance, got {var[-1]:.3g}"


def test_too_many_components_raises(sol):
    with expect_error("ValueError", what="n_components larger than min(n, d)"):
        sol.pca(_data(6, n=10, d=3), 4)
