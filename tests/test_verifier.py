"""The verifier cross-encoder: the shipped adapter on the real MiniLM weights, and the adapter format."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from benchmarks.train_verifier import Trainable, predict
from interviewer.models import ModelLoadError
from interviewer.verifier import Verifier

POINT = "L1 regularisation can drive some weights to exactly zero, giving a sparse model."


@pytest.fixture(scope="module")
def verifier():
    return Verifier()


def test_stating_the_point_beats_negating_swapping_or_ignoring_it(verifier):
    pieces = {
        "states": "With L1 many coefficients end up exactly zero, so the model is sparse.",
        "negates": "L1 does not make any weights exactly zero; the model stays dense.",
        "swaps": "L2 is the penalty that sets weights to exactly zero, while L1 only shrinks them.",
        "unrelated": "Dropout randomly switches off activations while training a network.",
    }
    logits = dict(zip(pieces, verifier.logits([POINT] * len(pieces), list(pieces.values()))))
    assert logits["states"] > 0 > max(logits["negates"], logits["unrelated"])
    assert logits["states"] > logits["swaps"] + 1.0


def test_logits_are_deterministic(verifier):
    pieces = ["L1 zeroes some weights.", "I like hiking.", "Sparse models come from the L1 penalty."]
    assert np.array_equal(verifier.logits([POINT] * 3, pieces), verifier.logits([POINT] * 3, pieces))
    assert len(verifier.logits([], [])) == 0


@pytest.fixture(scope="module")
def fp32():
    with pytest.MonkeyPatch.context() as m:
        m.setenv("INTERVIEWER_PRECISION", "fp32")
        return Verifier()


def test_fp32_logits_do_not_depend_on_the_batch(fp32):
    pieces = ["L1 zeroes some weights.", "I like hiking.", "Sparse models come from the L1 penalty."]
    together = fp32.logits([POINT] * 3, pieces)
    alone = np.array([fp32.logits([POINT], [p])[0] for p in pieces])
    assert fp32.precision == "fp32" and "(fp32)" in fp32.id
    assert np.allclose(together, alone, atol=1e-4)


def test_bf16_stays_close_to_fp32(fp32):
    with pytest.MonkeyPatch.context() as m:
        m.setenv("INTERVIEWER_PRECISION", "bf16")
        bf16 = Verifier()
    pieces = ["L1 zeroes some weights.", "I like hiking.", "L2 is the one that gives exact zeros."]
    assert bf16.precision == "bf16"
    assert np.allclose(bf16.logits([POINT] * 3, pieces), fp32.logits([POINT] * 3, pieces), atol=0.15)


def test_saved_adapter_reproduces_the_trained_model(tmp_path):
    torch.manual_seed(0)
    model = Trainable()
    with torch.no_grad():  # an untrained adapter is all zeros; perturb it so the check means something
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.02)
    path = tmp_path / "adapter.npz"
    model.save(path, {"version": "test", "rank": 16, "alpha": 32})
    points, pieces = [POINT, "Dropout zeroes activations."], ["L1 gives exact zeros.", "Cake is nice."]
    with pytest.MonkeyPatch.context() as m:
        m.setenv("INTERVIEWER_PRECISION", "fp32")
        loaded = Verifier(path)
    assert np.allclose(predict(model, points, pieces), loaded.logits(points, pieces), atol=2e-3)


def test_missing_adapter_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="adapter is missing"):
        Verifier(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(ModelLoadError, match="could not load the verifier"):
        Verifier(Path(bad))
