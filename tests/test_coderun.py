"""Running candidate code against hidden tests (real bubblewrap, no mocks)."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from interviewer import coderun
from interviewer.coderun import RunReport, has_tests, run_code_command, run_solution

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = Path(__file__).resolve().parent / "solutions"
KMEANS = "mlc-kmeans-01"


def solution(name: str, **fill: object) -> str:
    text = (SOLUTIONS / name).read_text()
    for key, value in fill.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def by_name(report: RunReport) -> dict[str, coderun.TestOutcome]:
    return {t.name: t for t in report.tests}


def all_messages(report: RunReport) -> str:
    return "\n".join(t.message for t in report.tests)


# ----------------------------------------------------------------------------- basics

def test_has_tests():
    assert has_tests(KMEANS)
    assert not has_tests("mlc-does-not-exist-01")
    assert not has_tests("../../etc/passwd")


def test_correct_kmeans_passes_every_test():
    report = run_solution(KMEANS, solution("kmeans_correct.py"))
    assert report.total >= 5
    assert report.passed == report.total, all_messages(report)
    assert all(t.status == "passed" for t in report.tests)
    d = report.to_dict()
    assert set(d) == {"question", "tests", "passed", "total", "wall_s", "peak_mb"}
    assert set(d["tests"][0]) == {"name", "status", "message"}
    assert d["question"] == KMEANS and 0 < d["wall_s"] < 30 and d["peak_mb"] > 0
    json.dumps(d)


def test_off_by_one_kmeans_fails_with_a_readable_message():
    report = run_solution(KMEANS, solution("kmeans_off_by_one.py"))
    outcome = by_name(report)["three_blobs"]
    assert outcome.status == "failed"
    assert outcome.message == "expected 3 centroids, got 2"
    assert report.passed < report.total


def test_print_statements_do_not_break_the_run():
    report = run_solution(KMEANS, solution("noisy_correct.py"))
    assert report.passed == report.total, all_messages(report)


# ----------------------------------------------------------------------------- limits

def test_infinite_loop_times_out_within_the_limit():
    t0 = time.monotonic()
    report = run_solution(KMEANS, solution("infinite_loop.py"), time_limit_s=2)
    elapsed = time.monotonic() - t0
    assert elapsed < 2 + 5, f"took {elapsed:.1f} s for a 2 s limit"
    assert report.passed == 0
    assert all(t.status == "timeout" for t in report.tests)
    assert "time limit" in report.tests[0].message


def test_loop_at_import_time_times_out():
    report = run_solution(KMEANS, solution("loop_at_import.py"), time_limit_s=1.5)
    assert report.tests[0].status == "timeout"
    assert report.passed == 0


def test_fork_bomb_is_contained():
    t0 = time.monotonic()
    report = run_solution(KMEANS, solution("fork_bomb.py"), time_limit_s=2)
    assert time.monotonic() - t0 < 15
    assert report.passed == 0
    assert report.tests[0].status in {"timeout", "error"}


def test_ten_gigabyte_allocation_is_an_error():
    report = run_solution(KMEANS, solution("big_alloc.py"), memory_mb=512)
    first = report.tests[0]
    assert first.status == "error"
    assert "MemoryError" in first.message
    assert report.peak_mb < 600


def test_network_connection_to_local_server_fails():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    received: list[bytes] = []
    done = threading.Event()

    def serve():
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except (socket.timeout, OSError):
                continue
            received.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        report = run_solution(KMEANS, solution("network_probe.py", PORT=port), time_limit_s=5)
    finally:
        done.set()
        thread.join(timeout=5)
        server.close()
    assert received == []
    assert report.passed == 0
    assert report.tests[0].status == "error"
    assert "ConnectionRefusedError" in report.tests[0].message or "OSError" in report.tests[0].message


def test_secret_files_cannot_be_read_into_the_result(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.txt").write_text("TOP-SECRET-DATA")
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data))
    report = run_solution(KMEANS, solution("read_secrets.py", REPO=REPO, DATA=data))
    text = all_messages(report)
    assert report.tests[0].status == "error"
    assert "FileNotFoundError" in text
    for leaked in ("root:x:0:0", "TOP-SECRET-DATA", "def test_three_blobs", "def run_solution"):
        assert leaked not in text


def test_writes_outside_the_temp_dir_do_not_reach_the_host(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data))
    report = run_solution(KMEANS, solution("write_outside.py", REPO=REPO, DATA=data))
    assert report.tests[0].status == "error"
    for p in (REPO / "PWNED.txt", data / "PWNED.txt", Path("/tmp/interviewer-pwned.txt"),
              Path("/root/PWNED.txt")):
        assert not p.exists(), f"{p} was created on the host"


def test_killing_the_parent_is_harmless():
    report = run_solution(KMEANS, solution("kill_parent.py", PID=os.getpid()))
    assert isinstance(report, RunReport) and report.total > 0
    assert by_name(report)["three_blobs"].status == "failed"  # it ran, returned junk, and was judged
    # still alive and able to run more code
    assert run_solution(KMEANS, solution("kmeans_correct.py")).passed > 0


# ----------------------------------------------------------------------------- bad solutions

def test_missing_function_is_reported_readably():
    report = run_solution(KMEANS, solution("no_function.py"))
    first = report.tests[0]
    assert first.status == "error"
    assert first.message.startswith("your code does not define a function named kmeans()")
    assert all(t.status == "error" for t in report.tests)
    assert report.passed == 0


def test_syntax_error_is_reported_readably():
    report = run_solution(KMEANS, solution("syntax_error.py"))
    first = report.tests[0]
    assert first.status == "error"
    assert "SyntaxError" in first.message and "line 4" in first.message
    assert "Traceback" not in first.message  # no frames from the worker or harness
    assert report.passed == 0


def test_runtime_error_traceback_shows_only_candidate_frames():
    code = "def kmeans(X, k, n_iter=100, seed=0):\n    return helper(X)\n\ndef helper(X):\n    return X[0][99]\n"
    report = run_solution(KMEANS, code)
    msg = report.tests[0].message
    assert report.tests[0].status == "error"
    assert 'File "solution.py", line 2, in kmeans' in msg and "IndexError" in msg
    assert "sandbox" not in msg and "coderun" not in msg and "ml_coding_tests" not in msg


def test_wrong_return_type_is_a_readable_failure():
    code = "def kmeans(X, k, n_iter=100, seed=0):\n    return 'three clusters'\n"
    report = run_solution(KMEANS, code)
    assert report.tests[0].status == "failed"
    assert "tuple (labels, centroids, inertia_history)" in report.tests[0].message


# ----------------------------------------------------------------------------- concurrency

def test_run_solution_is_thread_safe():
    results: dict[int, object] = {}

    def work(i: int) -> None:
        name = "kmeans_correct.py" if i % 2 == 0 else "kmeans_off_by_one.py"
        try:
            results[i] = run_solution(KMEANS, solution(name))
        except Exception as exc:  # pragma: no cover - surfaced by the assert below
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for i in range(4):
        report = results[i]
        assert isinstance(report, RunReport), report
        if i % 2 == 0:
            assert report.passed == report.total, all_messages(report)
        else:
            assert by_name(report)["three_blobs"].message == "expected 3 centroids, got 2"


# ----------------------------------------------------------------------------- command

def test_command_exit_codes_and_output(tmp_path, capsys):
    good = tmp_path / "good.py"
    good.write_text(solution("kmeans_correct.py"))
    bad = tmp_path / "bad.py"
    bad.write_text(solution("kmeans_off_by_one.py"))

    assert run_code_command(KMEANS, str(good), False) == 0
    out = capsys.readouterr().out
    assert f"{KMEANS}: " in out and "PASS" in out

    assert run_code_command(KMEANS, str(bad), False) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "expected 3 centroids, got 2" in out

    assert run_code_command(KMEANS, str(bad), True) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["question"] == KMEANS and data["passed"] < data["total"]
    assert {t["status"] for t in data["tests"]} <= {"passed", "failed", "error", "timeout"}


@pytest.mark.parametrize("case", ["unknown", "missing", "binary", "huge", "empty", "directory", "no_tests"])
def test_command_bad_input_gives_one_line_and_exit_2(case, tmp_path, capsys):
    qid, path = KMEANS, tmp_path / "sol.py"
    if case == "unknown":
        qid = "mlc-no-such-question-99"
        path.write_text(solution("kmeans_correct.py"))
    elif case == "missing":
        path = tmp_path / "nope.py"
    elif case == "binary":
        path.write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    elif case == "huge":
        path.write_text("# " + "x" * (coderun.MAX_SOURCE_BYTES + 10))
    elif case == "empty":
        path.write_text("")
    elif case == "directory":
        path = tmp_path
    elif case == "no_tests":
        qid = "brd-linear-regression-01" if "brd-linear-regression-01" in coderun.known_question_ids() else "xyz-x-01"
        path.write_text(solution("kmeans_correct.py"))
    assert run_code_command(qid, str(path), False) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err and "\n" not in err and "Traceback" not in err


def test_command_without_bwrap_explains_how_to_install(tmp_path, capsys, monkeypatch):
    good = tmp_path / "good.py"
    good.write_text(solution("kmeans_correct.py"))
    monkeypatch.setenv("INTERVIEWER_BWRAP", "/nonexistent/bwrap")
    assert run_code_command(KMEANS, str(good), False) == 2
    assert "bubblewrap (bwrap) is not installed: apt-get install bubblewrap" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the bank

def _ml_coding_questions() -> list[dict]:
    path = REPO / "question_bank" / "ml_coding.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["questions"]


def _reference_code(qid: str) -> str:
    return (SOLUTIONS / "reference" / (qid.replace("-", "_") + ".py")).read_text()


def test_every_ml_coding_question_has_hidden_tests_and_a_reference():
    questions = _ml_coding_questions()
    assert len(questions) >= 20
    assert [q["id"] for q in questions if not has_tests(q["id"])] == []
    for q in questions:
        ref = _reference_code(q["id"])
        name = q["coding"]["signature"].split("(")[0].removeprefix("def ").strip()
        assert f"def {name}(" in ref and f"def {name}(" in q["coding"]["starter_code"], q["id"]


@pytest.mark.parametrize("qid", [q["id"] for q in _ml_coding_questions()])
def test_reference_implementation_passes_its_hidden_tests(qid):
    report = run_solution(qid, _reference_code(qid), time_limit_s=20)
    assert report.passed == report.total, coderun.format_report(report)


@pytest.mark.parametrize("qid", [q["id"] for q in _ml_coding_questions()])
def test_starter_code_does_not_pass(qid):
    question = next(q for q in _ml_coding_questions() if q["id"] == qid)
    report = run_solution(qid, question["coding"]["starter_code"], time_limit_s=10)
    assert report.passed < report.total
