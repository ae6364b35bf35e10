"""Measure the grader against human-graded answers, side by side with two baselines.

Input: JSON lines with at least `question`, `reference_answer`, `answer`, `score`, `score_max`
(optional `reference_answers`: [{"text": ...}], optional `split`). Each question's reference
answers become rubric points (one per sentence and one per clause); every answer is scored by the product's own
scorer (max over reference answers), and compared with the human grade:
Pearson r, Spearman rho, RMSE after a linear fit, ROC AUC against score/score_max >= 0.5.
Baselines computed in the same run: TF-IDF cosine and MiniLM embedding cosine to the references.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import config, text
from .bank import Bank
from .index import build_index
from .models import minilm
from .records import Question, RubricPoint
from .scoring import Scorer
from .verifier import verifier

REQUIRED = ("question", "reference_answer", "answer", "score", "score_max")


class DatasetError(ValueError):
    pass


@dataclass
class Item:
    question: str
    references: list[str]
    answer: str
    label: float  # score / score_max, 0..1
    split: str


@dataclass
class Prediction:
    scorer: list[float] = field(default_factory=list)      # the product's score / 100
    confidence: list[float] = field(default_factory=list)  # weighted mean of point confidences
    tfidf: list[float] = field(default_factory=list)
    embedding: list[float] = field(default_factory=list)


# ------------------------------------------------------------------ reading

def load_dataset(path: str | Path, limit: int | None = None) -> list[Item]:
    items: list[Item] = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DatasetError(f"{path}: cannot read as UTF-8 text: {e}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DatasetError(f"{path}:{n}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise DatasetError(f"{path}:{n}: not a JSON object")
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise DatasetError(f"{path}:{n}: missing field(s) {', '.join(missing)}")
        try:
            label = float(row["score"]) / float(row["score_max"])
        except (TypeError, ValueError, ZeroDivisionError):
            label = math.nan
        if not math.isfinite(label):
            raise DatasetError(f"{path}:{n}: score and score_max must be finite numbers, score_max non-zero")
        refs = [str(row["reference_answer"])]
        for r in row.get("reference_answers") or []:
            t = r.get("text") if isinstance(r, dict) else r
            if t and str(t) not in refs:
                refs.append(str(t))
        refs = [r for r in refs if r.strip()]
        if not refs:
            raise DatasetError(f"{path}:{n}: reference_answer is empty (and no reference_answers)")
        items.append(Item(str(row["question"]), refs, str(row["answer"]), label, str(row.get("split") or "all")))
        if limit and len(items) >= limit:
            break
    if not items:
        raise DatasetError(f"{path}: no rows")
    return items


MIN_CLAUSE_WORDS = 3
# Where a clause turns from a claim to its reason: "A queue, because BFS must..." -> "A queue" + "BFS must..."
_REASON = re.compile(r"\s*(?:,\s*)?\b(?:because|since|so that|which means|in order to|due to)\b\s*", re.I)
Rubric = Callable[[str, str, str], Question]  # (question id, prompt, reference) -> the reference as a rubric


def reference_question(qid: str, prompt: str, reference: str, cut_reasons: bool = True) -> Question:
    """A reference answer as a rubric: a point per sentence, and a point per clause (of 3+ words) of
    the sentences, a clause cut again where its reason begins ("because", "since", "so that"...); the
    sentence points and the clause points each hold half the weight, so an answer that states one
    clause of a sentence ("X, and Y") or a claim without its reason ("a queue") earns part of it. On
    the SemEval train questions held out from the verifier, clauses rank as well as sentences alone
    on SciEntsBank and better on Beetle; reasons cut apart rank CS dev answers better
    (benchmarks/RESULTS.md)."""
    spans = text.sentences(reference)
    sents = [s.text for s in spans] or [reference.strip()]
    clauses = [c.text.strip(" .,;:") for s in spans for c in text.clauses(s)]
    clauses = [c for c in clauses if len(text.words(c)) >= MIN_CLAUSE_WORDS]
    if cut_reasons:
        pieces = (x.strip(" .,;:") for c in clauses for x in _REASON.split(c))
        clauses = [p for p in pieces if len(text.words(p)) >= 2]
    clauses = clauses or [reference.strip()]
    points = ([RubricPoint(id=f"r{i + 1}", text=s, weight=1 / len(sents)) for i, s in enumerate(sents)]
              + [RubricPoint(id=f"c{i + 1}", text=c, weight=1 / len(clauses)) for i, c in enumerate(clauses)])
    return Question(id=qid, module="ml_breadth", topic="eval", difficulty=1, time_budget_s=60,
                    prompt=prompt, model_answer=reference, points=points)


def eval_bank(items: list[Item], rubric: Rubric | None = None) -> tuple[Bank, dict[tuple[str, str], str]]:
    rubric = rubric or reference_question
    questions: dict[str, Question] = {}
    ids: dict[tuple[str, str], str] = {}
    for it in items:
        for ref in it.references:
            key = (it.question, ref)
            if key not in ids:
                qid = "eval-" + hashlib.sha1(f"{it.question}\x00{ref}".encode()).hexdigest()[:12]
                ids[key] = qid
                questions[qid] = rubric(qid, it.question, ref)
    return Bank(questions=questions, sets={}, topics={}), ids


# ------------------------------------------------------------------ predicting

def tfidf_cosines(answers: list[str], references: list[list[str]]) -> list[float]:
    """TF-IDF cosine (stemmed, IDF over all the texts given) of each answer to the closest of its references."""
    docs = answers + [r for refs in references for r in refs]
    df = Counter(s for d in docs for s in set(text.content_stems(d)))
    n = len(docs)

    def vec(t: str) -> dict[str, float]:
        tf = Counter(text.content_stems(t))
        v = {s: c * (math.log((n + 1) / (df[s] + 1)) + 1) for s, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {s: x / norm for s, x in v.items()}

    out = []
    for answer, refs in zip(answers, references):
        a = vec(answer)
        out.append(max(sum(a.get(s, 0.0) * x for s, x in vec(r).items()) for r in refs))
    return out


def embedding_cosines(answers: list[str], references: list[list[str]]) -> list[float]:
    """MiniLM cosine of each whole answer to the closest of its references."""
    model = minilm()
    vecs = model.encode(answers)
    refs = sorted({r for rs in references for r in rs})
    ref_vecs = dict(zip(refs, model.encode(refs)))
    return [max(float(vecs[i] @ ref_vecs[r]) for r in rs) for i, rs in enumerate(references)]


def predict(items: list[Item], scorer: Scorer | None = None, progress: bool = True,
            rubric: Rubric | None = None) -> Prediction:
    """`rubric(qid, question, reference) -> Question` turns a reference into points (default: reference_question)."""
    bank, ids = eval_bank(items, rubric)
    if scorer is None:
        index = build_index(bank, minilm, cache_dir=config.data_dir() / "eval-index")
        scorer = Scorer(bank, index, verifier())
    pred = Prediction()
    for it in tqdm(items, desc="Scoring answers", unit="answer", disable=not progress, file=sys.stderr):
        best, best_conf = 0.0, 0.0
        for ref in it.references:
            q = bank.questions[ids[(it.question, ref)]]
            r = scorer.score(q, it.answer[: config.MAX_ANSWER_CHARS])
            conf = sum(v.weight * v.confidence for v in r.verdicts) / sum(v.weight for v in r.verdicts)
            best, best_conf = max(best, r.score / 100.0), max(best_conf, conf)
        pred.scorer.append(best)
        pred.confidence.append(best_conf)
    pred.tfidf = tfidf_cosines([it.answer for it in items], [it.references for it in items])
    pred.embedding = embedding_cosines([it.answer for it in items], [it.references for it in items])
    return pred


# ------------------------------------------------------------------ metrics

def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    return ranks


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if x.std() == 0 or y.std() == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC (Mann-Whitney U, ties count half)."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    r = _ranks(scores)
    return float((r[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def metrics(pred: list[float], gold: list[float]) -> dict[str, float]:
    x, y = np.asarray(pred, float), np.asarray(gold, float)
    if x.std() > 0:
        a, b = np.polyfit(x, y, 1)
        rmse = float(np.sqrt(np.mean((a * x + b - y) ** 2)))
    else:
        rmse = float(y.std())
    return {"pearson": round(_pearson(x, y), 4), "spearman": round(_pearson(_ranks(x), _ranks(y)), 4),
            "rmse": round(rmse, 4), "auc": round(auc(x, y >= 0.5), 4)}


def report(items: list[Item], pred: Prediction) -> dict:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        groups["all"].append(i)
        groups[it.split].append(i)
    splits = {}
    for name, idx in groups.items():
        gold = [items[i].label for i in idx]
        splits[name] = {system: metrics([getattr(pred, system)[i] for i in idx], gold)
                        for system in ("scorer", "confidence", "tfidf", "embedding")}
    # every value under a split is a system's metrics, so readers can iterate them; sizes live apart
    return {"n": len(items), "split_sizes": {name: len(idx) for name, idx in groups.items()}, "splits": splits}


def format_table(result: dict, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'split':<24}{'n':>6}  {'system':<11}{'pearson':>9}{'spearman':>9}{'rmse':>8}{'auc':>8}")
    for split, row in result["splits"].items():
        for system in ("scorer", "confidence", "tfidf", "embedding"):
            m = row[system]
            lines.append(f"{split if system == 'scorer' else '':<24}"
                         f"{result['split_sizes'][split] if system == 'scorer' else '':>6}  "
                         f"{system:<11}{m['pearson']:>9.3f}{m['spearman']:>9.3f}{m['rmse']:>8.3f}{m['auc']:>8.3f}")
    return "\n".join(lines)


def eval_command(args) -> int:
    results = {}
    for path in args.dataset:
        try:
            items = load_dataset(path, args.limit)
        except DatasetError as e:
            print(f"interviewer: {e}", file=sys.stderr)
            return 2
        results[path] = report(items, predict(items, progress=not args.json))
    if args.json:
        print(json.dumps(next(iter(results.values())) if len(results) == 1 else results, indent=2))
    else:
        for path, result in results.items():
            print(format_table(result, f"\n{path} ({result['n']} answers)"))
        print("\nscorer = the product's score; confidence = its weighted point confidences; "
              "tfidf / embedding = cosine to the reference (max over references).")
    return 0
