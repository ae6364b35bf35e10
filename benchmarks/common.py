"""Shared helpers for the benchmarks: locating the public eval data, loading our own labelled
judgements, and turning a single (rubric point, answer) judgement into something the scorer can score.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from interviewer import config
from interviewer.bank import Bank
from interviewer.evaluate import reference_question
from interviewer.index import build_index
from interviewer.models import minilm
from interviewer.records import Question, RubricPoint
from interviewer.scoring import JudgeWeights, Scorer
from interviewer.verifier import Verifier, verifier

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
CS_SET = DATA / "cs_short_answers.jsonl"  # our graded CS short answers, in `interviewer eval`'s format
SEMEVAL = Path(os.environ.get("SEMEVAL_DIR", ROOT.parent / "shared" / "eval" / "semeval2013"))
NEUTRAL_PROMPT = "Interview question."
LABEL = {"covered": 1.0, "partial": 0.5, "missed": 0.0}


@dataclass
class Judgement:
    id: str
    module: str
    point: str
    answer: str
    verdict: str
    kind: str
    evidence: str | None


def load_judgements(split: str) -> list[Judgement]:
    path = DATA / f"judgements_{split}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Judgement(r["id"], r["module"], r["point"], r["answer"], r["verdict"], r["kind"], r.get("evidence"))
            for r in rows]


def point_question(qid: str, point: str, module: str = "ml_breadth") -> Question:
    """A one-point question for judging a labelled (point, answer) pair on its own."""
    return Question(id=qid, module=module, topic="judgement", difficulty=1, time_budget_s=60,
                    prompt=NEUTRAL_PROMPT, model_answer=point, points=[RubricPoint(id="p1", text=point)])


def scorer_for(questions: list[Question], weights: JudgeWeights | None = None,
               judge: Verifier | None = None) -> Scorer:
    """The product's scorer over a bank of just these questions (index cached in the data dir's
    eval-index); the shipped verifier and judge.json unless given."""
    bank = Bank(questions={q.id: q for q in questions}, sets={}, topics={})
    index = build_index(bank, minilm, cache_dir=config.data_dir() / "eval-index")
    return Scorer(bank, index, judge or verifier(), weights)


def reference_point_question(prompt: str, reference: str) -> Question:
    """A reference answer as a rubric of one point holding the whole reference (its human label is about
    the whole reference)."""
    qid = "ref-" + hashlib.sha1(f"{prompt}\x00{reference}".encode()).hexdigest()[:12]
    q = reference_question(qid, prompt, reference)
    return q.model_copy(update={"points": [q.points[0].model_copy(update={"text": reference, "weight": 1.0})]})


def semeval_rows(split_prefix: str) -> list[dict]:
    """SemEval-2013 rows whose split starts with `split_prefix` ('train' or 'test'), read from
    ../shared/eval (never copied into the project)."""
    rows = []
    for name in ("beetle", "scientsbank"):
        path = SEMEVAL / f"{name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["split"].startswith(split_prefix):
                r["dataset"] = name
                rows.append(r)
    return rows
