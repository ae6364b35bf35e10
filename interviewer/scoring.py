"""The rubric judge: for each rubric point, does the answer STATE it, and where?

How one answer is judged:
1. Gates, before any model: too long (refused), empty, gibberish, no content words, or only a copy
   of the question -> 0 with a reason.
2. The answer is split into units (sentences, long ones cut at clauses) with character offsets.
   Every unit is embedded with MiniLM's wordpiece vectors (models.Wordpieces, no network pass).
3. FAISS gives every unit's similarity to each of the question's rubric points.
4. For each point, its most similar units go to the verifier (verifier.py), a cross-encoder that
   reads the point and the unit together and so can tell "L1 zeroes weights" from "L1 never zeroes
   weights" or "L2 zeroes weights". Its logit plus `lexical` times the unit's key-term recall (the
   IDF-weighted share of the point's key terms the unit uses: its content words that the question
   does not already hold) is the unit's evidence logit; the best unit's, calibrated by judge.json
   (fitted by benchmarks/calibrate.py), is P(point stated), and that unit is the evidence. (The
   verifier alone is weak on terse technical answers, "LIFO" or "O(n) when the tree is skewed"; the
   recall term, weighted on validation data, helps there and on every SemEval validation set:
   benchmarks/RESULTS.md.) The most similar unit of every point is verified first, the runner-up only
   when that one did not clearly cover the point: the verifier is most of the time an answer takes.
5. P >= covered threshold -> covered, >= partial threshold -> partial, else missed; points within a
   margin of a threshold are flagged for review. Each point earns its weight times its credit:
   min(1, P / full) for a covered point, where `full` is the P the judge typically gives our own
   model answers (a point stated as plainly as the model answer states it earns all of its weight);
   for a partial point a share that grows in a straight line from nothing at the partial threshold,
   (P - partial) / (full - partial); nothing for a missed one. The partial threshold sits where three
   in four answers to another question of the same module earn nothing. The score is the share of
   weight earned, 0..100. (Credit that follows P tracks human grades better than fixed 1 / 0.5 / 0
   steps, and a partial band with growing credit better than a jump from 0: benchmarks/RESULTS.md.)
   In the partial band, where the verifier is unsure, a sentence that negates the point (text.negated)
   leaves the point missed. At any P, a sentence that swaps one of the point's key terms for its
   opposite ("L2 shrinks weights to zero" for a point about L1; text.contrast), that pairs the point's
   terms the other way round ("a stack is FIFO, a queue is LIFO"
   for "a stack is LIFO, a queue is FIFO"; text.swapped), or whose only big-O terms differ from the
   point's ("O(n^2)" for "O(n log n)"; text.other_complexity), leaves it missed: the verifier reads
   the same words as the same claim.
   An answer with every point missed and nothing in it close to the question
   or its rubric is reported as off-topic; that only explains the 0, it never changes a verdict.
Everything is deterministic: same bank, models, weights and answer -> the same bytes.
"""
from __future__ import annotations

import dataclasses
import difflib
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
from .models import ModelLoadError, wordpieces
from .records import Evidence, PointVerdict, Question, ScoreResult
from .verifier import Verifier

SCORER_VERSION = "2.6.0"  # bump when candidates, gates or credit change
WEIGHTS_FILE = Path(__file__).with_name("judge.json")
OFF_TOPIC = "The answer is off-topic: nothing in it is close to this question or its rubric."
TOP_CANDIDATES = 2  # units per point the verifier may read, most similar first


# Pure text functions called for every (point, candidate) pair: memoised, as they repeat within an answer.
@lru_cache(maxsize=8192)
def _clause_stems(unit: str) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((c.text, frozenset(text.content_stems(c.text))) for c in text.clauses(text.Span(0, len(unit), unit)))


_negated = lru_cache(maxsize=8192)(text.negated)
_contrast = lru_cache(maxsize=8192)(text.contrast)
_swapped = lru_cache(maxsize=8192)(text.swapped)
_other_complexity = lru_cache(maxsize=8192)(text.other_complexity)


class AnswerError(ValueError):
    """The answer cannot be judged (too long); the message says why and what to do."""


@dataclass(frozen=True)
class JudgeWeights:
    scale: float           # P(stated) = sigmoid(scale * (verifier logit + lexical * key-term recall) + bias)
    bias: float
    lexical: float
    covered: float
    partial: float
    full: float            # P from which a stated point earns its whole weight
    review_margin: float
    off_topic: float       # similarity to the question and its points below which a 0 is called off-topic
    copy_overlap: float
    gibberish: float
    version: str
    verifier: str          # the adapter version these numbers were fitted for
    fitted_on: str

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "JudgeWeights":
        raw = json.loads(path.read_text())
        return cls(**{f.name: raw[f.name] for f in dataclasses.fields(cls)})

    def probability(self, logits: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.scale * np.asarray(logits, np.float64) + self.bias)))

    def status(self, p: float) -> str:
        return "covered" if p >= self.covered else "partial" if p >= self.partial else "missed"


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    text: str
    stems: frozenset[str]


