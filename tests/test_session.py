"""Interview and practice logic over the real engine (test bank) and a real temp SQLite store."""
from __future__ import annotations

import copy
import random
import shutil

import pytest

from interviewer import config
from interviewer import session as S
from interviewer.records import PointVerdict, ScoreResult
from interviewer.scoring import AnswerError
from interviewer.store import Store

L2_ONLY = "L2 regularisation shrinks all weights smoothly toward zero."
L1_AND_L2 = L2_ONLY + " L1 regularisation drives some weights to exactly zero, which gives a sparse model."
T0 = 1_000_000.0


def two_module_interview(engine, store, now=None):
    return S.start_interview(engine, store, S.custom_loop(["ml_breadth", "behavioral"], 1),
                             rng=random.Random(0), now=now)


@pytest.mark.parametrize("seed", range(5))
def test_plan_follows_the_loop_and_never_repeats(app_engine, seed):
    loop = S.LOOPS["ML engineer onsite"]
    plan = S.plan_interview(app_engine, loop, set(), random.Random(seed))
    assert [app_engine.bank.get(q).module for q in plan] == list(loop.modules)
    assert len(set(plan)) == len(plan)


def test_plan_skips_recent_questions_or_says_what_to_do(app_engine):
    loop = S.LOOPS["ML engineer onsite"]  # needs two ml_breadth questions; the test bank has three
    plan = S.plan_interview(app_engine, loop, {"t-brd-l1-l2"}, random.Random(1))
    assert "t-brd-l1-l2" not in plan
    with pytest.raises(S.PlanError, match="Allow questions from recent interviews"):
        S.plan_interview(app_engine, loop, {"t-brd-l1-l2", "t-brd-bias-variance"}, random.Random(1))


def test_plan_avoids_near_duplicates_while_it_can(app_engine, monkeypatch):
    monkeypatch.setattr(S, "NEAR_DUPLICATE", 0.23)  # so the test bank has near-duplicates among ml_breadth
    loop = S.Loop("Two breadth", ("ml_breadth", "ml_breadth"))
    for seed in range(8):
        first, second = S.plan_interview(app_engine, loop, set(), random.Random(seed))
        others = {q.id for q in app_engine.bank.by_module("ml_breadth")} - {first}
        if others - S._near(app_engine, first):
            assert second not in S._near(app_engine, first)


def test_interview_deadlines_auto_submit_and_finish(app_engine, store):
    live, q1 = two_module_interview(app_engine, store, now=T0)
    q2_budget = app_engine.bank.get(live.plan[1]).time_budget_s
    assert live.ends_at == T0 + q1.time_budget_s + q2_budget
    assert store.get_turn(live.turn_id).deadline == live.deadline == T0 + q1.time_budget_s
    assert S.time_left(live, T0 + 4) == (q1.time_budget_s - 4, live.ends_at - T0 - 4)
    assert not S.expired(live, T0 + q1.time_budget_s - 1) and S.expired(live, T0 + q1.time_budget_s)

    out = S.submit(app_engine, store, live, "high bias means underfitting", auto=True, now=T0 + q1.time_budget_s)
    assert out.saved and out.auto_submitted and store.get_turn(out.turn_id).auto_submitted
    assert len(store.get_transcript(live.session_id).turns) == 1  # question 2 is not asked before its time
    q2 = S.advance(app_engine, store, live, now=T0 + 20)
    assert q2.id == live.plan[1] and live.deadline == min(T0 + 20 + q2_budget, live.ends_at)
    S.submit(app_engine, store, live, "I proposed an experiment to compare the two models.", now=T0 + 25)
    assert S.advance(app_engine, store, live, now=T0 + 26) is None
    assert live.finished and store.get_session(live.session_id).status == "finished"
    assert S.time_left(live, T0 + 27) == (None, None)


