"""What a person does in the page, driven through Debian Chromium against the real app (real
engine, test bank with 10-20 s time budgets, temp SQLite): a timed interview with an auto-submit,
a practice round with feedback and a retry, Review with transcript and exports, an inert script
payload, two isolated users, resuming after a reload, ML-coding tests, an axe scan, no off-machine
request; and `python app.py` itself (serves on the configured port, refuses a broken bank)."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import INDEX_CACHE, TEST_BANK, free_port, open_page
from playwright.sync_api import expect

from interviewer import session as S

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> **not bold** [link](http://x)'


def start_interview(page, modules=("ML breadth", "Behavioral")):
    page.get_by_role("tab", name="Interview").click()
    page.get_by_role("combobox", name="Interview loop").click()
    page.get_by_role("option", name="Custom").click()
    for m in modules:
        page.get_by_role("checkbox", name=m, exact=True).check()
    page.get_by_role("checkbox", name="Allow questions from recent interviews").check()
    page.get_by_role("button", name="Start interview").click()
    expect(page.locator("#iv-chat")).to_contain_text(f"Question 1 of {len(modules)}")


def start_practice(page, module="ML breadth", topic=None, timed=False):
    page.get_by_role("tab", name="Practice").click()
    page.get_by_role("combobox", name="Module").click()
    page.get_by_role("option", name=module, exact=True).click()
    if topic:
        page.get_by_role("combobox", name="Topic").click()
        page.get_by_role("option", name=topic, exact=True).click()
    if timed:
        page.get_by_role("checkbox", name=re.compile("Timed")).check()
    page.get_by_role("button", name="Start practice").click()
    expect(page.locator("#pr-question")).to_contain_text("difficulty")


def answer_box(page, tab: str):
    return page.locator(f"#{tab}-answer textarea")


def latest_session(app_server):
    return app_server.store.list_sessions()[0]


def strong_answer(app_server) -> str:
    """The model answer of the question now waiting in the newest session (whatever was picked)."""
    turn = app_server.store.get_transcript(latest_session(app_server).id).turns[-1]
    return app_server.engine.bank.get(turn.question_id).model_answer


def test_timed_interview_with_auto_submit(page, app_server):
    start_interview(page)
    chat = page.locator("#iv-chat")
    expect(chat).not_to_contain_text("Question 2 of 2")  # the next question is not revealed early
    expect(page.locator("#iv-clock .clock-part.low").first).to_contain_text("Question")  # < 30 s: red
    answer_box(page, "iv").fill(strong_answer(app_server))
    page.get_by_role("button", name="Submit answer").click()
    expect(chat).to_contain_text("Question 2 of 2")
    answer_box(page, "iv").fill("I proposed an experiment to compare both models")  # a draft, never submitted
    expect(chat).to_contain_text("Time ran out", timeout=30_000)
    expect(page.locator("#iv-status")).to_contain_text("submitted automatically")
    expect(chat).to_contain_text("The interview is over")
    modules = page.locator("#iv-card-modules")
    expect(modules).to_contain_text("ML breadth")
    expect(modules).to_contain_text("Behavioral")
    expect(page.locator("#iv-card-points")).to_contain_text("Covered")
    expect(page.locator("#iv-clock")).to_contain_text("Finished")

    s = latest_session(app_server)
    assert (s.kind, s.status, s.answered) == ("interview", "finished", 2)
    turns = app_server.store.get_transcript(s.id).turns
    assert [t.auto_submitted for t in turns] == [False, True]
    assert turns[1].answer == "I proposed an experiment to compare both models"
    assert turns[1].result["verdicts"], "the auto-submitted answer was scored"
    assert len({t.question_id for t in turns}) == 2


def test_practice_feedback_evidence_follow_up_and_retry(page, app_server):
    start_practice(page, "ML breadth", "regularization_l1_l2")
    expect(page.locator("#pr-question")).to_contain_text("L1 and L2")
    box = answer_box(page, "pr")
    box.fill("L2 regularisation shrinks all weights smoothly toward zero.")
    box.press("Shift+Enter")  # the keyboard submits
    feedback = page.locator("#pr-feedback")
    expect(feedback).to_contain_text("Score:")
    expect(feedback.locator("mark").first).to_have_text("L2 regularisation shrinks all weights smoothly toward zero.")
    expect(feedback.locator("li.pt-covered").first).to_contain_text("L2 regularisation shrinks all weights")
    expect(feedback.locator("li.pt-missed").first).to_contain_text("exactly zero")
    # the L1 point (weight 2, missed) is the most important open point: its follow-up is asked
    expect(feedback).to_contain_text("Why does the L1 penalty give exact zeros?")
    first_score = latest_session(app_server)
    turn = app_server.store.get_transcript(first_score.id).turns[0]
    assert turn.answered and turn.score is not None  # saved before the feedback was shown

    page.get_by_role("button", name="Show model answer").click()
    expect(page.locator("#pr-model")).to_contain_text("which gives a sparse model")

    page.get_by_role("button", name="Retry this question").click()
    expect(page.locator("#pr-status")).to_contain_text("Attempt 2")
    expect(box).to_be_editable()
    box.fill("L2 regularisation shrinks all weights smoothly toward zero. L1 regularisation drives some "
             "weights to exactly zero, which gives a sparse model.")
    page.get_by_role("button", name="Submit answer").click()
    expect(feedback).to_contain_text("Change since your last attempt")
    expect(feedback).to_contain_text("Missed to Covered")
    turns = app_server.store.get_transcript(first_score.id).turns
    assert [t.attempt for t in turns] == [1, 2] and turns[1].score > turns[0].score


def test_timed_practice_auto_submits_at_zero(page, app_server):
    start_practice(page, "General coding", "arrays_hashing", timed=True)
    expect(page.locator("#pr-clock .clock-part.low")).to_contain_text(re.compile(r"Question: 00:\d\d left"))
    answer_box(page, "pr").fill("Keep a hash map from each value to its index.")  # a draft, never submitted
    feedback = page.locator("#pr-feedback")
    expect(feedback).to_contain_text("submitted automatically", timeout=30_000)
    expect(feedback.locator("mark").first).to_contain_text("hash map")
    turn = app_server.store.get_transcript(latest_session(app_server).id).turns[0]
    assert turn.auto_submitted and turn.answer == "Keep a hash map from each value to its index."


def test_review_shows_transcript_and_exports(page, app_server, tmp_path):
    engine, store = app_server.engine, app_server.store
    live, q = S.start_practice(engine, store, "ml_breadth", "regularization_l1_l2")
    answer = "L1 drives some weights to exactly zero, giving a sparse model. ``` fence <b>x</b>"
    S.submit(engine, store, live, answer)
    S.finish(store, live)

    page.get_by_role("tab", name="Review").click()
    expect(page.locator("#sessions")).to_contain_text("Practice: ML breadth")
    page.get_by_role("button", name="Open", exact=True).click()  # the newest session is picked
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(q.prompt)
    expect(transcript).to_contain_text("``` fence <b>x</b>")
    expect(transcript.locator("mark").first).to_contain_text("L1 drives some weights to exactly zero")
    expect(transcript.locator("li.pt-covered").first).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("ML breadth")  # the progress plot draws per module

    with page.expect_download() as dl:
        page.get_by_role("button", name="Download Markdown").click()
    md = (tmp_path / "t.md")
    dl.value.save_as(md)
    text = md.read_text()
    assert dl.value.suggested_filename.endswith(".md")
    assert f"````text\n{answer}\n````" in text  # fenced longer than the backticks inside it
    assert "**Score:**" in text and "[x] covered" in text

    with page.expect_download() as dl:
        page.get_by_role("button", name="Download JSON").click()
    doc = json.loads(dl.value.path().read_text())
    assert doc["session"]["id"] == live.session_id
    assert doc["turns"][0]["answer"] == answer
    assert doc["turns"][0]["result"]["verdicts"][0]["status"] == "covered"

    page.get_by_role("combobox", name="Mode").click()
    page.get_by_role("option", name="interview").click()
    expect(page.locator("#sessions")).not_to_contain_text("Practice: ML breadth")


def test_script_payload_stays_inert(page, app_server):
    start_practice(page, "Behavioral")
    answer_box(page, "pr").fill(PAYLOAD)
    page.get_by_role("button", name="Submit answer").click()
    feedback = page.locator("#pr-feedback")
    expect(feedback).to_contain_text(PAYLOAD)
    start_interview(page, ("Behavioral",))
    answer_box(page, "iv").fill(PAYLOAD)
    page.get_by_role("button", name="Submit answer").click()
    chat = page.locator("#iv-chat")
    expect(chat).to_contain_text("The interview is over")
    expect(chat).to_contain_text('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">')
    expect(chat).to_contain_text("**not bold** [link](http://x)")  # Markdown in an answer is text too
    page.get_by_role("tab", name="Review").click()
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.locator("#transcript")).to_contain_text(PAYLOAD)
    for area in ("#pr-feedback", "#iv-chat", "#transcript"):
        assert page.locator(f"{area} img, {area} script, {area} a").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_two_users_are_isolated(browser, app_server):
    (ca, a), (cb, b) = open_page(browser, app_server.url), open_page(browser, app_server.url)
    try:
        start_interview(a, ("ML breadth",))
        start_practice(b, "Behavioral")
        answer_box(a, "iv").fill("alpha-marker: high bias means underfitting")
        a.get_by_role("button", name="Submit answer").click()
        expect(a.locator("#iv-chat")).to_contain_text("The interview is over")
        answer_box(b, "pr").fill("bravo-marker: I proposed an experiment")
        b.get_by_role("button", name="Submit answer").click()
        expect(b.locator("#pr-feedback")).to_contain_text("bravo-marker")
        b.get_by_role("tab", name="Interview").click()
        expect(b.locator("#iv-chat")).not_to_contain_text("alpha-marker")
        expect(b.locator("#iv-clock")).to_contain_text("Not started")
        a.get_by_role("tab", name="Practice").click()
        expect(a.locator("#pr-question")).to_contain_text("Pick a module")
        expect(a.locator("#pr-feedback")).not_to_contain_text("bravo-marker")
    finally:
        ca.close()
        cb.close()


def test_unfinished_interview_resumes_after_reload(page, app_server):
    start_interview(page, ("ML breadth", "Behavioral"))
    answer_box(page, "iv").fill("charlie-marker: high bias means the model underfits")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#iv-chat")).to_contain_text("Question 2 of 2")
    sid = latest_session(app_server).id
    page.reload(wait_until="load")
    expect(page.locator("#banner")).to_contain_text("unfinished session")
    expect(page.locator("#iv-chat")).not_to_contain_text("charlie-marker")  # a fresh tab state...
    page.get_by_role("tab", name="Review").click()
    page.get_by_role("combobox", name="Status").click()
    page.get_by_role("option", name="active").click()
    page.get_by_role("combobox", name="Session").click()
    page.get_by_role("option", name=re.compile(sid[:8])).click()
    page.get_by_role("button", name="Resume").click()
    chat = page.locator("#iv-chat")  # ...but nothing was lost
    expect(chat).to_contain_text("charlie-marker")
    expect(chat).to_contain_text("Question 2 of 2")
    answer_box(page, "iv").fill("I proposed an experiment and listened to my teammate")
    page.get_by_role("button", name="Submit answer").click()
    expect(chat).to_contain_text("The interview is over")
    assert app_server.store.get_session(sid).status == "finished"


def test_unfinished_session_can_be_closed_from_review(page, app_server):
    live, _ = S.start_practice(app_server.engine, app_server.store, "ml_depth")
    page.get_by_role("tab", name="Review").click()
    page.get_by_role("combobox", name="Session").click()
    page.get_by_role("option", name=re.compile(live.session_id[:8])).click()
    page.get_by_role("button", name="Open", exact=True).click()
    page.get_by_role("button", name="Close unfinished").click()
    expect(page.locator("#rv-msg")).to_contain_text("Session closed")
    assert app_server.store.get_session(live.session_id).status == "abandoned"


SOFTMAX = """import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""


