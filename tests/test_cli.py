"""The `interviewer` command as a user runs it: real bank, real models, no tracebacks."""
from __future__ import annotations

import json

import pytest

from support import run_cli


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


def test_questions_json_lists_required_fields():
    out = run_cli("questions", "--module", "ml_breadth", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) >= 100
    assert all({"id", "module", "topic", "difficulty", "prompt"} <= set(r) for r in rows)
    assert {r["module"] for r in rows} == {"ml_breadth"}


def test_score_json_on_a_model_answer(data_dir):
    qid = json.loads(run_cli("questions", "--module", "ml_breadth", "--json").stdout)[0]["id"]
    shown = run_cli("questions", "--json").stdout
    assert qid in shown
    from interviewer.bank import load_bank
    q = load_bank().get(qid)
    out = run_cli("score", "--question", qid, "--answer", q.model_answer, "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["question_id"] == qid and 0 <= result["score"] <= 100
    assert {"point_id", "status", "confidence", "evidence", "needs_review"} <= set(result["verdicts"][0])
    again = run_cli("score", "--question", qid, "--answer", q.model_answer, "--json", data_dir=data_dir)
    assert again.stdout == out.stdout


def test_score_from_file_and_bad_files(data_dir, tmp_path):
    qid = json.loads(run_cli("questions", "--json").stdout)[0]["id"]
    binary = tmp_path / "junk.bin"
    binary.write_bytes(b"\x00\xff\x00garbage")
    out = run_cli("score", "--question", qid, "--answer-file", str(binary), data_dir=data_dir)
    assert out.returncode == 2 and "binary" in out.stderr and "Traceback" not in out.stderr
    huge = tmp_path / "huge.txt"
    huge.write_text("word " * 300_000)
    out = run_cli("score", "--question", qid, "--answer-file", str(huge), data_dir=data_dir)
    assert out.returncode == 2 and "too large" in out.stderr
    missing = run_cli("score", "--question", qid, "--answer-file", str(tmp_path / "nope.txt"), data_dir=data_dir)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_unknown_question_is_a_clear_error(data_dir):
    out = run_cli("score", "--question", "no-such-question", "--answer", "hi", data_dir=data_dir)
    assert out.returncode == 2 and "unknown question id" in out.stderr and "Traceback" not in out.stderr


def test_practice_reads_answers_from_stdin(data_dir):
    out = run_cli("practice", "--module", "behavioral", "--count", "2", "--seed", "1",
                  stdin="I led the migration and I cut latency by 30 percent.\n\nq\n", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert "Q1." in out.stdout and "Score:" in out.stdout and "Q2." in out.stdout
