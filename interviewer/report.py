"""Turn stored sessions into things a person reads: Markdown and JSON exports, scorecard tables,
and the HTML of one answer's feedback (the answer with its evidence highlighted, every rubric
point's verdict, test results, the follow-up).

Candidate text is never trusted as markup. In HTML it is escaped (evidence is highlighted by
offsets into the escaped answer); in chat Markdown it is escaped for HTML and Markdown; in the
Markdown export it sits in a fence longer than any backtick run inside it. Nothing here scores or
writes to the database.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime

from .records import MODULE_TITLES
from .session import Scorecard, scorecard
from .store import SessionRow, Transcript, Turn

STATUS_LABEL = {"covered": "Covered", "partial": "Partial", "missed": "Missed"}
STATUS_MARK = {"covered": "[x]", "partial": "[~]", "missed": "[ ]"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>])")


# ------------------------------------------------------------------ small formatters

def when(ts: float | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def clock(seconds: float) -> str:
    m, s = divmod(max(0, int(seconds + 0.999)), 60)  # round up: 0:00 only when time is really up
    return f"{m:02d}:{s:02d}"


def title(module: str) -> str:
    return MODULE_TITLES.get(module, module)


def md_text(text: str) -> str:
    """Candidate (or any) text for a Markdown renderer: HTML-escaped, Markdown punctuation
    backslash-escaped, and ':' / '@' written as entities so no URL or e-mail is auto-linked."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace(":", "&#58;").replace("@", "&#64;")


