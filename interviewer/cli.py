"""The `interviewer` command line: validate the bank, list questions, score an answer, practise in
the terminal, run ML-coding solutions, evaluate the grader, get a local LLM's second opinion on a
saved session (`deep-review`, optional), and start the web app.

Errors a user can cause (bad bank, unknown id, unreadable file, over-long answer, missing model)
print one clear line on stderr and exit 2; they never print a stack trace.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

from . import config  # noqa: F401  (offline switches first)
from .bank import BankError, load_bank
from .models import ModelLoadError
from .records import MODULE_TITLES, MODULES, ScoreResult
from .scoring import AnswerError

MAX_INPUT_BYTES = 1_000_000


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


def read_text_file(path: str, limit: int = MAX_INPUT_BYTES) -> str:
    """Read a user's text file, refusing binary, non-UTF-8 and huge files with a clear message."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limit:
            raise UserError(f"{path}: file is too large ({size:,} bytes; limit {limit:,})")
        raw = p.read_bytes()
    except OSError as e:
        raise UserError(f"{path}: cannot read file: {e.strerror or e}") from None
    if b"\x00" in raw:
        raise UserError(f"{path}: file is binary (contains NUL bytes); expected plain text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: file is not UTF-8 text (bad byte at offset {e.start})") from None


# ------------------------------------------------------------------ commands

def cmd_validate(args) -> int:
    paths = [Path(p) for p in args.paths] or None
    bank = load_bank(paths)
    counts = {m: len(bank.by_module(m)) for m in MODULES}
    print(f"OK: {len(bank.questions)} questions, {sum(len(q.points) for q in bank.questions.values())} rubric points, "
          f"{len(bank.sets)} shared rubric sets")
    for m, n in counts.items():
        if n:
            print(f"  {m:<18} {n}")
    return 0


def cmd_questions(args) -> int:
    bank = load_bank()
    rows = sorted(bank.by_module(args.module, args.topic, args.difficulty), key=lambda q: (MODULES.index(q.module), q.id))
    if args.json:
        print(json.dumps([{"id": q.id, "module": q.module, "topic": q.topic, "difficulty": q.difficulty,
                           "time_budget_s": q.time_budget_s, "prompt": q.prompt,
                           "rubric_points": len(q.points)} for q in rows], indent=2))
    else:
        for q in rows:
            print(f"{q.id:<34} {q.module:<17} d{q.difficulty}  {q.prompt[:70]}")
        print(f"{len(rows)} questions", file=sys.stderr)
    return 0


def format_result(result: ScoreResult, answer: str) -> str:
    lines = [f"Score: {result.score:.1f}/100" + ("  (needs review)" if result.needs_review else "")]
    if result.reason:
        lines.append(f"Reason: {result.reason}")
    marks = {"covered": "[x]", "partial": "[~]", "missed": "[ ]"}
    for v in result.verdicts:
        flag = " ?" if v.needs_review else ""
        lines.append(f"{marks[v.status]} {v.status:<7} {v.confidence:.2f}{flag}  {v.point_text}")
        if v.evidence:
            lines.append(f"        evidence [{v.evidence.start}:{v.evidence.end}]: \"{v.evidence.text}\"")
        if v.note:
            lines.append(f"        note: {v.note}")
    return "\n".join(lines)


def cmd_score(args) -> int:
    from .engine import load_engine
    if args.answer_file is not None:
        answer = sys.stdin.read() if args.answer_file == "-" else read_text_file(args.answer_file)
    else:
        answer = args.answer
    engine = load_engine()
    try:
        question = engine.bank.get(args.question)
    except KeyError as e:
        raise UserError(str(e.args[0])) from None
    result = engine.scorer.score(question, answer)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_result(result, answer))
    return 0


def _read_answer(stream) -> str | None:
    """Read lines until an empty line or EOF; None at EOF with nothing typed."""
    lines = []
    for line in stream:
        if not line.strip():
            break
        lines.append(line.rstrip("\n"))
    else:
        if not lines:
            return None
    return "\n".join(lines)


