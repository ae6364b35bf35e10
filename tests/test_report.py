"""Rendering: candidate text stays text in HTML, chat Markdown and exports; highlights follow offsets."""
from __future__ import annotations

import json
import re

import pytest

from interviewer import report
from interviewer.store import Store

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)"> **b** [l](http://evil) www.x.io a@b.co ``` $x$'


def _verdict(pid, status, start=None, text=None, weight=1.0, point="A point."):
    ev = None if text is None else {"start": start, "end": start + len(text), "text": text}
    return {"point_id": pid, "point_text": point, "weight": weight, "status": status, "confidence": 0.9,
            "evidence": ev, "needs_review": False, "note": ""}


def _transcript(tmp_path, answer=PAYLOAD, auto=False):
    store = Store(tmp_path / "db.sqlite3")
    sid = store.create_session("interview", "ML engineer onsite", ["ml_breadth"], {"plan": ["q1", "q2"]}, now=100.0)
    t = store.add_turn(sid, 0, "q1", "ml_breadth", "What is bias?", deadline=160.0, now=100.0)
    store.save_answer(t, answer, auto_submitted=auto, now=130.0)
    store.save_score(t, 50.0, {"score": 50.0, "reason": "", "needs_review": False,
                               "verdicts": [_verdict("p1", "covered", 0, answer[:8]), _verdict("p2", "missed")]})
    store.add_turn(sid, 1, "q2", "ml_breadth", "What is variance?", now=131.0)
    store.finish_session(sid, now=190.0)
    return store.get_transcript(sid)


def test_md_text_leaves_no_markup_or_links():
    out = report.md_text(PAYLOAD)
    assert "<" not in out and ">" not in out and "http://" not in out and "@" not in out
    assert "\\*\\*b\\*\\*" in out and "\\[l\\]" in out and "\\`\\`\\`" in out and "\\$x\\$" in out


@pytest.mark.parametrize("text, fence", [("plain", "```"), ("a ``` b", "````"), ("````` five", "``````")])
def test_fence_is_longer_than_any_backtick_run(text, fence):
    assert report.fence(text) == f"{fence}text\n{text}\n{fence}"


def test_highlight_marks_evidence_by_offsets_and_escapes_everything():
    answer = "First <b>claim</b>. Second claim. Third."
    verdicts = [_verdict("p1", "covered", 0, "First <b>claim</b>."), _verdict("p2", "partial", 20, "Second claim."),
                _verdict("p3", "missed"), _verdict("p4", "covered", 0, "First <b>claim</b>. Second claim.")]
    html = report.highlight(answer, verdicts)
    assert "<b>" not in html and "&lt;b&gt;claim&lt;/b&gt;" in html
    marks = re.findall(r'<mark class="ev-(\w+)"[^>]*>(.*?)</mark><sup class="ev-num">([\d,]+)</sup>', html)
    assert marks == [("covered", "First &lt;b&gt;claim&lt;/b&gt;.", "1,4"), ("covered", " ", "4"),
                     ("covered", "Second claim.", "2,4")]
    assert html.endswith(" Third.")


def test_highlight_finds_the_sentence_when_offsets_do_not_fit():
    html = report.highlight("Intro. The point.", [_verdict("p1", "covered", 0, "The point.")])
    assert html == 'Intro. <mark class="ev-covered" title="States rubric point 1">The point.</mark><sup class="ev-num">1</sup>'


def test_feedback_html_escapes_the_answer_and_shows_verdicts_follow_up_and_change():
    verdicts = [_verdict("p1", "covered", 0, PAYLOAD[:25], point="Point one."), _verdict("p2", "missed", point="Point two.")]
    html = report.feedback_html(PAYLOAD, 50.0, {"score": 50.0, "verdicts": verdicts}, follow_up="Why <two>?",
                                changes=[("Point one.", "missed", "covered")], previous_score=0.0, auto_submitted=True)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "Score: 50.0/100" in html and "1 covered, 0 partial, 1 missed" in html
    assert re.search(r'<li class="pt-missed"><span class="badge b-missed">Missed</span> Point two\. '
                     r'<span class="earned"[^>]*>earned 0%</span></li>', html)
    assert re.search(r'Point one\. <span class="earned"[^>]*>earned \d+%</span>', html)
    assert "Why &lt;two&gt;?" in html and "Missed to Covered" in html and "Score 0.0 to 50.0" in html
    assert "submitted automatically" in html


