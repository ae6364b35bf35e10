"""The logic of a mock interview and of a practice session, as plain functions over the engine and
the store: loops, picking questions, deadlines, submitting (and auto-submitting) answers, follow-ups,
ML-coding scores, scorecards, and resuming an unfinished session.

A browser tab holds only a small `Live` record; everything that matters is written to the store
as it happens (a question when it is asked, an answer before its feedback is shown), so a session
can be rebuilt from the store after a reload or a crash. Time is wall-clock: deadlines are stored
and the time left is computed on each tick. Nothing here renders HTML or knows about Gradio.
"""
from __future__ import annotations

import random
import shutil
import threading
import time
from dataclasses import dataclass, field

from . import config
from .engine import Engine
from .records import MODULE_TITLES, Question, ScoreResult
from .scoring import AnswerError
from .store import Store, Transcript

NEAR_DUPLICATE = 0.85     # MiniLM cosine above which two prompts count as the same question
RECENT_SESSIONS = 3       # an interview avoids questions asked in the last 3 interviews
RESUME_GRACE_S = 5        # a resumed question with less time than this left gets its full budget again
CODE_TESTS_WEIGHT = 0.6   # ML coding: 60% hidden tests passed + 40% rubric coverage of the explanation


@dataclass(frozen=True)
class Loop:
    name: str
    modules: tuple[str, ...]  # one entry per question, in the order they are asked
    description: str = ""


LOOPS: dict[str, Loop] = {loop.name: loop for loop in [
    Loop("ML engineer onsite", ("ml_breadth", "ml_breadth", "ml_system_design", "ml_coding", "behavioral"),
         "Two breadth questions, a system design, an ML coding exercise and a behavioral story."),
    Loop("Breadth sprint", ("ml_breadth",) * 4, "Four ML breadth questions back to back."),
    Loop("Coding screen", ("general_coding", "ml_coding"), "A general coding question, then ML coding."),
    Loop("Depth and behavioral", ("ml_depth", "behavioral", "behavioral"), "A project deep-dive and two stories."),
]}
CUSTOM = "Custom"


def custom_loop(modules: list[str], per_module: int) -> Loop:
    if not modules:
        raise PlanError("Pick at least one module for a custom interview.")
    return Loop(CUSTOM, tuple(m for m in modules for _ in range(max(1, int(per_module)))))


class PlanError(ValueError):
    """An interview or practice session cannot be set up; the message says what to change."""


@dataclass
class Live:
    """What one browser tab holds about its running session; the store holds the rest."""

    session_id: str
    kind: str                        # "interview" or "practice"
    plan: list[str]                  # interview: every question id, in order; practice: those asked so far
    timed: bool
    idx: int = 0                     # current question number, from 0
    attempt: int = 1                 # practice retries of the current question
    turn_id: int | None = None       # the current question's turn in the store
    question_id: str | None = None
    deadline: float | None = None    # current question, wall clock (None: untimed)
    ends_at: float | None = None     # whole interview, wall clock
    pending: bool = False            # True while the current question waits for an answer
    finished: bool = False
    filters: dict = field(default_factory=dict)  # practice: module, topic, difficulty, allow_recent


@dataclass(frozen=True)
class Outcome:
    """What a submitted answer produced. `score` is the final score (for ML coding it blends the
    hidden tests with the rubric); `result` is the rubric judge's verdicts. Both are None when the
    answer could not be judged (an over-long answer submitted by the clock)."""

    turn_id: int
    question: Question
    answer: str
    score: float | None
    result: ScoreResult | None
    auto_submitted: bool
    saved: bool                      # False: this turn was already answered (a submit raced the clock)
    follow_up: str | None = None
    test_report: dict | None = None  # ML coding: the hidden tests' report, or {"error": why none ran}


# ------------------------------------------------------------------ picking questions

def _near(engine: Engine, qid: str) -> set[str]:
    return {other for other, sim in engine.index.similar_questions(qid, 10) if sim >= NEAR_DUPLICATE}


