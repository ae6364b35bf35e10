"""The rubric judge: for each rubric point, does the answer STATE it, and where?

How one answer is judged:
1. Gates, before any model: empty, too long, gibberish, or only a copy of the question -> 0 with a reason.
2. The answer is split into units (sentences, long ones cut at clauses) with character offsets;
   each unit is embedded with e5 as a passage (and with ONNX MiniLM as a second opinion), and
   adjacent pairs form two-sentence windows.
3. FAISS retrieves, for every unit, its similarity to each of the question's rubric points.
   An answer whose best unit is far from the question and all its points is off-topic -> 0.
4. For each point and each of its best candidate units, a small logistic head (weights in
   judge.json, fitted by benchmarks/calibrate.py) turns features into P(point stated):
   e5 similarity (raw and above the point's background), MiniLM similarity, key-term recall and
   overlap (IDF-weighted), and whether the unit's matching clause contradicts the point: a negation the point
   does not have, or a key term swapped for its opposite ("L2" for "L1", "increases" for "reduces").
   A unit that contradicts the point cannot cover it.
5. P >= covered threshold -> covered, >= partial threshold -> partial, else missed; points within a
   margin of a threshold are flagged for review. Score = weighted credit, 0..100.
Everything is deterministic: same bank, models, weights and answer -> the same bytes.
"""
from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import config, text
from .bank import Bank, rubric_hash
from .index import BankIndex
from .models import Judge, ModelLoadError, minilm_onnx
from .records import CREDIT, Evidence, PointVerdict, Question, ScoreResult

SCORER_VERSION = "1.4.0"  # bump when features or gates change: calibration caches key on it
WEIGHTS_FILES = {"e5": Path(__file__).with_name("judge.json"),
                 "minilm": Path(__file__).with_name("judge-minilm.json")}  # one fitted head per judge model
FEATURES = ("sim", "sim_rel", "sim_aux", "lex_unit", "lex_overlap", "contradicts")
TOP_CANDIDATES = 3

# Neutral sentences that answer nothing: a point's mean similarity to them is its "background",
# so a generic point that resembles everything must beat its own floor, not a global one.
BACKGROUND = [
    "That is a good question and I have thought about it before.",
    "In my last job I worked with a lot of different teams on many projects.",
    "I would need to think about this a bit more carefully.",
    "We had a meeting every week to discuss the progress of the work.",
    "The weather was nice and we went for a walk in the park.",
    "I usually start my day by reading emails and planning my tasks.",
    "There are many ways to approach this and it depends on the situation.",
    "My favourite programming language is Python because it is easy to read.",
    "The company grew quickly and hired many new people last year.",
    "I think it is important to communicate clearly with everyone.",
    "The report was finished on time and sent to the manager.",
    "We used a spreadsheet to keep track of the numbers.",
]


# Pure text functions called for every (point, candidate) pair: memoised, as they repeat within an answer.
@lru_cache(maxsize=8192)
def _clause_stems(unit: str) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((c.text, frozenset(text.content_stems(c.text))) for c in text.clauses(text.Span(0, len(unit), unit)))


_negated = lru_cache(maxsize=8192)(text.negated)
_contrast = lru_cache(maxsize=8192)(text.contrast)


def _with_windows(vectors: np.ndarray) -> np.ndarray:
    """Append the vectors of two-sentence windows: the normalised sum of adjacent rows."""
    if len(vectors) < 2:
        return vectors
    pairs = vectors[:-1] + vectors[1:]
    return np.vstack([vectors, pairs / np.linalg.norm(pairs, axis=1, keepdims=True)])


class AnswerError(ValueError):
    """The answer cannot be judged (too long); the message says why and what to do."""


@dataclass(frozen=True)
class JudgeWeights:
    coef: tuple[float, ...]
    intercept: float
    covered: float
    partial: float
    review_margin: float
    off_topic: float
    copy_overlap: float
    gibberish: float
    version: str
    fitted_on: str

    @classmethod
    def load(cls, path: Path) -> "JudgeWeights":
        raw = json.loads(path.read_text())
        if tuple(raw["features"]) != FEATURES:
            raise ValueError(f"{path}: features {raw['features']} do not match the scorer's {FEATURES}")
        return cls(coef=tuple(raw["coef"]), intercept=raw["intercept"], covered=raw["covered"],
                   partial=raw["partial"], review_margin=raw["review_margin"], off_topic=raw["off_topic"],
                   copy_overlap=raw["copy_overlap"], gibberish=raw["gibberish"], version=raw["version"],
                   fitted_on=raw.get("fitted_on", ""))

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = features @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    text: str
    stems: frozenset[str]