def fence(text: str, lang: str = "text") -> str:
    """A fenced block that no backtick run inside `text` can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    f = "`" * max(3, longest + 1)
    return f"{f}{lang}\n{text}\n{f}"


def inline_code(text: str) -> str:
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    f = "`" * (longest + 1)
    return f"{f} {text} {f}"


# ------------------------------------------------------------------ scorecard tables

MODULE_HEADERS = ["Module", "Asked", "Answered", "Mean score", "Covered", "Partial", "Missed"]
POINT_HEADERS = ["Module", "Question", "Rubric point", "Weight", "Verdict"]


def module_rows(card: Scorecard) -> list[list]:
    return [[title(m.module), m.asked, m.answered, "" if m.mean_score is None else m.mean_score,
             m.covered, m.partial, m.missed] for m in card.modules]


def point_rows(card: Scorecard) -> list[list]:
    return [[title(p.module), p.question_id, p.point_text, p.weight, STATUS_LABEL[p.status]] for p in card.points]


def session_row(s: SessionRow) -> list:
    """One row of the Review list."""
    return [when(s.started_at), s.kind, s.loop, ", ".join(title(m) for m in s.modules), f"{s.answered}/{s.questions}",
            "" if s.score is None else s.score, duration(s.duration_s), s.status]


SESSION_HEADERS = ["Date", "Mode", "Loop", "Modules", "Answered", "Score", "Duration", "Status"]


# ------------------------------------------------------------------ exports

def to_json(tr: Transcript) -> str:
    s = tr.session
    card = scorecard(tr)
    doc = {
        "session": {"id": s.id, "kind": s.kind, "loop": s.loop, "modules": s.modules, "status": s.status,
                    "started_at": datetime.fromtimestamp(s.started_at).astimezone().isoformat(),
                    "ended_at": None if s.ended_at is None else datetime.fromtimestamp(s.ended_at).astimezone().isoformat(),
                    "duration_s": s.duration_s, "score": card.overall},
        "scorecard": {"modules": [vars(m) for m in card.modules], "points": [vars(p) for p in card.points]},
        "turns": [{"index": t.idx + 1, "attempt": t.attempt, "question_id": t.question_id, "module": t.module,
                   "prompt": t.prompt, "answer": t.answer, "score": t.score, "auto_submitted": t.auto_submitted,
                   "asked_at": t.asked_at, "answered_at": t.answered_at, "code": t.code,
                   "test_report": t.test_report, "result": t.result} for t in tr.turns],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def to_markdown(tr: Transcript) -> str:
    s = tr.session
    card = scorecard(tr)
    out = [f"# {'Mock interview' if s.kind == 'interview' else 'Practice'}: {md_text(s.loop)}", "",
           f"- Date: {when(s.started_at)}", f"- Modules: {', '.join(title(m) for m in s.modules)}",
           f"- Status: {s.status}", f"- Duration: {duration(s.duration_s) or 'unfinished'}",
           f"- Score: {'n/a' if card.overall is None else f'{card.overall}/100'}", "", "## Scorecard", "",
           "| " + " | ".join(MODULE_HEADERS) + " |", "|" + "---|" * len(MODULE_HEADERS)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in module_rows(card)]
    for t in tr.turns:
        out += ["", *_turn_markdown(t)]
    return "\n".join(out) + "\n"


def _turn_markdown(t: Turn) -> list[str]:
    lines = [f"## Q{t.idx + 1}. {title(t.module)} ({t.question_id})" + (f", attempt {t.attempt}" if t.attempt > 1 else ""),
             "", md_text(t.prompt), ""]
    if not t.answered:
        return lines + ["*Not answered.*"]
    lines += ["**Answer**" + (" (submitted automatically when time ran out)" if t.auto_submitted else "") + ":", "",
              fence(t.answer or ""), ""]
    if t.code:
        lines += ["**Code:**", "", fence(t.code, "python"), ""]
    if t.test_report:
        lines += _tests_markdown(t.test_report)
    result = t.result or {}
    lines.append(f"**Score:** {'n/a' if t.score is None else f'{t.score}/100'}")
    if result.get("reason"):
        lines.append(f"\n{md_text(result['reason'])}")
    for v in result.get("verdicts", []):
        lines.append(f"- {STATUS_MARK[v['status']]} {v['status']}: {md_text(v['point_text'])} "
                     f"(earned {_credit(v):.0%} of weight {v['weight']:g})")
        if v.get("evidence"):
            lines.append(f"  - evidence: {inline_code(v['evidence']['text'])}")
    return lines


def _tests_markdown(report: dict) -> list[str]:
    if "error" in report:
        return [f"**Hidden tests:** not run. {md_text(report['error'])}", ""]
    lines = [f"**Hidden tests:** {report.get('passed', 0)}/{report.get('total', 0)} passed", ""]
    for test in report.get("tests", []):
        msg = f": {inline_code(test['message'])}" if test.get("message") else ""
        lines.append(f"- {md_text(test['name'])}: {test['status']}{msg}")
    return lines + [""]


# ------------------------------------------------------------------ chat (interview tab)

def interview_chat(tr: Transcript) -> list[dict]:
    """The interview so far as chat messages, rebuilt from the store (so a resumed interview
    reads exactly like the original). Candidate text is escaped for HTML and Markdown; question
    prompts are the bank's own Markdown (the Chatbot still sanitizes any HTML in them)."""
    s = tr.session
    total = len(s.settings.get("plan", [])) or len({t.idx for t in tr.turns})
    msgs = [{"role": "assistant", "content": f"Welcome to your **{md_text(s.loop)}** interview: {total} questions. "
             "The clock shows the time left for the current question and for the whole interview; when a "
             "question's time runs out, your answer is submitted automatically. Every answer is saved as you "
             "submit it, and your scorecard appears at the end."}]
    for t in tr.turns:
        body = f"**Question {t.idx + 1} of {total} · {title(t.module)}**\n\n{t.prompt}"
        if t.module == "ml_coding":
            body += "\n\n*Write your solution in the code editor and explain your approach in the answer box.*"
        msgs.append({"role": "assistant", "content": body})
        if t.answered:
            text = md_text(t.answer) if (t.answer or "").strip() else "*(no answer)*"
            if t.code:
                text += f"\n\n*(code submitted: {len(t.code.splitlines())} lines)*"
            msgs.append({"role": "user", "content": text})
            if t.auto_submitted:
                msgs.append({"role": "assistant", "content": "Time ran out, so your answer was submitted automatically."})
    if s.status == "finished":
        msgs.append({"role": "assistant", "content": "The interview is over. Your scorecard is below."})
    elif s.status == "abandoned":
        msgs.append({"role": "assistant", "content": "This interview was closed before the end."})
    return msgs