def test_tests_html_shows_each_test_or_why_none_ran():
    html = report.tests_html({"passed": 1, "total": 2, "wall_s": 1.25, "tests": [
        {"name": "shape", "status": "passed", "message": ""},
        {"name": "values", "status": "failed", "message": "expected <1>"}]})
    assert "1/2 tests passed in 1.2 s" in html and "expected &lt;1&gt;" in html and 'class="t-failed"' in html
    missing = report.tests_html(None, "bwrap is missing")
    assert "Tests not run" in missing and "bwrap is missing" in missing


def test_markdown_export_fences_answers_and_has_a_scorecard(tmp_path):
    md = report.to_markdown(_transcript(tmp_path))
    assert f"````text\n{PAYLOAD}\n````" in md
    assert "  - evidence: ` <script> `" in md  # evidence is an inline code span
    prose = re.sub(r"````text\n.*?\n````", "", md, flags=re.S).replace("` <script> `", "")
    assert "<" not in prose  # nowhere else can the answer's markup land
    assert "| ML breadth | 2 | 1 | 50.0 | 1 | 0 | 1 |" in md
    assert "- [x] covered: A point\\." in md and "- [ ] missed: A point\\." in md
    assert "## Q2. ML breadth (q2)" in md and "*Not answered.*" in md
    assert "- Duration: 1 min 30 s" in md


def test_json_export_round_trips(tmp_path):
    tr = _transcript(tmp_path, auto=True)
    doc = json.loads(report.to_json(tr))
    assert doc["session"]["id"] == tr.session.id and doc["session"]["score"] == 50.0
    assert doc["turns"][0]["answer"] == PAYLOAD and doc["turns"][0]["auto_submitted"] is True
    assert doc["turns"][0]["result"]["verdicts"][0]["status"] == "covered"
    assert doc["turns"][1]["answer"] is None
    assert doc["scorecard"]["modules"][0]["asked"] == 2


def test_interview_chat_escapes_answers_and_notes_auto_submits(tmp_path):
    msgs = report.interview_chat(_transcript(tmp_path, auto=True))
    roles = [m["role"] for m in msgs]
    assert roles == ["assistant", "assistant", "user", "assistant", "assistant", "assistant"]
    assert "Question 1 of 2" in msgs[1]["content"] and "Question 2 of 2" in msgs[4]["content"]
    assert msgs[2]["content"] == report.md_text(PAYLOAD)
    assert "submitted automatically" in msgs[3]["content"]
    assert "scorecard is below" in msgs[-1]["content"]


def test_transcript_html_lists_every_question(tmp_path):
    html = report.transcript_html(_transcript(tmp_path))
    assert "<h3>Q1. ML breadth</h3>" in html and "<h3>Q2. ML breadth</h3>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "Not answered" in html


@pytest.mark.parametrize("seconds, text", [(0, "00:00"), (0.2, "00:01"), (59.5, "01:00"), (125, "02:05")])
def test_clock_rounds_up(seconds, text):
    assert report.clock(seconds) == text


def test_session_rows_and_scorecard_tables(tmp_path):
    tr = _transcript(tmp_path)
    row = report.session_row(tr.session)
    assert row[1:] == ["interview", "ML engineer onsite", "ML breadth", "1/2", 50.0, "1 min 30 s", "finished"]
    from interviewer.session import scorecard
    card = scorecard(tr)
    assert report.module_rows(card) == [["ML breadth", 2, 1, 50.0, 1, 0, 1]]
    assert report.point_rows(card)[0] == ["ML breadth", "q1", "A point.", 1.0, "Covered"]
