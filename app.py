"""The browser app: a Gradio Blocks page with three tabs over the engine.

  Interview  a timed mock interview over a loop of modules, with a countdown per question and for
             the whole interview, auto-submit at zero and a scorecard at the end.
  Practice   one module (optionally a topic and difficulty), untimed or timed: immediate feedback
             with highlighted evidence, the model answer on request, a follow-up, retries.
  Review     past sessions (filterable), their transcripts, Markdown/JSON exports, a progress plot,
             and resuming or closing an unfinished session.

This file is only the UI: interview logic lives in interviewer/session.py, storage in store.py,
rendering in report.py, scoring in the engine. Each tab's running session is a `Live` record in a
per-tab gr.State, so two people never share state; every answer is in SQLite before its feedback
is shown. Run `python app.py` (or `interviewer app`); --host/--port or INTERVIEWER_HOST/PORT move it.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from interviewer import config  # first: offline and no-telemetry switches before gradio loads

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from interviewer import report  # noqa: E402
from interviewer import session as S  # noqa: E402
from interviewer.bank import BankError  # noqa: E402
from interviewer.engine import Engine, load_engine  # noqa: E402
from interviewer.models import ModelLoadError  # noqa: E402
from interviewer.records import MODULE_TITLES, MODULES, Question  # noqa: E402
from interviewer.scoring import AnswerError  # noqa: E402
from interviewer.store import Store  # noqa: E402

SCORE_LIMIT = 2  # scoring runs at most 2 at a time; ticks and page events never wait behind it
CSS = """
.clock {display:flex; gap:.6rem; flex-wrap:wrap; font-size:1.1rem; font-variant-numeric:tabular-nums}
.clock-part {padding:.3rem .7rem; border-radius:6px; background:#e5e7eb; color:#111827}
.clock-part.low {background:#b91c1c; color:#ffffff; font-weight:700}
mark.ev-covered {background:#fde68a; color:#111827}
mark.ev-partial {background:#dbeafe; color:#111827}
sup.ev-num {font-size:.7em; color:#374151}
.feedback .answer {white-space:pre-wrap; padding:.5rem .7rem; border:1px solid #9ca3af; border-radius:6px}
.feedback blockquote {margin:.2rem 0 .5rem 1rem; padding-left:.6rem; border-left:3px solid #6b7280}
.badge {display:inline-block; min-width:4.8em; font-weight:700; padding:0 .35em; border-radius:4px; margin-right:.35em}
.b-covered {background:#dcfce7; color:#14532d} .b-partial {background:#fef9c3; color:#713f12}
.b-missed {background:#fee2e2; color:#7f1d1d}
.earned {font-size:.85em; color:#374151}
table.tests th, table.tests td {padding:.15rem .6rem; text-align:left; border-bottom:1px solid #d1d5db}
.t-passed {color:#166534; font-weight:700} .t-failed, .t-error, .t-timeout {color:#991b1b; font-weight:700}
.transcript h3 {margin-top:1.2rem}
"""
THEME = gr.themes.Default(primary_hue="blue").set(  # darker than the defaults for 4.5:1 contrast (axe)
    button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
    block_info_text_color="*neutral_600")
# Vega (behind gr.LinePlot) leaves its empty hover-highlight layer as an unlabelled
# role="graphics-symbol" group, which a screen reader meets as an unnamed image (axe: svg-img-alt).
# The group holds nothing, so it is marked presentational whenever the plot redraws.
JS = """() => {
  const fix = () => document.querySelectorAll('g[role="graphics-symbol"]').forEach((g) => {
    if (!g.childElementCount && !g.getAttribute('aria-label')) g.setAttribute('role', 'presentation');
  });
  new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
  fix();
}"""
LAUNCH_KWARGS = dict(theme=THEME, css=CSS, js=JS, footer_links=[], run_history=False)
ANY = "Any"
SCORING_FAILED = "**Your answer is saved, but it could not be scored**, so no score is shown for it"


def clock_html(live: S.Live | None) -> str:
    """The countdown; a part turns red under 30 s. role=timer keeps screen readers quiet."""
    if live is None:
        parts = ['<span class="clock-part">Not started</span>']
    elif live.finished:
        parts = ['<span class="clock-part">Finished</span>']
    else:
        q_left, total = S.time_left(live)
        parts = []
        if q_left is not None:
            parts.append(("Question", q_left))
        if total is not None:
            parts.append(("Interview", total))
        parts = [f'<span class="clock-part{" low" if left < 30 else ""}">{name}: {report.clock(left)} left</span>'
                 for name, left in parts] or ['<span class="clock-part">Untimed</span>']
    return f'<div class="clock" role="timer" aria-label="Time left">{"".join(parts)}</div>'


def _choices(engine: Engine) -> list[tuple[str, str]]:
    return [(MODULE_TITLES[m], m) for m in MODULES if engine.bank.by_module(m)]


def answer_area(ns, prefix: str, lines: int) -> None:
    """The ML-coding editor (hidden until a coding question) and the answer box, shared by both tabs."""
    with gr.Column(visible=False) as ns.code_box:
        ns.code = gr.Code(language="python", label="Your code", elem_id=f"{prefix}-code", lines=12)
        ns.run = gr.Button("Run tests")
        ns.tests = gr.HTML(elem_id=f"{prefix}-tests")
    ns.answer = gr.Textbox(label="Your answer", lines=lines, elem_id=f"{prefix}-answer", interactive=False,
                           max_length=config.MAX_ANSWER_CHARS, info="Shift+Enter submits.")


def build_app(engine: Engine, db_path: str | Path | None = None, *, export_dir: str | Path | None = None,
              seed: int | None = None) -> gr.Blocks:
    """The whole UI over one engine and one SQLite file; `seed` fixes question picking (tests)."""
    store = Store(db_path)
    claims = S.Claims()
    locks: dict[str, threading.Lock] = {}  # session id -> lock: one submit at a time per session
    rng = random.Random(seed)
    exports = Path(export_dir or tempfile.mkdtemp(prefix="interviewer-exports-"))
    modules = _choices(engine)
    iv, pr, rv = SimpleNamespace(), SimpleNamespace(), SimpleNamespace()

    def topics_of(module: str | None) -> list[str]:
        return [ANY, *sorted({q.topic for q in engine.bank.by_module(module)})] if module else [ANY]

    def lock(session_id: str) -> threading.Lock:
        return locks.setdefault(session_id, threading.Lock())  # setdefault is atomic: never two locks

    def current(live: S.Live | None) -> Question | None:
        return engine.bank.get(live.question_id) if live and live.question_id else None

    # ------------------------------------------------------------------ interview views
    def iv_view(live: S.Live, status: str = "") -> dict:
        q = current(live) if live.pending else None
        coding = q is not None and q.coding is not None
        out = {iv.live: live, iv.chat: report.interview_chat(store.get_transcript(live.session_id)),
               iv.clock: clock_html(live), iv.answer: gr.update(value="", interactive=live.pending),
               iv.submit: gr.update(interactive=live.pending), iv.end: gr.update(interactive=not live.finished),
               iv.start: gr.update(interactive=live.finished),  # End the running interview before a new one
               iv.code_box: gr.update(visible=coding), iv.shown: live.turn_id if live.pending else -1,
               iv.timer: gr.Timer(active=live.pending and live.timed), iv.status: status,
               iv.card_box: gr.update(visible=live.finished)}
        if coding:
            out |= {iv.code: q.coding.starter_code, iv.tests: ""}
        if live.finished:
            tr = store.get_transcript(live.session_id)
            card = S.scorecard(tr)
            out |= {iv.card_md: f"## Scorecard\n\nOverall score: **{'n/a' if card.overall is None else card.overall}**"
                                f" / 100 over {len(tr.final_turns())} answered questions.",
                    iv.card_modules: report.module_rows(card), iv.card_points: report.point_rows(card)}
        return out

    def iv_start(loop_name, custom, per_module, allow_recent, old, request: gr.Request):
        try:
            loop = S.custom_loop(custom or [], per_module) if loop_name == S.CUSTOM else S.LOOPS[loop_name]
            live, _ = S.start_interview(engine, store, loop, allow_recent=bool(allow_recent), rng=rng)
        except S.PlanError as e:
            return {iv.status: f"**Cannot start:** {e}"}
        if old is not None and not old.finished:  # starting afresh closes the one this tab was running
            S.finish(store, old, status="abandoned")
        claims.claim(live.session_id, request.session_hash)
        return iv_view(live)

    def iv_answer(live, answer, code, shown, auto):
        if live is None or live.finished:
            return {iv.status: "Start an interview first."}
        with lock(live.session_id):
            if not live.pending or shown != live.turn_id:
                return {}  # this question was already submitted (the clock and a click raced)
            try:
                outcome = S.submit(engine, store, live, answer, code=code, auto=auto)
            except AnswerError as e:
                return {iv.status: f"**Not submitted:** {e}"}
            except Exception as e:  # noqa: BLE001 - the answer is saved; never show a made-up score
                if live.pending:
                    raise
                traceback.print_exc()
                S.advance(engine, store, live)
                return iv_view(live, f"{SCORING_FAILED} ({type(e).__name__}: {e})")
            if outcome.saved:
                S.advance(engine, store, live)
            return iv_view(live, "Time ran out: your answer was submitted automatically." if auto else "")

    def iv_submit(answer, code, shown, live):
        return iv_answer(live, answer, code, shown, auto=False)

    def iv_auto(sig, answer, code, live):
        return iv_answer(live, answer, code, sig, auto=True) if live is not None and sig == live.turn_id else {}

    def iv_end(answer, code, shown, live):
        if live is None or live.finished:
            return {}
        with lock(live.session_id):
            if live.pending and shown == live.turn_id and (answer or "").strip():
                try:
                    S.submit(engine, store, live, answer, code=code)
                except AnswerError as e:
                    return {iv.status: f"**Not submitted:** {e}"}
                except Exception:  # noqa: BLE001 - saved but unscored: still end the interview
                    if live.pending:
                        raise
                    traceback.print_exc()
            S.finish(store, live)
            return iv_view(live, "Interview ended.")

    def tick(live, ns):
        out = {ns.clock: clock_html(live)}
        if live is not None and S.expired(live):
            out[ns.sig] = live.turn_id  # a change of this State starts the auto-submit (in the score group)
        return out

    # ------------------------------------------------------------------ practice views
    def pr_view(live: S.Live, status: str = "", feedback: str | None = None) -> dict:
        q = current(live)
        answered = live.turn_id is not None and store.get_turn(live.turn_id).answered
        if live.finished:
            question = "## Practice finished\n\nStart another round above, or read this one in the Review tab."
        else:
            budget = f" · time budget {report.clock(q.time_budget_s)}" if live.timed else ""
            question = (f"## {MODULE_TITLES[q.module]}\n\n*{report.md_text(q.topic)} · difficulty {q.difficulty}{budget}"
                        f"{f' · attempt {live.attempt}' if live.attempt > 1 else ''}*\n\n{q.prompt}")
        coding = q is not None and q.coding is not None and not live.finished
        out = {pr.live: live, pr.question: question, pr.clock: clock_html(live) if live.timed else "",
               pr.answer: gr.update(interactive=live.pending), pr.submit: gr.update(interactive=live.pending),
               pr.retry: gr.update(interactive=answered and not live.finished and not live.pending),
               pr.next: gr.update(interactive=not live.finished), pr.end: gr.update(interactive=not live.finished),
               pr.show_model: gr.update(interactive=answered), pr.code_box: gr.update(visible=coding),
               pr.shown: live.turn_id if live.pending else -1, pr.timer: gr.Timer(active=live.pending and live.timed),
               pr.status: status}
        if feedback is not None:
            out[pr.feedback] = feedback
        return out

    def pr_new_question(live: S.Live, status: str = "") -> dict:
        out = pr_view(live, status, feedback="")
        out |= {pr.answer: gr.update(value="", interactive=live.pending), pr.model: gr.update(visible=False, value="")}
        q = current(live)
        if q is not None and q.coding is not None:
            out |= {pr.code: q.coding.starter_code, pr.tests: ""}
        return out

    def pr_start(module, topic, difficulty, timed, old, request: gr.Request):
        try:
            live, _ = S.start_practice(engine, store, module, None if topic in (None, ANY) else topic,
                                       None if difficulty in (None, ANY) else int(difficulty), timed=bool(timed), rng=rng)
        except S.PlanError as e:
            return {pr.status: f"**Cannot start:** {e}"}
        if old is not None and not old.finished:
            S.finish(store, old)
        claims.claim(live.session_id, request.session_hash)
        return pr_new_question(live)

    def pr_answer(live, answer, code, shown, auto):
        if live is None or live.finished:
            return {pr.status: "Start a practice round first."}
        with lock(live.session_id):
            if not live.pending or shown != live.turn_id:
                return {}
            previous = None
            if live.attempt > 1:
                turns = store.get_transcript(live.session_id).turns
                previous = next((t for t in reversed(turns) if t.idx == live.idx and t.attempt < live.attempt
                                 and t.answered), None)
            try:
                outcome = S.submit(engine, store, live, answer, code=code, auto=auto)
            except AnswerError as e:
                return {pr.status: f"**Not submitted:** {e}"}
            except Exception as e:  # noqa: BLE001 - the answer is saved; never show a made-up score
                if live.pending:
                    raise
                traceback.print_exc()
                return pr_view(live, f"{SCORING_FAILED} ({type(e).__name__}: {e})", feedback="")
            if not outcome.saved:
                return {}
            result = outcome.result.to_dict() if outcome.result else store.get_turn(outcome.turn_id).result
            changes = S.coverage_change(previous.result, outcome.result) if previous and outcome.result else None
            html = report.feedback_html(outcome.answer, outcome.score, result, test_report=outcome.test_report,
                                        follow_up=outcome.follow_up, auto_submitted=auto, changes=changes,
                                        previous_score=previous.score if previous else None)
            return pr_view(live, "Time ran out: your answer was submitted automatically." if auto else "", html)

    def pr_submit(answer, code, shown, live):
        return pr_answer(live, answer, code, shown, auto=False)

    def pr_auto(sig, answer, code, live):
        return pr_answer(live, answer, code, sig, auto=True) if live is not None and sig == live.turn_id else {}

    def pr_model_answer(live):
        q = current(live)
        if q is None or live.turn_id is None or not store.get_turn(live.turn_id).answered:
            return {}
        return {pr.model: gr.update(visible=True, value=f"### Model answer\n\n{q.model_answer}")}

    def pr_retry(live):
        if live is None or live.finished or live.pending:
            return {}
        S.retry(engine, store, live)
        return pr_view(live, f"Attempt {live.attempt}: improve your answer and submit it again; "
                             "the feedback will show what changed.")

    def pr_next(live):
        if live is None or live.finished:
            return {}
        with lock(live.session_id):
            q = S.next_practice(engine, store, live, rng)
        return pr_new_question(live, "" if q else "You have practised every question that matches these filters.")

    def pr_end(live):
        if live is None or live.finished:
            return {}
        S.finish(store, live)
        return pr_view(live, "Practice ended. It is saved in the Review tab.")

    def run_tests(code, live):
        q = current(live)
        if q is None or q.coding is None:
            return "<p>This question has no code to run.</p>"
        rep, note = S.run_code(q.id, code or "")
        return report.tests_html(rep, note)

    # ------------------------------------------------------------------ review
    def rv_refresh(kind, module, status):
        rows = store.list_sessions(None if kind == ANY else kind, None if module == ANY else module,
                                   None if status == ANY else status)
        series = store.progress_series()
        plot = pd.DataFrame({"date": pd.to_datetime([datetime.fromtimestamp(t) for t, _, _ in series]),
                             "module": [MODULE_TITLES.get(m, m) for _, m, _ in series],
                             "score": [s for _, _, s in series]}) if series else None
        table = pd.DataFrame([report.session_row(s) for s in rows], columns=report.SESSION_HEADERS)
        picks = [(f"{report.when(s.started_at)} · {s.kind} · {s.loop} · {s.status} · {s.id[:8]}", s.id) for s in rows]
        return {rv.table: table, rv.ids: [s.id for s in rows], rv.plot: plot,
                rv.pick: gr.update(choices=picks, value=picks[0][1] if picks else None)}

    def rv_select(ids, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return ids[row] if ids and 0 <= row < len(ids) else gr.skip()

    def rv_open(sid):
        if not sid:
            return {rv.msg: "Pick a session first."}
        try:
            tr = store.get_transcript(sid)
        except KeyError:
            return {rv.msg: "That session no longer exists."}
        stem = f"{tr.session.kind}-{report.when(tr.session.started_at).replace(' ', '-').replace(':', '')}-{sid[:8]}"
        folder = exports / sid
        folder.mkdir(parents=True, exist_ok=True)
        md, js = folder / f"{stem}.md", folder / f"{stem}.json"
        md.write_text(report.to_markdown(tr), encoding="utf-8")
        js.write_text(report.to_json(tr), encoding="utf-8")
        active = tr.session.status == "active"
        return {rv.transcript: report.transcript_html(tr), rv.msg: "",
                rv.dl_md: gr.update(value=str(md), interactive=True), rv.dl_json: gr.update(value=str(js), interactive=True),
                rv.resume: gr.update(interactive=active), rv.close: gr.update(interactive=active)}

    def rv_resume(sid, request: gr.Request):
        if not sid:
            return {rv.msg: "Pick a session first."}
        if not claims.claim(sid, request.session_hash):
            return {rv.msg: "That session is open in another browser tab; finish or close it there."}
        try:
            live, _ = S.resume(engine, store, sid)
        except (S.PlanError, KeyError) as e:
            return {rv.msg: f"**Cannot resume:** {e}"}
        if live.kind == "interview":
            return iv_view(live, "Interview resumed.") | {tabs: gr.Tabs(selected="interview"), rv.msg: ""}
        feedback = ""
        if not live.pending and live.turn_id is not None:
            t = store.get_turn(live.turn_id)
            feedback = report.feedback_html(t.answer or "", t.score, t.result, test_report=t.test_report)
        out = pr_view(live, "Practice resumed.", feedback)
        q = current(live)
        if q is not None and q.coding is not None:
            out |= {pr.code: q.coding.starter_code, pr.tests: ""}
        return out | {tabs: gr.Tabs(selected="practice"), rv.msg: ""}

    def rv_close(sid, kind, module, status, iv_live, pr_live, request: gr.Request):
        if not sid:
            return {rv.msg: "Pick a session first."}
        if not claims.claim(sid, request.session_hash):
            return {rv.msg: "That session is open in another browser tab; finish or close it there."}
        closed = store.close_session(sid)
        out = rv_refresh(kind, module, status) | rv_open(sid)
        for live, view in ((iv_live, iv_view), (pr_live, pr_view)):
            if live is not None and live.session_id == sid:  # this tab was running it: stop there too
                live.pending, live.finished = False, True
                out |= view(live)
        return out | {rv.msg: "Session closed." if closed else "That session was not active."}

    def release(request: gr.Request):
        claims.release_tab(request.session_hash)  # a closed or reloaded tab no longer drives its session

    def on_load():
        active = store.list_sessions(status="active")
        if not active:
            return ""
        return (f"You have {len(active)} unfinished session{'s' if len(active) > 1 else ''}. "
                "Open the **Review** tab to resume or close it.")

    # ------------------------------------------------------------------ layout
    with gr.Blocks(title="Interviewer: mock ML interviews") as demo:
        gr.Markdown("# Interviewer\nMock interviews and practice for ML engineering roles, scored locally.")
        banner = gr.Markdown(elem_id="banner")
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab("Interview", id="interview"):
                with gr.Row():
                    iv.loop = gr.Dropdown([*S.LOOPS, S.CUSTOM], value=next(iter(S.LOOPS)), label="Interview loop",
                                          info="Each question uses its own time budget.")
                    iv.allow_recent = gr.Checkbox(label="Allow questions from recent interviews")
                with gr.Row(visible=False) as iv.custom_box:
                    iv.custom = gr.CheckboxGroup(modules, label="Modules for a custom interview")
                    iv.per_module = gr.Slider(1, 3, value=1, step=1, label="Questions per module")
                iv.loop_info = gr.Markdown(S.LOOPS[next(iter(S.LOOPS))].description)
                iv.start = gr.Button("Start interview", variant="primary")
                iv.status = gr.Markdown(elem_id="iv-status")
                iv.clock = gr.HTML(clock_html(None), elem_id="iv-clock")
                iv.chat = gr.Chatbot(label="Interview", elem_id="iv-chat", height=380, buttons=["copy_all"],
                                     latex_delimiters=[], feedback_options=None, allow_tags=False)
                answer_area(iv, "iv", lines=4)
                with gr.Row():
                    iv.submit = gr.Button("Submit answer", variant="primary", interactive=False)
                    iv.end = gr.Button("End interview", interactive=False)
                with gr.Column(visible=False) as iv.card_box:
                    iv.card_md = gr.Markdown()
                    iv.card_modules = gr.Dataframe(headers=report.MODULE_HEADERS, interactive=False,
                                                   label="Per module", elem_id="iv-card-modules")
                    iv.card_points = gr.Dataframe(headers=report.POINT_HEADERS, interactive=False, wrap=True,
                                                  label="Per rubric point", elem_id="iv-card-points",
                                                  column_widths=["15%", "20%", "47%", "8%", "10%"])
                iv.live, iv.sig = gr.State(None), gr.State(None)
                iv.shown = gr.Number(-1, visible=False)
                iv.timer = gr.Timer(1.0, active=False)

            with gr.Tab("Practice", id="practice"):
                with gr.Row():
                    pr.module = gr.Dropdown(modules, value=modules[0][1] if modules else None, label="Module")
                    pr.topic = gr.Dropdown(topics_of(modules[0][1] if modules else None), value=ANY, label="Topic")
                    pr.difficulty = gr.Dropdown([ANY, "1", "2", "3"], value=ANY, label="Difficulty")
                    pr.timed = gr.Checkbox(label="Timed (each question's time budget)")
                pr.start = gr.Button("Start practice", variant="primary")
                pr.status = gr.Markdown(elem_id="pr-status")
                pr.clock = gr.HTML(elem_id="pr-clock")
                pr.question = gr.Markdown("Pick a module and press **Start practice**.", elem_id="pr-question",
                                          latex_delimiters=[])
                answer_area(pr, "pr", lines=5)
                with gr.Row():
                    pr.submit = gr.Button("Submit answer", variant="primary", interactive=False)
                    pr.show_model = gr.Button("Show model answer", interactive=False)
                    pr.retry = gr.Button("Retry this question", interactive=False)
                    pr.next = gr.Button("Next question", interactive=False)
                    pr.end = gr.Button("End practice", interactive=False)
                pr.feedback = gr.HTML(elem_id="pr-feedback")
                pr.model = gr.Markdown(visible=False, elem_id="pr-model", latex_delimiters=[])
                pr.live, pr.sig = gr.State(None), gr.State(None)
                pr.shown = gr.Number(-1, visible=False)
                pr.timer = gr.Timer(1.0, active=False)

            with gr.Tab("Review", id="review") as review_tab:
                with gr.Row():
                    rv.kind = gr.Dropdown([ANY, "interview", "practice"], value=ANY, label="Mode")
                    rv.module = gr.Dropdown([(ANY, ANY), *modules], value=ANY, label="Module filter")
                    rv.status_filter = gr.Dropdown([ANY, "active", "finished", "abandoned"], value=ANY, label="Status")
                    rv.refresh = gr.Button("Refresh")
                rv.table = gr.Dataframe(headers=report.SESSION_HEADERS, interactive=False, elem_id="sessions", wrap=True,
                                        label="Past sessions (select a row to pick it)", max_height=320,
                                        column_widths=["13%", "11%", "16%", "23%", "9%", "7%", "11%", "10%"])
                with gr.Row(equal_height=True):
                    rv.pick = gr.Dropdown([], label="Session", elem_id="rv-pick", scale=3)
                    rv.open = gr.Button("Open", variant="primary", scale=1)
                with gr.Row():
                    rv.resume = gr.Button("Resume", interactive=False)
                    rv.close = gr.Button("Close unfinished", interactive=False)
                    rv.dl_md = gr.DownloadButton("Download Markdown", interactive=False, elem_id="dl-md")
                    rv.dl_json = gr.DownloadButton("Download JSON", interactive=False, elem_id="dl-json")
                rv.msg = gr.Markdown(elem_id="rv-msg")
                rv.transcript = gr.HTML(elem_id="transcript")
                rv.plot = gr.LinePlot(None, x="date", y="score", color="module", y_lim=[0, 100], label="Progress",
                                      title="Scores per module over time", x_title="Session date",
                                      y_title="Score (0-100)", x_axis_format="%b %d %H:%M", elem_id="progress",
                                      caption="One line per module; a line appears once a module has two sessions.")
                rv.ids = gr.State([])

        # ---------------------------------------------------------------- events
        private = dict(api_visibility="private")
        scoring = dict(concurrency_id="score", concurrency_limit=SCORE_LIMIT, **private)
        iv_all = [v for k, v in vars(iv).items() if k not in ("loop", "allow_recent", "custom", "per_module",
                                                              "loop_info", "custom_box", "run")]
        iv.loop.change(lambda name: (gr.update(visible=name == S.CUSTOM),
                                     S.LOOPS[name].description if name in S.LOOPS else "Pick modules and a length."),
                       iv.loop, [iv.custom_box, iv.loop_info], **private)
        iv.start.click(iv_start, [iv.loop, iv.custom, iv.per_module, iv.allow_recent, iv.live], iv_all, **private)
        for trigger in (iv.submit.click, iv.answer.submit):
            trigger(iv_submit, [iv.answer, iv.code, iv.shown, iv.live], iv_all, **scoring)
        iv.sig.change(iv_auto, [iv.sig, iv.answer, iv.code, iv.live], iv_all, **scoring)
        iv.end.click(iv_end, [iv.answer, iv.code, iv.shown, iv.live], iv_all, **scoring)
        iv.timer.tick(lambda live: tick(live, iv), iv.live, [iv.clock, iv.sig], concurrency_limit=None,
                      show_progress="hidden", **private)

        pr_all = [v for k, v in vars(pr).items() if k not in ("module", "topic", "difficulty", "timed", "start", "run")]
        pr.module.change(lambda m: gr.update(choices=topics_of(m), value=ANY), pr.module, pr.topic, **private)
        pr.start.click(pr_start, [pr.module, pr.topic, pr.difficulty, pr.timed, pr.live], pr_all, **private)
        for trigger in (pr.submit.click, pr.answer.submit):
            trigger(pr_submit, [pr.answer, pr.code, pr.shown, pr.live], pr_all, **scoring)
        pr.sig.change(pr_auto, [pr.sig, pr.answer, pr.code, pr.live], pr_all, **scoring)
        pr.show_model.click(pr_model_answer, pr.live, pr.model, **private)
        pr.retry.click(pr_retry, pr.live, pr_all, **private)
        pr.next.click(pr_next, pr.live, pr_all, **private)
        pr.end.click(pr_end, pr.live, pr_all, **private)
        pr.timer.tick(lambda live: tick(live, pr), pr.live, [pr.clock, pr.sig], concurrency_limit=None,
                      show_progress="hidden", **private)

        for ns in (iv, pr):
            ns.run.click(run_tests, [ns.code, ns.live], ns.tests, concurrency_id="coderun",
                         concurrency_limit=SCORE_LIMIT, **private)

        filters = [rv.kind, rv.module, rv.status_filter]
        rv_list = [rv.table, rv.ids, rv.plot, rv.pick]
        rv_detail = [rv.transcript, rv.msg, rv.dl_md, rv.dl_json, rv.resume, rv.close]
        for trigger in (review_tab.select, rv.refresh.click, *(f.change for f in filters)):
            trigger(rv_refresh, filters, rv_list, **private)
        rv.table.select(rv_select, rv.ids, rv.pick, **private)
        for trigger in (rv.open.click, rv.pick.change):
            trigger(rv_open, rv.pick, rv_detail, **private)
        rv.resume.click(rv_resume, rv.pick, [*iv_all, *pr_all, tabs, rv.msg], **private)
        rv.close.click(rv_close, [rv.pick, *filters, iv.live, pr.live], [*rv_list, *rv_detail, *iv_all, *pr_all],
                       **private)
        demo.load(on_load, None, banner, **private)
        demo.unload(release)
    demo.queue(default_concurrency_limit=8)
    return demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description="Start the interviewer web app.")
    parser.add_argument("--host", default=config.host(), help="interface to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=config.port(), help="port (default %(default)s)")
    parser.add_argument("--bank", action="append", default=None,
                        help="question bank file or folder to use instead of the shipped one (repeatable)")
    args = parser.parse_args(argv)
    print("Loading the question bank and the scoring model...", file=sys.stderr)
    try:
        engine = load_engine([Path(p) for p in args.bank] if args.bank else None)
        demo = build_app(engine, config.db_path())
    except BankError as e:
        print(f"app.py: cannot start, the question bank has {len(e.issues)} problem(s):", file=sys.stderr)
        for issue in e.issues:
            print(f"  {issue}", file=sys.stderr)
        return 2
    except ModelLoadError as e:
        print(f"app.py: cannot start: {e}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as e:  # e.g. the data folder is not writable
        print(f"app.py: cannot start: {e}", file=sys.stderr)
        return 2
    demo.launch(server_name=args.host, server_port=args.port, share=False, **LAUNCH_KWARGS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