def test_ml_coding_editor_runs_hidden_tests_without_ending_the_question(page, app_server):
    start_practice(page, "ML coding", "softmax")
    code = page.locator("#pr-code")
    expect(code).to_contain_text("def softmax(z, axis=-1):")  # the starter code
    code.locator(".cm-content").fill(SOFTMAX)
    page.get_by_role("button", name="Run tests").click()
    tests = page.locator("#pr-tests")
    bwrap = shutil.which("bwrap") is not None
    expect(tests).to_contain_text(re.compile(r"(\d+)/\1 tests passed") if bwrap else "bubblewrap")
    if bwrap:
        expect(tests.locator("td.t-passed").first).to_have_text("passed")
    expect(page.get_by_role("button", name="Submit answer")).to_be_enabled()  # running did not end the question
    answer_box(page, "pr").fill("Subtract the maximum of each row before taking the exponential to avoid overflow.")
    page.get_by_role("button", name="Submit answer").click()
    feedback = page.locator("#pr-feedback")
    expect(feedback).to_contain_text("Score:")
    turn = app_server.store.get_transcript(latest_session(app_server).id).turns[0]
    assert turn.code.strip() == SOFTMAX.strip()
    if bwrap:
        expect(feedback).to_contain_text("combines the hidden tests (60%)")
        assert turn.test_report["passed"] == turn.test_report["total"] > 0
    else:
        assert "error" in turn.test_report


