"""Deep review of a saved session: a second opinion on every rubric verdict from the local LLM judge.

Opt-in (the `llm` extra) and read-only: the saved scores stay the default scorer's, deterministic and
versioned. For each answered question it puts the scorer's verdict on every point beside the LLM's
P(Yes) and the two models' combined opinion, and flags the points where the combined opinion
disagrees with the scorer (the scorer says covered and the combination no, or the scorer says missed
and the combination yes), so the candidate knows which verdicts to read twice. A partial verdict is
the scorer saying it is unsure, so it is never flagged.

The combination is a logistic fit of the two logits on our dev judgements: it reads paraphrases the
scorer misses (the LLM) while keeping most of the scorer's refusals of negated and wrong statements.
On our test judgements its covered-vs-not F1 is 0.711 against the scorer's 0.618 and the LLM's 0.680
alone (benchmarks/RESULTS.md, `make bench-deep`).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from .store import Transcript

# Fitted by benchmarks/deep_review.py on our dev judgements (never on test), as written to
# benchmarks/deep_review.json: P = sigmoid(a * logit(scorer confidence) + b * logit(LLM P(Yes)) + c),
# and the P from which the combination reads a point as stated (the threshold maximising dev F1).
COMBINE = (0.7525, 1.2278, -1.5971)
COMBINED_COVERED = 0.273


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def combined(scorer_confidence: float, llm_yes: float) -> float:
    """The two models' joint P(point stated)."""
    a, b, c = COMBINE
    return 1.0 / (1.0 + math.exp(-(a * logit(scorer_confidence) + b * logit(llm_yes) + c)))


@dataclass(frozen=True)
class PointReview:
    point_id: str
    point_text: str
    scorer_status: str
    scorer_confidence: float
    llm_yes: float
    combined: float
    disagree: bool


@dataclass(frozen=True)
class TurnReview:
    question_id: str
    prompt: str
    score: float | None
    points: list[PointReview]

    def to_dict(self) -> dict:
        return asdict(self)


def _disagree(status: str, combined_p: float) -> bool:
    stated = combined_p >= COMBINED_COVERED
    return (status == "covered" and not stated) or (status == "missed" and stated)


def review(transcript: Transcript, judge, progress=None) -> list[TurnReview]:
    """The LLM's opinion on every point of every scored answer (last attempt of each question).
    `judge` is an LLMJudge (anything with `judge(answer, points, question) -> list[float]`)."""
    turns = [t for t in transcript.final_turns() if t.result and t.result.get("verdicts") and t.answer]
    out = []
    for n, turn in enumerate(turns, 1):
        if progress:
            progress(n, len(turns))
        verdicts = turn.result["verdicts"]
        yes = judge.judge(turn.answer, [v["point_text"] for v in verdicts], turn.prompt)
        points = []
        for v, p in zip(verdicts, yes):
            both = combined(float(v["confidence"]), float(p))
            points.append(PointReview(v["point_id"], v["point_text"], v["status"], round(float(v["confidence"]), 3),
                                      round(float(p), 3), round(both, 3), _disagree(v["status"], both)))
        out.append(TurnReview(turn.question_id, turn.prompt, turn.score, points))
    return out


def format_review(reviews: list[TurnReview]) -> str:
    if not reviews:
        return "Nothing to review: this session has no scored answers."
    lines = []
    flagged = sum(p.disagree for r in reviews for p in r.points)
    total = sum(len(r.points) for r in reviews)
    for r in reviews:
        score = "not scored" if r.score is None else f"{r.score:.1f}/100"
        lines.append(f"\n{r.question_id}  ({score})\n  {r.prompt}")
        for p in r.points:
            flag = "  <- read this one twice" if p.disagree else ""
            lines.append(f"  scorer {p.scorer_status:<7} {p.scorer_confidence:.2f} | LLM yes {p.llm_yes:.2f}"
                         f" | together {p.combined:.2f}{flag}"
                         f"\n      {p.point_text}")
    lines.append(f"\nScorer and LLM together disagree with the scorer alone on {flagged} of {total} points "
                 f"(together >= {COMBINED_COVERED} reads as stated). Saved scores are unchanged: they are the "
                 "default scorer's.")
    return "\n".join(lines)
