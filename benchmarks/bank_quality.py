"""Self-consistency of the bank with the real scorer, and near-duplicate questions.

- Every question's model answer should score >= 80 against its own rubric.
- The model answer of an unrelated question (another module) should score <= 20.
- Question pairs whose prompts embed above NEAR_DUPLICATE cosine must be merged or justified in
  question_bank/near_duplicates.yaml.
Run: .venv/bin/python -m benchmarks.bank_quality   (prints the distributions)
"""
from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass

import yaml

from interviewer import config
from interviewer.engine import Engine, load_engine
from interviewer.records import MODULES

NEAR_DUPLICATE = 0.92
OWN_MIN, UNRELATED_MAX = 80.0, 20.0


@dataclass
class Consistency:
    question: str
    module: str
    own: float        # score (% of rubric weight earned) of the question's own model answer
    unrelated: float  # score of the model answer of an unrelated question
    unrelated_id: str


def unrelated_question(engine: Engine, qid: str):
    """A deterministic pick from another module: the next module in MODULES order, same position."""
    q = engine.bank.get(qid)
    other = MODULES[(MODULES.index(q.module) + 1) % len(MODULES)]
    pool = sorted(engine.bank.by_module(other), key=lambda o: o.id)
    return pool[sorted(engine.bank.questions).index(qid) % len(pool)]


def self_consistency(engine: Engine) -> list[Consistency]:
    rows = []
    for qid in sorted(engine.bank.questions):
        q = engine.bank.get(qid)
        other = unrelated_question(engine, qid)
        rows.append(Consistency(qid, q.module, engine.scorer.score(q, q.model_answer).score,
                                engine.scorer.score(q, other.model_answer).score, other.id))
    return rows


def justified_duplicates() -> dict[frozenset, str]:
    path = config.BANK_DIR / "near_duplicates.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    return {frozenset(p["pair"]): p["why"] for p in data.get("pairs", [])}


def distribution(values: list[float]) -> str:
    q = statistics.quantiles(values, n=20)
    return (f"min {min(values):.0f}  p5 {q[0]:.0f}  p25 {q[4]:.0f}  median {statistics.median(values):.0f}  "
            f"p75 {q[14]:.0f}  max {max(values):.0f}")


def main() -> int:
    engine = load_engine()
    rows = self_consistency(engine)
    print(f"Self-consistency over {len(rows)} questions (score, % of rubric weight earned)")
    for module in MODULES:
        sub = [r for r in rows if r.module == module]
        if sub:
            print(f"  {module:<17} own model answer: {distribution([r.own for r in sub])}")
            print(f"  {'':<17} unrelated answer: {distribution([r.unrelated for r in sub])}")
    low = [r for r in rows if r.own < OWN_MIN]
    high = [r for r in rows if r.unrelated > UNRELATED_MAX]
    print(f"own < {OWN_MIN:.0f}%: {len(low)}  " + ", ".join(f"{r.question} ({r.own})" for r in low))
    print(f"unrelated > {UNRELATED_MAX:.0f}%: {len(high)}  " + ", ".join(f"{r.question}<-{r.unrelated_id} ({r.unrelated})" for r in high))
    dups = engine.index.near_duplicates(NEAR_DUPLICATE)
    justified = justified_duplicates()
    print(f"near-duplicate pairs (cosine >= {NEAR_DUPLICATE}): {len(dups)}, unjustified: "
          f"{sum(frozenset(d[:2]) not in justified for d in dups)}")
    for a, b, s in dups:
        print(f"  {s:.3f} {a} {b}  {justified.get(frozenset((a, b)), 'NOT JUSTIFIED')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