@dataclass(frozen=True)
class Analysis:
    cands: list[_Unit]          # sentences, then two-sentence windows
    sims: np.ndarray            # (candidates, points) e5 similarity from the FAISS search
    aux: np.ndarray             # (candidates, points) ONNX MiniLM similarity
    answer_stems: frozenset[str]
    relevance: float


class Scorer:
    def __init__(self, bank: Bank, index: BankIndex, judge: Judge, weights: JudgeWeights | None = None):
        self.bank, self.index, self.judge = bank, index, judge
        if weights is None and not WEIGHTS_FILES[judge.name].exists():
            raise ModelLoadError(f"the judge model {judge.name!r} has no fitted head ({WEIGHTS_FILES[judge.name].name}); "
                                 f"fit one with `INTERVIEWER_JUDGE={judge.name} make calibrate` or use the default judge")
        self.weights = weights or JudgeWeights.load(WEIGHTS_FILES[judge.name])
        self._idf = self._fit_idf(bank)
        self._background = judge.passages(BACKGROUND)
        self.aux = minilm_onnx()
        self._point_cache: dict[str, tuple[np.ndarray, np.ndarray, list[list[str]]]] = {}

    # ---------------------------------------------------------------- public
    def score(self, question: Question | str, answer: str) -> ScoreResult:
        q = self.bank.get(question) if isinstance(question, str) else question
        found = self.analyse(q, answer)
        if isinstance(found, ScoreResult):
            return found
        point_stems, background = self._points(q)
        verdicts = [self._judge_point(p, point_stems[j], float(background[j]), found, j)
                    for j, p in enumerate(q.points)]
        # Units were cut from the cleaned text (same length); evidence quotes the answer as given.
        verdicts = [dataclasses.replace(v, evidence=Evidence(v.evidence.start, v.evidence.end,
                                                             answer[v.evidence.start:v.evidence.end]))
                    if v.evidence else v for v in verdicts]
        return self._result(q, verdicts)

    def analyse(self, q: Question, answer: str) -> "Analysis | ScoreResult":
        """Gates, splitting and retrieval. Returns a zero ScoreResult when a gate stops the answer."""
        if len(answer) > config.MAX_ANSWER_CHARS:
            raise AnswerError(f"the answer is too long to judge ({len(answer):,} characters; "
                              f"the limit is {config.MAX_ANSWER_CHARS:,}). Shorten it and try again.")
        cleaned = text.clean(answer)
        if not cleaned.strip():
            return self._zero(q, "The answer is empty.")
        units = [_Unit(s.start, s.end, s.text, frozenset(text.content_stems(s.text))) for s in text.sentences(cleaned)]
        if not units or text.gibberish_ratio(cleaned) > self.weights.gibberish:
            return self._zero(q, "The answer does not read as words (gibberish), so nothing in it can be credited.")
        prompt_stems = set(text.content_stems(q.prompt))
        units = [u for u in units if not self._copies_prompt(u, prompt_stems)]
        if not units:
            return self._zero(q, "The answer only repeats the question; it states none of the rubric points.")
        cands = units + [_Unit(a.start, b.end, cleaned[a.start:b.end], a.stems | b.stems)
                         for a, b in zip(units, units[1:])]
        texts = [u.text for u in units]
        vectors = _with_windows(self.judge.passages(texts))
        aux = _with_windows(self.aux.encode(texts)) @ self.index.aux_point_vectors(q).T
        sims = self.index.nearest_points(vectors, q)                       # (candidates, points)
        relevance = max(float((vectors[:len(units)] @ self.index.prompt_vector(q)).max()), float(sims.max()))
        if relevance < self.weights.off_topic:
            return self._zero(q, "The answer is off-topic: nothing in it is close to this question or its rubric.")
        return Analysis(cands, sims, aux, frozenset().union(*(u.stems for u in units)), relevance)

    # ---------------------------------------------------------------- gates
    def _copies_prompt(self, unit: _Unit, prompt_stems: set[str]) -> bool:
        if not unit.stems:
            return True
        new = unit.stems - prompt_stems
        return len(new) < 3 and 1 - len(new) / len(unit.stems) >= self.weights.copy_overlap

    def _zero(self, q: Question, reason: str) -> ScoreResult:
        verdicts = [PointVerdict(p.id, p.text, p.weight, "missed", 0.0, None) for p in q.points]
        return ScoreResult(q.id, 0.0, verdicts, needs_review=False, reason=reason, versions=self.versions(q))

    # ---------------------------------------------------------------- judging
    def _points(self, q: Question) -> tuple[list[list[str]], np.ndarray]:
        """Per point: its content stems and its background similarity (cached per question)."""
        if q.id not in self._point_cache:
            stems = [text.content_stems(p.text) for p in q.points]
            background = (self.index.point_vectors(q) @ self._background.T).mean(axis=1)
            self._point_cache[q.id] = (stems, background)
        return self._point_cache[q.id]

    def features(self, point: str, point_stems: list[str], background: float, cand: _Unit,
                 sim: float, aux: float) -> tuple[np.ndarray, bool]:
        """The judge's inputs for one (point, answer unit) pair, in FEATURES order."""
        clause, clause_stems = self._matching_clause(point_stems, cand)
        # A negation counts only when it bears on words the point and the clause share: "L2 shrinks
        # weights but rarely zeroes them" is not contradicted by "L2 shrinks weights smoothly".
        about = frozenset(point_stems) & clause_stems
        contradicts = (_negated(point, about) != _negated(clause, about) or _contrast(point, clause) is not None)
        f = np.array([sim, sim - background, aux, self._recall(point_stems, cand.stems),
                      self._overlap(point_stems, cand.stems), float(contradicts)])
        return f, contradicts

    def _matching_clause(self, point_stems: list[str], cand: _Unit) -> tuple[str, frozenset[str]]:
        return max(_clause_stems(cand.text), key=lambda c: self._recall(point_stems, c[1]))

    def _judge_point(self, point, point_stems: list[str], background: float, found: Analysis, j: int) -> PointVerdict:
        w = self.weights
        cands, col = found.cands, found.sims[:, j]
        order = [int(i) for i in np.argsort(-col, kind="stable")[:TOP_CANDIDATES]]
        lexical_best = max(range(len(cands)), key=lambda i: (self._recall(point_stems, cands[i].stems), -i))
        if lexical_best not in order:
            order.append(lexical_best)
        best_p, best_i, contradicted = -1.0, order[0], False
        for i in order:
            f, mismatch = self.features(point.text, point_stems, background, cands[i], float(col[i]),
                                        float(found.aux[i, j]))
            p = float(w.probability(f[None, :])[0])
            if mismatch:  # a unit that states the opposite can never cover the point
                contradicted |= p >= w.partial  # ...though it would have, were it not for the contradiction
                p = min(p, w.partial - w.review_margin - 0.01)
            p = round(p, 4)
            if p > best_p:
                best_p, best_i = p, i
        status = "covered" if best_p >= w.covered else "partial" if best_p >= w.partial else "missed"
        review = min(abs(best_p - w.covered), abs(best_p - w.partial)) < w.review_margin
        c = cands[best_i]
        evidence = Evidence(c.start, c.end, c.text) if status != "missed" else None
        note = "stated negatively or contradicted" if contradicted and status == "missed" else ""
        return PointVerdict(point.id, point.text, point.weight, status, best_p, evidence, review, note)

    def _result(self, q: Question, verdicts: list[PointVerdict]) -> ScoreResult:
        total = sum(v.weight for v in verdicts)
        score = round(100.0 * sum(v.weight * CREDIT[v.status] for v in verdicts) / total, 1)
        return ScoreResult(q.id, score, verdicts, needs_review=any(v.needs_review for v in verdicts),
                           versions=self.versions(q))

    def versions(self, q: Question) -> dict[str, str]:
        return {"scorer": SCORER_VERSION, "judge_model": self.judge.id, "judge_weights": self.weights.version,
                "rubric": rubric_hash(q)}

    # ---------------------------------------------------------------- lexical
    @staticmethod
    def _fit_idf(bank: Bank) -> dict[str, float]:
        docs = [set(text.content_stems(p.text)) for q in bank.questions.values() for p in q.points]
        docs += [set(text.content_stems(q.prompt)) for q in bank.questions.values()]
        df = Counter(s for d in docs for s in d)
        n = len(docs)
        return {s: math.log((n + 1) / (c + 1)) + 1.0 for s, c in df.items()}

    def _overlap(self, point_stems: list[str], stems: frozenset[str]) -> float:
        """IDF-weighted Dice overlap of the point's and the unit's stems: recall and precision at once."""
        a, b = set(point_stems), set(stems)
        if not a or not b:
            return 0.0
        idf = lambda s: self._idf.get(s, math.log(len(self._idf) + 1) + 1.0)  # noqa: E731
        return 2 * sum(idf(s) for s in a & b) / (sum(idf(s) for s in a) + sum(idf(s) for s in b))

    def _recall(self, point_stems: list[str], stems: frozenset[str] | set[str]) -> float:
        if not point_stems:
            return 0.0
        default = math.log(len(self._idf) + 1) + 1.0
        total = sum(self._idf.get(s, default) for s in point_stems)
        return sum(self._idf.get(s, default) for s in point_stems if s in stems) / total
