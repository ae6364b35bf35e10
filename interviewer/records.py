"""Typed records that flow through the engine: questions, rubric points, verdicts, score results.

Bank files are parsed into `Question` (pydantic, so bad data fails loudly with a field name);
the scorer returns `ScoreResult` (plain frozen dataclasses, so results are cheap and hashable).
Nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MODULES: tuple[str, ...] = (
    "general_coding",
    "ml_coding",
    "ml_breadth",
    "ml_depth",
    "ml_system_design",
    "behavioral",
)
MODULE_TITLES: dict[str, str] = {
    "general_coding": "General coding",
    "ml_coding": "ML coding",
    "ml_breadth": "ML breadth",
    "ml_depth": "ML depth",
    "ml_system_design": "ML system design",
    "behavioral": "Behavioral",
}

Status = Literal["covered", "partial", "missed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _non_empty(v: str) -> str:
    v = v.strip()
    if not v:
        raise ValueError("must not be empty")
    return v


class RubricPoint(_Strict):
    """One atomic, checkable claim a strong answer states, e.g. 'L1 can drive weights to exactly zero.'"""

    id: str
    text: str
    weight: float = Field(default=1.0, gt=0, le=10)
    source: str = "question"  # "question" or the id of the shared rubric set it came from

    _check_text = field_validator("id", "text")(_non_empty)


class RubricSet(_Strict):
    """A rubric shared by many questions (system-design steps, STAR for behavioral...)."""

    id: str
    title: str
    points: list[RubricPoint] = Field(min_length=1)


class FollowUp(_Strict):
    prompt: str
    probes: str  # id of the rubric point this follow-up digs into

    _check = field_validator("prompt", "probes")(_non_empty)


class CodingSpec(_Strict):
    """Extra fields of an ml_coding question: what the candidate implements."""

    signature: str
    starter_code: str


class Question(_Strict):
    id: str
    module: str
    topic: str
    difficulty: int = Field(ge=1, le=3)
    time_budget_s: int = Field(ge=10, le=3600)
    prompt: str
    model_answer: str
    follow_ups: list[FollowUp] = Field(default_factory=list, max_length=3)
    rubric_sets: list[str] = Field(default_factory=list)
    coding: CodingSpec | None = None
    # Filled by the loader: the question's own points, then the points of its shared sets.
    points: list[RubricPoint] = Field(default_factory=list)
    source_file: str = ""

    _check = field_validator("id", "topic", "prompt", "model_answer")(_non_empty)

    @field_validator("module")
    @classmethod
    def _known_module(cls, v: str) -> str:
        if v not in MODULES:
            raise ValueError(f"unknown module {v!r}; expected one of {', '.join(MODULES)}")
        return v

    @property
    def own_points(self) -> list[RubricPoint]:
        return [p for p in self.points if p.source == "question"]


@dataclass(frozen=True)
class Evidence:
    """The span of the answer that states a point: answer[start:end] == text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PointVerdict:
    point_id: str
    point_text: str
    weight: float
    status: Status
    confidence: float  # probability the point is stated, from the calibrated judge (0..1)
    evidence: Evidence | None
    needs_review: bool = False
    note: str = ""  # e.g. "stated negatively or contradicted" on a missed point
    credit: float = 0.0  # share of the point's weight earned (0..1); 0 when missed


@dataclass(frozen=True)
class ScoreResult:
    question_id: str
    score: float  # weighted credit, 0..100, one decimal
    verdicts: list[PointVerdict]
    needs_review: bool
    reason: str = ""  # why an answer got 0 without judging (empty, gibberish, copy of question, off-topic)
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def covered(self) -> list[PointVerdict]:
        return [v for v in self.verdicts if v.status == "covered"]

    @property
    def missed(self) -> list[PointVerdict]:
        return [v for v in self.verdicts if v.status != "covered"]