def plan_interview(engine: Engine, loop: Loop, recent: set[str], rng: random.Random) -> list[str]:
    """One question per slot of the loop: never twice in one interview, never one from `recent`,
    and not a near-duplicate of one already chosen while another candidate is left."""
    need = {m: loop.modules.count(m) for m in loop.modules}
    short = []
    for module, n in need.items():
        have = [q for q in engine.bank.by_module(module) if q.id not in recent]
        if len(have) < n:
            short.append(f"{MODULE_TITLES[module]} needs {n}, {len(have)} left")
    if short:
        raise PlanError("Not enough questions you have not seen in your last "
                        f"{RECENT_SESSIONS} interviews ({'; '.join(short)}). Tick "
                        "'Allow questions from recent interviews' or choose another loop.")
    chosen: list[str] = []
    avoid: set[str] = set()
    for module in loop.modules:
        pool = sorted((q.id for q in engine.bank.by_module(module) if q.id not in chosen and q.id not in recent))
        fresh = [qid for qid in pool if qid not in avoid] or pool
        qid = rng.choice(fresh)
        chosen.append(qid)
        avoid |= _near(engine, qid)
    return chosen


def next_practice_question(engine: Engine, filters: dict, asked: list[str], recent: set[str],
                           rng: random.Random) -> Question | None:
    """A question of the module (and topic/difficulty) not yet asked in this session; one not seen
    recently and not a near-duplicate of one asked is preferred. None when all have been asked."""
    pool = sorted((q for q in engine.bank.by_module(filters["module"], filters.get("topic"), filters.get("difficulty"))
                   if q.id not in asked), key=lambda q: q.id)
    if not pool:
        return None
    near = set().union(*(_near(engine, qid) for qid in asked)) if asked else set()
    for candidates in ([q for q in pool if q.id not in recent and q.id not in near],
                       [q for q in pool if q.id not in recent], pool):
        if candidates:
            return rng.choice(candidates)
    return None


# ------------------------------------------------------------------ starting and asking

def start_interview(engine: Engine, store: Store, loop: Loop, *, allow_recent: bool = False,
                    rng: random.Random | None = None, now: float | None = None) -> tuple[Live, Question]:
    now = now or time.time()
    recent = set() if allow_recent else store.recent_question_ids(RECENT_SESSIONS, kind="interview")
    plan = plan_interview(engine, loop, recent, rng or random.Random())
    ends_at = now + sum(engine.bank.get(q).time_budget_s for q in plan)
    modules = list(dict.fromkeys(loop.modules))
    sid = store.create_session("interview", loop.name, modules, {"plan": plan, "timed": True, "ends_at": ends_at,
                                                                   "allow_recent": allow_recent}, now=now)
    live = Live(sid, "interview", plan, timed=True, ends_at=ends_at)
    return live, ask(engine, store, live, now)


def start_practice(engine: Engine, store: Store, module: str, topic: str | None = None,
                   difficulty: int | None = None, *, timed: bool = False, allow_recent: bool = False,
                   rng: random.Random | None = None, now: float | None = None) -> tuple[Live, Question]:
    now = now or time.time()
    filters = {"module": module, "topic": topic or None, "difficulty": difficulty or None, "allow_recent": allow_recent}
    if not engine.bank.by_module(module, filters["topic"], filters["difficulty"]):
        raise PlanError(f"No {MODULE_TITLES[module]} questions match that topic and difficulty.")
    sid = store.create_session("practice", f"Practice: {MODULE_TITLES[module]}", [module],
                               {"timed": timed, "filters": filters}, now=now)
    live = Live(sid, "practice", [], timed=timed, filters=filters)
    q = next_practice(engine, store, live, rng or random.Random(), now)
    assert q is not None  # the pool was checked above
    return live, q