@dataclass(frozen=True)
class Analysis:
    cands: list[_Unit]          # the answer's sentences (long ones cut at clauses)
    sims: np.ndarray            # (candidates, points) wordpiece-vector similarity from the FAISS search
    relevance: float


class Scorer:
    def __init__(self, bank: Bank, index: BankIndex, verifier: Verifier, weights: JudgeWeights | None = None):
        self.bank, self.index, self.verifier = bank, index, verifier
        self.weights = weights or JudgeWeights.load()
        if self.weights.verifier != verifier.meta["version"]:
            raise ModelLoadError(f"{WEIGHTS_FILE.name} was fitted for verifier {self.weights.verifier}, but the "
                                 f"installed adapter is {verifier.meta['version']}; refit with `make calibrate`")
        self.embedder = wordpieces()
        self._prompts: dict[str, np.ndarray] = {}
        self._idf = self._fit_idf(bank)

    # ---------------------------------------------------------------- public
    def score(self, question: Question | str, answer: str) -> ScoreResult:
        q = self.bank.get(question) if isinstance(question, str) else question
        found = self.analyse(q, answer)
        if isinstance(found, ScoreResult):
            return found
        logits = self.verify(q, found)
        verdicts = [self._verdict(p, found, logits[j]) for j, p in enumerate(q.points)]
        # Units were cut from the cleaned text (same length); evidence quotes the answer as given.
        verdicts = [dataclasses.replace(v, evidence=Evidence(v.evidence.start, v.evidence.end,
                                                             answer[v.evidence.start:v.evidence.end]))
                    if v.evidence else v for v in verdicts]
        off_topic = found.relevance < self.weights.off_topic and all(v.status == "missed" for v in verdicts)
        return self._result(q, verdicts, OFF_TOPIC if off_topic else "")

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
        units = [u for u in units if u.stems]  # "the", "ok", "1." state nothing
        if not units:
            return self._zero(q, "The answer has no content words, so nothing in it can be credited.")
        units = [u for u in units if not self._copies_prompt(u.text, q.prompt)]
        if not units:
            return self._zero(q, "The answer only repeats the question; it states none of the rubric points.")
        vectors = self.embedder.encode([u.text for u in units])
        sims = self.index.nearest_points(vectors, q)                       # (units, points)
        if q.id not in self._prompts:
            self._prompts[q.id] = self.embedder.encode([q.prompt])[0]
        relevance = max(float((vectors @ self._prompts[q.id]).max()), float(sims.max()))
        return Analysis(units, sims, relevance)

    def verify(self, q: Question, found: Analysis) -> list[dict[int, float]]:
        """Evidence logits (verifier logit + lexical x key-term recall), per point: {candidate index:
        logit} for the candidates worth checking.
        First every point's most similar unit; then runners-up of points not yet clearly covered."""
        wanted = [[int(i) for i in np.argsort(-found.sims[:, j], kind="stable")[:TOP_CANDIDATES]]
                  for j in range(len(q.points))]
        out: list[dict[int, float]] = [{} for _ in q.points]
        self._run(q, found, [(j, idx[0]) for j, idx in enumerate(wanted)], out)
        clear = self.weights.covered + self.weights.review_margin
        self._run(q, found, [(j, i) for j, idx in enumerate(wanted)
                             if self.weights.probability(max(out[j].values())) < clear
                             for i in idx[1:]], out)
        return out

    def _run(self, q: Question, found: Analysis, pairs: list[tuple[int, int]], out: list[dict[int, float]]) -> None:
        pairs = sorted(pairs, key=lambda ji: (len(found.cands[ji[1]].text), ji))  # similar lengths batch together
        logits = self.verifier.logits([q.points[j].text for j, _ in pairs], [found.cands[i].text for _, i in pairs])
        lexical = self.weights.lexical
        for (j, i), z in zip(pairs, logits):
            rec = self._recall(self.key_terms(q, q.points[j].text), found.cands[i].stems) if lexical else 0.0
            out[j][i] = round(float(z) + lexical * rec, 4)  # rounded: the same bytes whatever the batch shape

    # ---------------------------------------------------------------- gates
    def _copies_prompt(self, unit: str, prompt: str) -> bool:
        """The unit is (nearly) word for word the question or one of its sentences. Reusing the question's
        words is fine ("the chemical reaction indicates sugar"); copying it out is not an answer."""
        words = text.words(unit)
        targets = [text.words(s.text) for s in text.sentences(prompt)] + [text.words(prompt)]
        return any(difflib.SequenceMatcher(None, words, t, autojunk=False).ratio() >= self.weights.copy_overlap
                   for t in targets)

    def _zero(self, q: Question, reason: str) -> ScoreResult:
        verdicts = [PointVerdict(p.id, p.text, p.weight, "missed", 0.0, None) for p in q.points]
        return ScoreResult(q.id, 0.0, verdicts, needs_review=False, reason=reason, versions=self.versions(q))

    # ---------------------------------------------------------------- judging

    def _verdict(self, point, found: Analysis, logits: dict[int, float]) -> PointVerdict:
        w = self.weights
        best_i = max(logits, key=lambda i: (logits[i], -i))
        p = round(float(w.probability(logits[best_i])), 4)
        status = w.status(p)
        review = min(abs(p - w.covered), abs(p - w.partial)) < w.review_margin
        c = found.cands[best_i]
        note = ""
        # In the partial band the verifier is unsure; there a sentence that negates the point does not earn
        # it. At any P none of these does, as the verifier reads the same words as the same claim and the
        # key-term recall can lift them past covered: a key term swapped for its opposite ("L2 shrinks
        # weights" for a point about L1), the terms paired the other way round ("a stack is FIFO, a queue
        # is LIFO" for "a stack is LIFO, a queue is FIFO"), another big-O.
        if status == "partial" and self._contradicts(point.text, c):
            note = "stated negatively or contradicted"
        elif status != "missed" and (swap := _contrast(point.text, c.text)):
            note = f"swaps a key term for its opposite ({swap})"
        elif status != "missed" and _swapped(point.text, c.text):
            note = "pairs the point's terms the other way round"
        elif status != "missed" and (change := _other_complexity(point.text, c.text)):
            note = f"states another complexity ({change})"
        if note:
            status = "missed"
        evidence = Evidence(c.start, c.end, c.text) if status != "missed" else None
        if status == "missed" and not note and any(self._contradicts(point.text, found.cands[i]) for i in logits):
            note = "stated negatively or contradicted"
        credit = credit_for(p, status, w)
        return PointVerdict(point.id, point.text, point.weight, status, p, evidence, review, note, credit)

    def _contradicts(self, point: str, cand: _Unit) -> bool:
        """The unit uses the point's key terms but negates them or swaps one for its opposite: shown
        as a note on a missed point, so the candidate sees why a look-alike sentence did not count."""
        stems = _point_stems(point)
        if self._recall(stems, cand.stems) < 0.5:
            return False
        clause, clause_stems = max(_clause_stems(cand.text), key=lambda c: self._recall(stems, c[1]))
        about = frozenset(stems) & clause_stems
        return _negated(point, about) != _negated(clause, about) or _contrast(point, clause) is not None

    def _result(self, q: Question, verdicts: list[PointVerdict], reason: str = "") -> ScoreResult:
        total = sum(v.weight for v in verdicts)
        score = round(100.0 * sum(v.weight * v.credit for v in verdicts) / total, 1)
        return ScoreResult(q.id, score, verdicts, needs_review=any(v.needs_review for v in verdicts),
                           reason=reason, versions=self.versions(q))

    def versions(self, q: Question) -> dict[str, str]:
        return {"scorer": SCORER_VERSION, "judge_model": self.verifier.id, "judge_weights": self.weights.version,
                "rubric": rubric_hash(q)}

    # ---------------------------------------------------------------- lexical
    @staticmethod
    def _fit_idf(bank: Bank) -> dict[str, float]:
        docs = [set(text.content_stems(p.text)) for q in bank.questions.values() for p in q.points]
        docs += [set(text.content_stems(q.prompt)) for q in bank.questions.values()]
        df = Counter(s for d in docs for s in d)
        n = len(docs)
        return {s: math.log((n + 1) / (c + 1)) + 1.0 for s, c in df.items()}

    @staticmethod
    def key_terms(q: Question, point: str) -> tuple[str, ...]:
        """The point's content stems that the question does not already hold (all of them if it holds
        every one): repeating the question's words ("a stack is...") is no sign of knowing the point."""
        return _key_terms(q.prompt, point)

    def _recall(self, point_stems: tuple[str, ...], stems: frozenset[str]) -> float:
        """IDF-weighted share of the point's key terms that the unit uses."""
        if not point_stems:
            return 0.0
        default = math.log(len(self._idf) + 1) + 1.0
        total = sum(self._idf.get(s, default) for s in point_stems)
        return sum(self._idf.get(s, default) for s in point_stems if s in stems) / total


def credit_for(p: float, status: str, w: JudgeWeights) -> float:
    """Share of a point's weight earned at P(stated) = p: min(1, p / full) when covered; when partial, a
    share rising in a straight line from 0 at the partial threshold (below a covered point's); 0 when
    missed."""
    if status == "covered":
        return round(min(1.0, p / w.full), 4)
    if status == "partial":
        return round(max(0.0, (p - w.partial) / (w.full - w.partial)), 4)
    return 0.0


@lru_cache(maxsize=8192)
def _point_stems(point: str) -> tuple[str, ...]:
    return tuple(text.content_stems(point))


@lru_cache(maxsize=8192)
def _key_terms(prompt: str, point: str) -> tuple[str, ...]:
    asked = set(text.content_stems(prompt))
    return tuple(s for s in _point_stems(point) if s not in asked) or _point_stems(point)