def cmd_practice(args) -> int:
    from .engine import load_engine
    engine = load_engine()
    pool = engine.bank.by_module(args.module, args.topic, args.difficulty)
    if not pool:
        raise UserError(f"no questions match module={args.module} topic={args.topic} difficulty={args.difficulty}")
    rng = random.Random(args.seed)
    rng.shuffle(pool)
    print(f"Practising {MODULE_TITLES[args.module]}: {len(pool)} questions. "
          "Type your answer, then an empty line. Type 'q' to stop.\n")
    for n, q in enumerate(pool[: args.count], 1):
        print(f"Q{n}. [{q.topic}, difficulty {q.difficulty}, ~{q.time_budget_s // 60} min]\n{q.prompt}\n")
        answer = _read_answer(sys.stdin)
        if answer is None or answer.strip().lower() in {"q", "quit", "exit"}:
            break
        try:
            result = engine.scorer.score(q, answer)
        except AnswerError as e:
            print(f"Could not score: {e}\n")
            continue
        print(format_result(result, answer))
        missed = [v for v in result.verdicts if v.status != "covered"]
        if missed:
            top = max(missed, key=lambda v: v.weight)
            follow = next((f.prompt for f in q.follow_ups if f.probes == top.point_id), None)
            print(f"\nFollow-up: {follow or 'Can you say more about: ' + top.point_text}")
        if args.show_answer:
            print(f"\nModel answer: {q.model_answer}")
        print()
    return 0


def cmd_run_code(args) -> int:
    from .coderun import run_code_command
    return run_code_command(args.question, args.file, args.json)


def cmd_eval(args) -> int:
    from .evaluate import eval_command
    return eval_command(args)


def cmd_deep_review(args) -> int:
    from .deep_review import format_review, review
    from .llm_judge import LLMJudge
    from .store import Store
    store = Store()
    if args.session:
        try:
            transcript = store.get_transcript(args.session)
        except KeyError as e:
            raise UserError(str(e.args[0])) from None
    else:
        recent = store.list_sessions(limit=1)
        if not recent:
            raise UserError("no saved sessions yet: practise or run an interview first")
        transcript = store.get_transcript(recent[0].id)
    print(f"Loading the local LLM ({LLMJudge.id})...", file=sys.stderr)
    judge = LLMJudge(progress=lambda m: print(m, file=sys.stderr))
    reviews = review(transcript, judge, progress=None if args.json else
                     lambda n, total: print(f"Reviewing answer {n} of {total}...", file=sys.stderr))
    if args.json:
        print(json.dumps({"session": transcript.session.id, "model": judge.id,
                          "answers": [r.to_dict() for r in reviews]}, indent=2, ensure_ascii=False))
    else:
        print(f"Deep review of session {transcript.session.id} ({transcript.session.kind}, {transcript.session.status})")
        print(format_review(reviews))
    return 0


def cmd_app(args) -> int:
    sys.path.insert(0, str(config.PROJECT_DIR))
    import app  # the Gradio app lives at the project root
    return app.main(["--host", args.host, "--port", str(args.port)])


# ------------------------------------------------------------------ parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="Local mock-interview coach for ML engineers.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a question bank (default: the shipped one)")
    p.add_argument("paths", nargs="*", help="files or folders of YAML questions/rubrics")
    p.set_defaults(fn=cmd_validate)

    p = sub.add_parser("questions", help="list questions")
    p.add_argument("--module", choices=MODULES)
    p.add_argument("--topic")
    p.add_argument("--difficulty", type=int, choices=(1, 2, 3))
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_questions)

    p = sub.add_parser("score", help="score one answer against a question's rubric")
    p.add_argument("--question", required=True, help="question id (see `interviewer questions`)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--answer", help="the answer text")
    g.add_argument("--answer-file", help="a UTF-8 text file with the answer ('-' for stdin)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_score)

    p = sub.add_parser("practice", help="practise one module in the terminal")
    p.add_argument("--module", required=True, choices=MODULES)
    p.add_argument("--topic")
    p.add_argument("--difficulty", type=int, choices=(1, 2, 3))
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--show-answer", action="store_true", help="print the model answer after each verdict")
    p.set_defaults(fn=cmd_practice)

    p = sub.add_parser("run-code", help="run an ML-coding solution against the question's hidden tests")
    p.add_argument("--question", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_run_code)

    p = sub.add_parser("eval", help="measure the grader against human-graded answers (JSONL)")
    p.add_argument("--dataset", required=True, action="append", help="JSONL file; repeat for several")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=None, help="score at most this many answers per file")
    p.set_defaults(fn=cmd_eval)

    p = sub.add_parser("deep-review", help="a second opinion on a saved session's verdicts from a local LLM "
                                           "(optional 'llm' extra)")
    p.add_argument("--session", help="session id (default: the most recent session)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_deep_review)

    p = sub.add_parser("app", help="start the web app")
    p.add_argument("--host", default=config.host())
    p.add_argument("--port", type=int, default=config.port())
    p.set_defaults(fn=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except BankError as e:
        print(f"interviewer: the question bank has {len(e.issues)} problem(s):", file=sys.stderr)
        for issue in e.issues:
            print(f"  {issue}", file=sys.stderr)
        return 2
    except (UserError, AnswerError, ModelLoadError) as e:
        print(f"interviewer: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `interviewer questions | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