def ask(engine: Engine, store: Store, live: Live, now: float | None = None) -> Question:
    """Put the question plan[idx] to the candidate: record the turn and set its deadline."""
    now = now or time.time()
    q = engine.bank.get(live.plan[live.idx])
    deadline = None
    if live.timed:
        deadline = now + q.time_budget_s
        if live.ends_at is not None:
            deadline = min(deadline, live.ends_at)
    live.turn_id = store.add_turn(live.session_id, live.idx, q.id, q.module, q.prompt, deadline, live.attempt, now)
    live.question_id, live.deadline, live.pending = q.id, deadline, True
    return q


def next_practice(engine: Engine, store: Store, live: Live, rng: random.Random,
                  now: float | None = None) -> Question | None:
    """Ask the next practice question, or return None (and finish) when the pool is used up."""
    recent = set() if live.filters.get("allow_recent") else store.recent_question_ids(RECENT_SESSIONS, kind=None,
                                                                                      exclude_session=live.session_id)
    q = next_practice_question(engine, live.filters, live.plan, recent, rng)
    if q is None:
        finish(store, live, now)
        return None
    if live.turn_id is not None:
        live.idx += 1
    live.plan.append(q.id)
    live.attempt = 1
    return ask(engine, store, live, now)


def retry(engine: Engine, store: Store, live: Live, now: float | None = None) -> Question:
    """Ask the current practice question again, as a new attempt (the old one stays on record)."""
    live.attempt += 1
    return ask(engine, store, live, now)


def advance(engine: Engine, store: Store, live: Live, now: float | None = None) -> Question | None:
    """Interview: move to the next question, or finish when the plan or the time is used up."""
    now = now or time.time()
    live.idx += 1
    live.pending = False
    if live.idx >= len(live.plan) or (live.ends_at is not None and now >= live.ends_at):
        finish(store, live, now)
        return None
    return ask(engine, store, live, now)


def finish(store: Store, live: Live, now: float | None = None, status: str = "finished") -> None:
    live.pending, live.finished = False, True
    store.end_session(live.session_id, status, now)


# ------------------------------------------------------------------ time

def time_left(live: Live, now: float | None = None) -> tuple[float | None, float | None]:
    """(seconds left for the current question, seconds left for the interview); None when untimed."""
    now = now or time.time()
    q = None if live.deadline is None or not live.pending else max(0.0, live.deadline - now)
    total = None if live.ends_at is None or live.finished else max(0.0, live.ends_at - now)
    return q, total


def expired(live: Live, now: float | None = None) -> bool:
    return live.pending and live.deadline is not None and (now or time.time()) >= live.deadline


# ------------------------------------------------------------------ answering

def coding_score(rubric_score: float, passed: int, total: int) -> float:
    """ML-coding score: CODE_TESTS_WEIGHT (60%) x the share of hidden tests passed, plus the rest
    (40%) x the rubric score of the written explanation. Without tests, the rubric score alone."""
    if total <= 0:
        return rubric_score
    return round(CODE_TESTS_WEIGHT * 100.0 * passed / total + (1 - CODE_TESTS_WEIGHT) * rubric_score, 1)


def run_code(question_id: str, code: str) -> tuple[dict | None, str]:
    """Run the hidden tests of an ML-coding question in the sandbox: (report dict, "") or
    (None, why no test ran). Test results are never made up."""
    try:
        from .coderun import has_tests, run_solution
    except ImportError:
        return None, "The code runner (interviewer.coderun) is not available, so no tests were run."
    if shutil.which("bwrap") is None:
        return None, "Bubblewrap (bwrap) is not installed, so code cannot run safely and no tests were run."
    if not has_tests(question_id):
        return None, "This question has no hidden tests, so no tests were run."
    try:
        return run_solution(question_id, code).to_dict(), ""
    except Exception as e:  # the sandbox could not start: say so, never guess results
        return None, f"The tests could not run: {e}"