def test_ml_coding_without_hidden_tests_says_so(page):
    start_practice(page, "ML coding", "kmeans")
    expect(page.locator("#pr-code")).to_contain_text("def kmeans(X, k, n_iter=100, seed=0):")
    page.get_by_role("button", name="Run tests").click()
    expect(page.locator("#pr-tests")).to_contain_text("Tests not run")
    expect(page.locator("#pr-tests")).to_contain_text("no hidden tests")


def test_no_axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()

    def scan():  # axe judges the settled page: finish CSS transitions (button colours) first
        page.add_style_tag(content="*, *::before, *::after {transition: none !important; animation: none !important}")
        return axe.run(page)

    start_interview(page, ("ML breadth",))
    expect(page.get_by_role("button", name="Submit answer")).to_be_enabled()
    results = {"interview": scan()}
    start_practice(page, "ML breadth")
    answer_box(page, "pr").fill("High bias means the model underfits the training data.")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#pr-feedback")).to_contain_text("Score:")
    expect(page.get_by_role("button", name="Retry this question")).to_be_enabled()
    results["practice"] = scan()
    page.get_by_role("tab", name="Review").click()
    expect(page.locator("#transcript")).to_contain_text("Q1.")
    expect(page.locator("#progress svg").first).to_be_visible()
    results["review"] = scan()
    failures = {tab: [(v["id"], [(n["target"], n["failureSummary"]) for n in v["nodes"]])
                      for v in r.response["violations"]] for tab, r in results.items() if r.violations_count}
    assert not failures, json.dumps(failures, indent=1)