def test_the_interview_ends_when_its_clock_runs_out(app_engine, store):
    live, _ = two_module_interview(app_engine, store, now=T0)
    S.submit(app_engine, store, live, "bias and variance", now=T0 + 5)
    assert S.advance(app_engine, store, live, now=live.ends_at + 1) is None
    assert store.get_session(live.session_id).status == "finished"


def test_submit_saves_first_and_a_racing_second_submit_is_refused(app_engine, store):
    live, _ = two_module_interview(app_engine, store)
    twin = copy.deepcopy(live)  # the same tab's clock and click, each with the question pending
    out = S.submit(app_engine, store, live, "High bias means the model underfits.")
    turn = store.get_turn(out.turn_id)
    assert turn.answered and turn.result["verdicts"] and turn.score == out.score
    late = S.submit(app_engine, store, twin, "something else", auto=True)
    assert not late.saved and store.get_turn(out.turn_id).answer == "High bias means the model underfits."
    with pytest.raises(S.PlanError):
        S.submit(app_engine, store, live, "again")


def test_an_over_long_answer_is_refused_unless_the_clock_submitted_it(app_engine, store):
    live, _ = two_module_interview(app_engine, store)
    huge = "word " * (config.MAX_ANSWER_CHARS // 5 + 10)
    with pytest.raises(AnswerError):
        S.submit(app_engine, store, live, huge)
    assert not store.get_turn(live.turn_id).answered and live.pending
    out = S.submit(app_engine, store, live, huge, auto=True)
    turn = store.get_turn(out.turn_id)
    assert out.saved and out.score is None and turn.score is None and "too long" in turn.result["reason"]


def test_follow_up_probes_the_most_important_open_point(app_engine):
    q = app_engine.bank.get("t-brd-l1-l2")
    result = app_engine.scorer.score(q, L2_ONLY)
    assert {v.point_id: v.status for v in result.verdicts}["p1"] == "missed"
    assert S.follow_up(q, result) == "Why does the L1 penalty give exact zeros?"  # p1 has weight 2
    only_p3 = ScoreResult(q.id, 80.0, [PointVerdict(p.id, p.text, p.weight, "missed" if p.id == "p3" else "covered",
                                                    0.5, None) for p in q.points], False)
    assert S.follow_up(q, only_p3) == f"Can you say more about this point: {q.points[2].text}"  # no follow-up probes p3
    assert S.follow_up(q, app_engine.scorer.score(q, L1_AND_L2 + " Both reduce overfitting by penalising large "
                                                   "weights.")) is None


def test_coding_score_is_60_percent_tests_and_40_percent_rubric():
    assert S.coding_score(50.0, 3, 4) == 65.0
    assert S.coding_score(100.0, 0, 5) == 40.0
    assert S.coding_score(72.5, 0, 0) == 72.5  # no tests: the rubric alone


def test_ml_coding_answer_blends_hidden_tests_with_the_explanation(app_engine, store):
    live, q = S.start_practice(app_engine, store, "ml_coding", "softmax")
    seen = {}

    def runner(question_id, code):
        seen.update(question_id=question_id, code=code)
        return {"passed": 1, "total": 2, "tests": [{"name": "t1", "status": "passed", "message": ""},
                                                   {"name": "t2", "status": "failed", "message": "wrong"}]}, ""

    explanation = "Subtract the maximum of each row before taking the exponential to avoid overflow."
    out = S.submit(app_engine, store, live, explanation, code="def softmax(x): ...", runner=runner)
    assert seen == {"question_id": q.id, "code": "def softmax(x): ..."}
    assert out.score == S.coding_score(out.result.score, 1, 2)
    turn = store.get_turn(out.turn_id)
    assert turn.code == "def softmax(x): ..." and turn.test_report["passed"] == 1


def test_ml_coding_without_hidden_tests_or_a_sandbox_never_invents_results(app_engine, store):
    live, q = S.start_practice(app_engine, store, "ml_coding", "kmeans")
    report, why = S.run_code(q.id, q.coding.starter_code)  # the test bank's k-means has no hidden tests
    assert report is None and why
    out = S.submit(app_engine, store, live, "Assign each point to its nearest centroid.", code="x",
                   runner=lambda qid, code: (None, "bubblewrap is missing"))
    assert out.score == out.result.score  # the rubric alone, and the report says why
    assert out.test_report == {"error": "bubblewrap is missing"} == store.get_turn(out.turn_id).test_report


SOFTMAX = """import numpy as np


def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""


def test_ml_coding_runs_the_real_hidden_tests_in_the_sandbox(app_engine, store):
    live, q = S.start_practice(app_engine, store, "ml_coding", "softmax")
    report, why = S.run_code(q.id, SOFTMAX)
    if shutil.which("bwrap") is None:  # the app says so instead of running unsandboxed
        assert report is None and "bwrap" in why.lower()
        return
    assert why == "" and report["total"] >= 5 and report["passed"] == report["total"]
    naive = S.run_code(q.id, "import numpy as np\ndef softmax(z, axis=-1):\n    e = np.exp(z)\n"
                             "    return e / e.sum(axis=axis, keepdims=True)\n")[0]
    assert 0 < naive["passed"] < naive["total"]
    assert any(t["status"] == "failed" and "subtract the max" in t["message"] for t in naive["tests"])
    out = S.submit(app_engine, store, live, "Subtract the maximum of each row before taking the exponential "
                   "to avoid overflow.", code=SOFTMAX)
    assert out.score == S.coding_score(out.result.score, report["total"], report["total"])


def test_practice_retry_next_and_coverage_change(app_engine, store):
    live, q = S.start_practice(app_engine, store, "ml_breadth", "regularization_l1_l2", rng=random.Random(0))
    first = S.submit(app_engine, store, live, L2_ONLY)
    S.retry(app_engine, store, live)
    assert (live.idx, live.attempt, live.pending) == (0, 2, True)
    second = S.submit(app_engine, store, live, L1_AND_L2)
    changes = S.coverage_change(first.result.to_dict(), second.result)
    assert (q.points[0].text, "missed", "covered") in changes
    assert S.next_practice(app_engine, store, live, random.Random(0)) is None  # the topic has one question
    assert live.finished and store.get_session(live.session_id).status == "finished"
    card = S.scorecard(store.get_transcript(live.session_id))
    assert card.overall == second.score  # the last attempt counts
    assert [(m.module, m.asked, m.answered) for m in card.modules] == [("ml_breadth", 1, 1)]


def test_practice_draws_new_questions_until_the_pool_is_used_up(app_engine, store):
    live, q = S.start_practice(app_engine, store, "ml_breadth", rng=random.Random(3))
    asked = [q.id]
    while True:
        S.submit(app_engine, store, live, "bias and variance")
        nxt = S.next_practice(app_engine, store, live, random.Random(3))
        if nxt is None:
            break
        asked.append(nxt.id)
    assert sorted(asked) == sorted(x.id for x in app_engine.bank.by_module("ml_breadth"))
    assert [t.idx for t in store.get_transcript(live.session_id).turns] == [0, 1, 2]


def test_scorecard_per_module_and_per_point(app_engine, store):
    live, q1 = two_module_interview(app_engine, store)
    S.submit(app_engine, store, live, "I like long walks in the park.")
    S.advance(app_engine, store, live)
    S.submit(app_engine, store, live, "I proposed an experiment to compare both models and listened to my teammate.")
    S.advance(app_engine, store, live)
    card = S.scorecard(store.get_transcript(live.session_id))
    assert [m.module for m in card.modules] == ["ml_breadth", "behavioral"]
    assert card.modules[0].mean_score == 0.0 and card.modules[0].missed == len(q1.points)
    behavioral = app_engine.bank.get(live.plan[1])
    assert [p.point_id for p in card.points if p.module == "behavioral"] == [p.id for p in behavioral.points]
    assert card.overall == round((card.modules[0].mean_score + card.modules[1].mean_score) / 2, 1)


def test_resume_after_a_restart_keeps_the_clock_or_restarts_an_expired_question(app_engine, tmp_path):
    path = tmp_path / "db.sqlite3"
    live, q1 = two_module_interview(app_engine, Store(path), now=T0)
    S.submit(app_engine, Store(path), live, "high bias means underfitting", now=T0 + 5)
    q2 = S.advance(app_engine, Store(path), live, now=T0 + 6)

    again, q = S.resume(app_engine, Store(path), live.session_id, now=T0 + 8)  # a restarted server
    assert q.id == q2.id and again.pending and again.idx == 1 and again.deadline == live.deadline
    assert again.plan == live.plan and again.ends_at == live.ends_at

    later, q = S.resume(app_engine, Store(path), live.session_id, now=T0 + 5000)  # long after its deadline
    assert q.id == q2.id and later.deadline == T0 + 5000 + q2.time_budget_s
    assert Store(path).get_turn(later.turn_id).deadline == later.deadline
    assert later.ends_at >= later.deadline and S.time_left(later, T0 + 5001)[0] == q2.time_budget_s - 1


def test_resume_asks_the_next_question_and_rescores_an_unscored_answer(app_engine, store):
    live, _ = two_module_interview(app_engine, store)
    store.save_answer(live.turn_id, "High bias means the model underfits.")  # the server died while scoring
    again, q = S.resume(app_engine, store, live.session_id)
    turns = store.get_transcript(live.session_id).turns
    assert turns[0].result is not None and turns[0].score is not None
    assert q.id == live.plan[1] and again.idx == 1 and len(turns) == 2 and again.pending


def test_resume_practice_and_refuse_finished_sessions(app_engine, store):
    live, q = S.start_practice(app_engine, store, "behavioral", rng=random.Random(0))
    S.submit(app_engine, store, live, "I proposed an experiment.")
    again, pending = S.resume(app_engine, store, live.session_id)
    assert pending is None and again.plan == [q.id] and not again.pending and again.filters["module"] == "behavioral"
    assert S.next_practice(app_engine, store, again, random.Random(0)).id != q.id
    S.finish(store, again)
    with pytest.raises(S.PlanError, match="already finished"):
        S.resume(app_engine, store, live.session_id)


def test_interviews_avoid_questions_from_recent_interviews(app_engine, store):
    loop = S.Loop("Breadth", ("ml_breadth",))
    seen = set()
    for _ in range(3):
        live, q = S.start_interview(app_engine, store, loop, rng=random.Random(0))
        assert q.id not in seen
        seen.add(q.id)
    with pytest.raises(S.PlanError):
        S.start_interview(app_engine, store, loop, rng=random.Random(0))
    live, q = S.start_interview(app_engine, store, loop, allow_recent=True, rng=random.Random(0))
    assert q.id in seen


def test_claims_keep_one_tab_per_session():
    claims = S.Claims()
    assert claims.claim("s1", "tab-a") and claims.claim("s1", "tab-a")
    assert not claims.claim("s1", "tab-b")
    claims.release_tab("tab-a")  # tab a was closed or reloaded
    assert claims.claim("s1", "tab-b")


def test_an_answer_is_saved_even_if_scoring_crashes_and_is_rescored_on_resume(app_engine, store, monkeypatch):
    live, _ = two_module_interview(app_engine, store)

    def crash(question, answer):
        raise RuntimeError("judge crashed")

    with monkeypatch.context() as m:
        m.setattr(app_engine.scorer, "score", crash)
        with pytest.raises(RuntimeError):
            S.submit(app_engine, store, live, "High bias means the model underfits.")
    turn = store.get_turn(live.turn_id)
    assert turn.answer == "High bias means the model underfits." and turn.result is None and not live.pending
    S.resume(app_engine, store, live.session_id)
    assert store.get_turn(live.turn_id).result["verdicts"]