def follow_up(question: Question, result: ScoreResult) -> str | None:
    """The follow-up that probes the most important point not fully covered (highest weight,
    missed before partial); falls back to asking about that point's text."""
    open_points = [v for v in result.verdicts if v.status != "covered"]
    if not open_points:
        return None
    top = max(open_points, key=lambda v: (v.weight, v.status == "missed"))
    probe = next((f.prompt for f in question.follow_ups if f.probes == top.point_id), None)
    return probe or f"Can you say more about this point: {top.point_text}"


def score_turn(engine: Engine, store: Store, turn_id: int, q: Question, answer: str, code: str | None,
               runner=run_code) -> tuple[float | None, ScoreResult | None, dict | None]:
    """Judge a saved answer (and run an ML-coding answer's hidden tests), then store the verdicts."""
    try:
        result: ScoreResult | None = engine.scorer.score(q, answer)
    except AnswerError:  # only an auto-submitted answer gets here; it is kept, unscored
        result = None
    report = None
    if q.coding is not None:
        report, note = runner(q.id, code or "")
        report = report if report is not None else {"error": note}
    score = None if result is None else result.score
    if score is not None and report is not None and "error" not in report:
        score = coding_score(score, int(report.get("passed", 0)), int(report.get("total", 0)))
    stored = result.to_dict() if result is not None else {"reason": "The answer is too long to judge.", "verdicts": []}
    store.save_score(turn_id, score, stored, report)
    return score, result, report


def submit(engine: Engine, store: Store, live: Live, answer: str, *, code: str | None = None,
           auto: bool = False, now: float | None = None, runner=run_code) -> Outcome:
    """Save the answer (committed), then score it and save the verdicts; the caller then shows them.
    A candidate's over-long answer raises AnswerError and is not saved; one the clock submitted is
    saved unscored."""
    if live.turn_id is None or live.question_id is None or not live.pending:
        raise PlanError("There is no question waiting for an answer.")
    q = engine.bank.get(live.question_id)
    answer = answer or ""
    if not auto and len(answer) > config.MAX_ANSWER_CHARS:
        raise AnswerError(f"the answer is too long to judge ({len(answer):,} characters; "
                          f"the limit is {config.MAX_ANSWER_CHARS:,}). Shorten it and try again.")
    code = code if q.coding is not None else None
    saved = store.save_answer(live.turn_id, answer, auto, code, now)
    live.pending = False
    if not saved:
        return Outcome(live.turn_id, q, answer, None, None, auto, saved=False)
    score, result, report = score_turn(engine, store, live.turn_id, q, answer, code, runner)
    return Outcome(live.turn_id, q, answer, score, result, auto, True,
                   follow_up(q, result) if result is not None else None, report)


def coverage_change(before: dict | None, after: ScoreResult) -> list[tuple[str, str, str]]:
    """Practice retries: (point text, old status, new status) for every point whose status changed."""
    if not before:
        return []
    old = {v["point_id"]: v["status"] for v in before.get("verdicts", [])}
    return [(v.point_text, old[v.point_id], v.status) for v in after.verdicts
            if v.point_id in old and old[v.point_id] != v.status]


# ------------------------------------------------------------------ scorecards

@dataclass(frozen=True)
class ModuleScore:
    module: str
    asked: int
    answered: int
    mean_score: float | None
    covered: int
    partial: int
    missed: int


@dataclass(frozen=True)
class PointScore:
    module: str
    question_id: str
    point_id: str
    point_text: str
    weight: float
    status: str
    evidence: str


@dataclass(frozen=True)
class Scorecard:
    overall: float | None
    modules: list[ModuleScore]
    points: list[PointScore]