def test_the_page_makes_no_request_off_the_machine(browser, app_server):
    ctx, page = open_page(browser, app_server.url)
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    try:
        page.reload(wait_until="load")
        start_practice(page, "ML breadth")
        page.get_by_role("tab", name="Review").click()
        expect(page.locator("#progress")).to_be_visible()
    finally:
        ctx.close()
    host = app_server.url.rstrip("/")
    assert seen and all(u.startswith((host, "data:", "blob:")) for u in seen), [u for u in seen if not u.startswith(host)]


def _run_app(*args, env=None):
    return subprocess.Popen([sys.executable, "app.py", *args], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_app_refuses_to_start_with_a_broken_bank(tmp_path):
    (tmp_path / "bad.yaml").write_text("module: ml_breadth\nquestions:\n  - id: x\n")
    proc = _run_app("--bank", str(tmp_path))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "cannot start, the question bank has" in err and "bad.yaml" in err and "Traceback" not in err


def test_python_app_py_serves_on_the_configured_local_port(tmp_path):
    port = free_port()
    data = tmp_path / "data"
    data.mkdir()
    (data / "index").symlink_to(INDEX_CACHE, target_is_directory=True)  # reuse the test bank's index
    proc = _run_app("--bank", str(TEST_BANK), env={"INTERVIEWER_PORT": str(port), "INTERVIEWER_DATA_DIR": str(data)})
    try:
        deadline = time.time() + 180
        while True:
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    assert r.status == 200 and "Interviewer" in r.read().decode()
                    break
            except OSError:
                assert time.time() < deadline, "app.py did not start serving within 180 s"
                time.sleep(1)
        assert (data / "interviewer.sqlite3").exists()  # the database lives in the data folder
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def test_scoring_has_its_own_concurrency_limit_and_ticks_wait_for_nothing(app_server):
    fns = list(app_server.demo.fns.values())
    scoring = [f for f in fns if f.name in ("iv_submit", "iv_auto", "iv_end", "pr_submit", "pr_auto")]
    assert len(scoring) == 7 and all((f.concurrency_id, f.concurrency_limit) == ("score", 2) for f in scoring)
    ticks = [f for f in fns if any(t[1] == "tick" for t in f.targets)]
    assert len(ticks) == 2 and all(f.concurrency_limit is None for f in ticks)
    runs = [f for f in fns if f.name == "run_tests"]
    assert len(runs) == 2 and all(f.concurrency_id == "coderun" for f in runs)