# ------------------------------------------------------------------ HTML (feedback, transcript)

def highlight(answer: str, verdicts: list[dict]) -> str:
    """The answer as escaped HTML with each evidence span wrapped in <mark>, labelled with the
    numbers of the rubric points it states."""
    owners: list[set[int]] = [set() for _ in answer]
    status_at: list[str] = ["" for _ in answer]
    for n, v in enumerate(verdicts, 1):
        ev = v.get("evidence")
        if not ev or v["status"] == "missed":
            continue
        start, end = ev["start"], ev["end"]
        if answer[start:end] != ev["text"]:  # offsets do not fit this text: find the sentence instead
            start = answer.find(ev["text"])
            if start < 0:
                continue
            end = start + len(ev["text"])
        for i in range(start, end):
            owners[i].add(n)
            if status_at[i] != "covered":
                status_at[i] = v["status"]
    out, i = [], 0
    while i < len(answer):
        j = i
        while j < len(answer) and owners[j] == owners[i] and status_at[j] == status_at[i]:
            j += 1
        piece = html.escape(answer[i:j])
        if owners[i]:
            nums = ",".join(str(n) for n in sorted(owners[i]))
            piece = (f'<mark class="ev-{status_at[i]}" title="States rubric point {nums}">{piece}</mark>'
                     f'<sup class="ev-num">{nums}</sup>')
        out.append(piece)
        i = j
    return "".join(out)


def _tests_html(report: dict) -> str:
    if "error" in report:
        return f'<p class="tests-error"><strong>Tests not run.</strong> {html.escape(report["error"])}</p>'
    rows = "".join(f"<tr><td>{html.escape(t['name'])}</td><td class=\"t-{html.escape(t['status'])}\">"
                   f"{html.escape(t['status'])}</td><td>{html.escape(t.get('message') or '')}</td></tr>"
                   for t in report.get("tests", []))
    stats = f"{report.get('passed', 0)}/{report.get('total', 0)} tests passed"
    if report.get("wall_s") is not None:
        stats += f" in {report['wall_s']:.1f} s"
    return (f'<p><strong>{stats}</strong></p><table class="tests"><thead><tr><th scope="col">Test</th>'
            f'<th scope="col">Result</th><th scope="col">Message</th></tr></thead><tbody>{rows}</tbody></table>')


def tests_html(report: dict | None, note: str = "") -> str:
    """The result of a 'Run tests' press or of the hidden tests run at submit."""
    if report is None:
        return f'<div class="tests-panel"><p class="tests-error"><strong>Tests not run.</strong> {html.escape(note)}</p></div>'
    return f'<div class="tests-panel">{_tests_html(report)}</div>'


def _credit(v: dict) -> float:
    """What a stored verdict earned (records.PointVerdict.credit); transcripts saved before scorer 2.1
    have no credit and earned their confidence."""
    return 0.0 if v["status"] == "missed" else v.get("credit", v["confidence"])


def _earned(v: dict) -> str:
    return (f'<span class="earned" title="share of this point\'s weight earned, from the judge\'s confidence">'
            f'earned {_credit(v):.0%}</span>')