def scorecard(transcript: Transcript) -> Scorecard:
    """Per module and per rubric point, counting each question's last answered attempt."""
    final = transcript.final_turns()
    asked: dict[str, set[int]] = {}
    for t in transcript.turns:
        asked.setdefault(t.module, set()).add(t.idx)
    modules, points = [], []
    for module, idxs in asked.items():
        turns = [t for t in final if t.module == module]
        verdicts = [(t, v) for t in turns for v in ((t.result or {}).get("verdicts") or [])]
        counts = {s: sum(1 for _, v in verdicts if v["status"] == s) for s in ("covered", "partial", "missed")}
        scores = [t.score for t in turns if t.score is not None]
        modules.append(ModuleScore(module, len(idxs), len(turns), round(sum(scores) / len(scores), 1) if scores else None,
                                   counts["covered"], counts["partial"], counts["missed"]))
        points += [PointScore(module, t.question_id, v["point_id"], v["point_text"], v["weight"], v["status"],
                              (v.get("evidence") or {}).get("text", "")) for t, v in verdicts]
    scores = [t.score for t in final if t.score is not None]
    return Scorecard(round(sum(scores) / len(scores), 1) if scores else None, modules, points)


# ------------------------------------------------------------------ resuming

def resume(engine: Engine, store: Store, session_id: str, now: float | None = None) -> tuple[Live, Question | None]:
    """Rebuild the Live record of an unfinished session from the store. The question that was
    waiting keeps its deadline if time is left, else it gets its full budget again; the interview
    clock is extended to fit the questions still to come. Returns the question now waiting (None
    for a practice session whose last answer was already scored)."""
    now = now or time.time()
    tr = store.get_transcript(session_id)
    s = tr.session
    if s.status != "active":
        raise PlanError(f"That session is already {s.status}; only an active session can be resumed.")
    missing = [t.question_id for t in tr.turns if t.question_id not in engine.bank.questions]
    missing += [qid for qid in s.settings.get("plan", []) if qid not in engine.bank.questions]
    if missing:
        raise PlanError(f"That session uses questions no longer in the bank ({', '.join(sorted(set(missing)))}); "
                        "close it instead.")
    for t in tr.turns:  # answered but never scored: the server died while judging it
        if t.answered and t.result is None:
            score_turn(engine, store, t.id, engine.bank.get(t.question_id), t.answer or "", t.code)
    timed = bool(s.settings.get("timed"))
    if s.kind == "interview":
        live = Live(s.id, "interview", list(s.settings["plan"]), timed=timed, ends_at=s.settings.get("ends_at"))
    else:
        asked = list(dict.fromkeys(t.question_id for t in tr.turns))
        live = Live(s.id, "practice", asked, timed=timed, filters=s.settings.get("filters", {}))
    last = tr.turns[-1] if tr.turns else None
    if last is not None:
        live.idx, live.attempt, live.turn_id, live.question_id = last.idx, last.attempt, last.id, last.question_id
    if last is not None and not last.answered:
        live.pending = True
        live.deadline = last.deadline
        if timed and (last.deadline is None or last.deadline - now < RESUME_GRACE_S):
            live.deadline = now + engine.bank.get(last.question_id).time_budget_s
            store.set_deadline(last.id, live.deadline)
        question = engine.bank.get(last.question_id)
    elif s.kind == "interview":
        live.idx = -1 if last is None else last.idx
        live.ends_at = None  # set below; advance() must not finish on the old clock
        question = advance(engine, store, live, now)
        if question is None:
            return live, None
    else:
        return live, None
    if s.kind == "interview" and timed:
        rest = sum(engine.bank.get(q).time_budget_s for q in live.plan[live.idx + 1:])
        live.ends_at = max(s.settings.get("ends_at") or 0, (live.deadline or now) + rest)
        store.update_settings(s.id, ends_at=live.ends_at)
    return live, question


class Claims:
    """Which browser tab drives which session, so that two tabs never drive the same one."""

    def __init__(self):
        self._owner: dict[str, str] = {}  # session id -> tab (Gradio session hash)
        self._lock = threading.Lock()

    def claim(self, session_id: str, tab: str) -> bool:
        with self._lock:
            if self._owner.get(session_id, tab) != tab:
                return False
            self._owner[session_id] = tab
            return True

    def release_tab(self, tab: str) -> None:
        with self._lock:
            for sid in [s for s, t in self._owner.items() if t == tab]:
                del self._owner[sid]
