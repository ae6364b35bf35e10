"""FAISS indexes over the bank, cached on disk by content hash.

Two indexes:
  questions  MiniLM (sentence-transformers) vectors of question prompts: similar-question search,
             near-duplicate checks.
  points     wordpiece vectors of rubric points (models.Wordpieces): the scorer retrieves, for each
             sentence of an answer, its similarity to the question's own points (an ID selector
             restricts the search), and sends the closest few to the verifier.
The cache folder is keyed by a hash of the embedded text and the model ids, so an unchanged bank is
loaded from disk without loading a model at all; a changed bank rebuilds with a progress bar.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import faiss
import numpy as np
from tqdm import tqdm

from . import config
from .bank import Bank
from .models import MiniLM, Wordpieces, wordpieces
from .records import Question

# Bump when what a vector is made of changes (5: "same" is a content word; 6: "because", "since",
# "therefore"... are not: text.STOPWORDS, which Wordpieces leaves out of its mean).
INDEX_VERSION = "6"
Progress = Callable[[float, str], None]  # (fraction done, description)


def cache_key(bank: Bank) -> str:
    h = hashlib.sha256("|".join([INDEX_VERSION, bank.content_hash(), MiniLM.id, Wordpieces.id]).encode())
    return h.hexdigest()[:20]


def _point_key(question_id: str, point_id: str) -> str:
    return f"{question_id}::{point_id}"


@dataclass
class BankIndex:
    questions: faiss.Index        # IndexIDMap2(IndexFlatIP), ids = position in question_ids
    points: faiss.Index           # IndexIDMap2(IndexFlatIP), ids = position in point_keys
    question_ids: list[str]
    point_keys: list[str]
    key: str
    loaded_from_cache: bool = False

    def __post_init__(self):
        self._qpos = {q: i for i, q in enumerate(self.question_ids)}
        self._ppos = {k: i for i, k in enumerate(self.point_keys)}

    # --------------------------------------------------------------- scorer side
    def point_ids_of(self, question: Question) -> np.ndarray:
        return np.array([self._ppos[_point_key(question.id, p.id)] for p in question.points], dtype=np.int64)

    def point_vectors(self, question: Question) -> np.ndarray:
        return np.vstack([self.points.reconstruct(int(i)) for i in self.point_ids_of(question)])

    def nearest_points(self, unit_vectors: np.ndarray, question: Question) -> np.ndarray:
        """Similarity of every answer unit to every rubric point of `question`, found by a FAISS
        search restricted to that question's points. Returns (n_units, n_points), columns in
        rubric order."""
        ids = self.point_ids_of(question)
        if len(unit_vectors) == 0:
            return np.zeros((0, len(ids)), np.float32)
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        sims, found = self.points.search(np.ascontiguousarray(unit_vectors, dtype=np.float32), len(ids), params=params)
        column = {int(pid): c for c, pid in enumerate(ids)}
        out = np.full((len(unit_vectors), len(ids)), -1.0, np.float32)
        for r in range(len(unit_vectors)):
            for s, pid in zip(sims[r], found[r]):
                if pid >= 0:
                    out[r, column[int(pid)]] = s
        return out

    # --------------------------------------------------------------- question side
    def similar_questions(self, question_id: str, k: int = 5) -> list[tuple[str, float]]:
        pos = self._qpos[question_id]
        vec = self.questions.reconstruct(pos).reshape(1, -1)
        sims, ids = self.questions.search(vec, min(k + 1, len(self.question_ids)))
        return [(self.question_ids[i], float(s)) for s, i in zip(sims[0], ids[0]) if i >= 0 and i != pos][:k]

    def near_duplicates(self, threshold: float) -> list[tuple[str, str, float]]:
        """Question pairs whose prompt embeddings have cosine >= threshold, most similar first."""
        n = len(self.question_ids)
        vecs = np.vstack([self.questions.reconstruct(i) for i in range(n)])
        lims, sims, ids = self.questions.range_search(vecs, threshold)
        pairs = set()
        for i in range(n):
            for s, j in zip(sims[lims[i]:lims[i + 1]], ids[lims[i]:lims[i + 1]]):
                if j > i:
                    pairs.add((self.question_ids[i], self.question_ids[int(j)], round(float(s), 4)))
        return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def _flat(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
    index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.arange(len(vectors), dtype=np.int64))
    return index


def _encode_batches(fn: Callable[[list[str]], np.ndarray], texts: list[str], desc: str,
                    progress: Progress | None, batch: int = 64) -> np.ndarray:
    out = []
    bar = tqdm(total=len(texts), desc=desc, unit="text", disable=None)
    for i in range(0, len(texts), batch):
        out.append(fn(texts[i:i + batch]))
        bar.update(len(texts[i:i + batch]))
        if progress:
            progress(min(1.0, (i + batch) / max(len(texts), 1)), desc)
    bar.close()
    return np.vstack(out) if out else np.zeros((0, 384), np.float32)


def build_index(bank: Bank, minilm_factory: Callable[[], MiniLM], cache_dir: Path | None = None,
                progress: Progress | None = None) -> BankIndex:
    """Load the index for this bank from the cache, or embed and cache it."""
    cache_dir = cache_dir or config.index_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = cache_key(bank)
    folder = cache_dir / key
    if (folder / "meta.json").exists():
        try:
            return _load(folder, key)
        except Exception:  # a damaged cache is rebuilt, never trusted
            shutil.rmtree(folder, ignore_errors=True)

    questions = sorted(bank.questions.values(), key=lambda q: q.id)
    question_ids = [q.id for q in questions]
    point_keys = [_point_key(q.id, p.id) for q in questions for p in q.points]
    point_texts = [p.text for q in questions for p in q.points]
    minilm = minilm_factory()
    q_vecs = _encode_batches(minilm.encode, [q.prompt for q in questions], "Embedding questions", progress)
    p_vecs = _encode_batches(wordpieces().encode, point_texts, "Embedding rubric points", progress)
    index = BankIndex(_flat(q_vecs), _flat(p_vecs), question_ids, point_keys, key)
    _save(index, cache_dir, key)
    return index


def _save(index: BankIndex, cache_dir: Path, key: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache_dir))
    faiss.write_index(index.questions, str(tmp / "questions.faiss"))
    faiss.write_index(index.points, str(tmp / "points.faiss"))
    (tmp / "meta.json").write_text(json.dumps({"question_ids": index.question_ids, "point_keys": index.point_keys,
                                               "models": [MiniLM.id, Wordpieces.id], "version": INDEX_VERSION}))
    target = cache_dir / key
    try:
        tmp.rename(target)  # atomic: a reader never sees a half-written cache
    except OSError:  # another process won the race; its copy is identical
        shutil.rmtree(tmp, ignore_errors=True)


def _load(folder: Path, key: str) -> BankIndex:
    meta = json.loads((folder / "meta.json").read_text())
    return BankIndex(faiss.read_index(str(folder / "questions.faiss")), faiss.read_index(str(folder / "points.faiss")),
                     meta["question_ids"], meta["point_keys"], key, loaded_from_cache=True)