def feedback_html(answer: str, score: float | None, result: dict | None, *, test_report: dict | None = None,
                  follow_up: str | None = None, auto_submitted: bool = False,
                  changes: list[tuple[str, str, str]] | None = None, previous_score: float | None = None,
                  heading: str = "h3") -> str:
    """Score, highlighted answer, verdict per rubric point, tests, changes since the last attempt, follow-up."""
    result = result or {}
    verdicts = result.get("verdicts", [])
    h = heading
    counts = {s: sum(1 for v in verdicts if v["status"] == s) for s in STATUS_LABEL}
    head = f"Score: {'n/a' if score is None else f'{score:.1f}/100'}"
    parts = ['<div class="feedback">',
             f'<p class="score"><strong>{head}</strong>: {counts["covered"]} covered, {counts["partial"]} partial, '
             f'{counts["missed"]} missed{" (some verdicts are borderline)" if result.get("needs_review") else ""}</p>']
    if auto_submitted:
        parts.append('<p class="notice">Time ran out, so this answer was submitted automatically.</p>')
    if result.get("reason"):
        parts.append(f'<p class="reason">{html.escape(result["reason"])}</p>')
    if test_report is not None:
        rubric = result.get("score")
        if "error" not in test_report and rubric is not None:
            parts.append(f"<p>The score combines the hidden tests (60%) with the rubric score of your "
                         f"explanation, {rubric:.1f}/100 (40%).</p>")
        parts.append(_tests_html(test_report))
    parts += [f"<{h}>Your answer</{h}>", f'<div class="answer">{highlight(answer, verdicts) or "<em>(empty)</em>"}</div>',
              f"<{h}>Rubric points</{h}>", '<ol class="points">']
    for v in verdicts:
        ev = v.get("evidence")
        quote = f'<blockquote>{html.escape(ev["text"])}</blockquote>' if ev and v["status"] != "missed" else ""
        note = f' <em>({html.escape(v["note"])})</em>' if v.get("note") else ""
        parts.append(f'<li class="pt-{v["status"]}"><span class="badge b-{v["status"]}">{STATUS_LABEL[v["status"]]}</span> '
                     f'{html.escape(v["point_text"])}{note} {_earned(v)}{quote}</li>')
    parts.append("</ol>")
    if previous_score is not None or changes:
        parts.append(f"<{h}>Change since your last attempt</{h}>")
        if previous_score is not None and score is not None:
            parts.append(f"<p>Score {previous_score:.1f} to {score:.1f}.</p>")
        items = "".join(f"<li>{html.escape(text)}: {STATUS_LABEL[old]} to {STATUS_LABEL[new]}</li>"
                        for text, old, new in changes or [])
        parts.append(f"<ul>{items}</ul>" if items else "<p>No rubric point changed status.</p>")
    if follow_up:
        parts += [f"<{h}>Follow-up question</{h}>", f'<p class="follow-up">{html.escape(follow_up)}</p>']
    parts.append("</div>")
    return "".join(parts)


def transcript_html(tr: Transcript) -> str:
    """Every question, answer, verdict and piece of evidence of one session."""
    s = tr.session
    card = scorecard(tr)
    parts = [f'<div class="transcript"><h2>{html.escape(s.loop)}</h2>',
             f"<p>{when(s.started_at)} · {s.kind} · {s.status} · "
             f"{'score n/a' if card.overall is None else f'score {card.overall}/100'}"
             f"{' · ' + duration(s.duration_s) if s.duration_s is not None else ''}</p>"]
    if not tr.turns:
        parts.append("<p>No questions were asked.</p>")
    for t in tr.turns:
        parts.append(f"<h3>Q{t.idx + 1}. {html.escape(title(t.module))}"
                     f"{f' (attempt {t.attempt})' if t.attempt > 1 else ''}</h3>"
                     f'<p class="prompt">{html.escape(t.prompt)}</p>')
        if not t.answered:
            parts.append("<p><em>Not answered.</em></p>")
            continue
        if t.code:
            parts.append(f'<pre class="code"><code>{html.escape(t.code)}</code></pre>')
        parts.append(feedback_html(t.answer or "", t.score, t.result, test_report=t.test_report,
                                   auto_submitted=t.auto_submitted, heading="h4"))
    parts.append("</div>")
    return "".join(parts)
