"""Run a candidate's ML-coding solution against a question's hidden tests, inside the sandbox.

Hidden tests live in question_bank/ml_coding_tests/<question id with - replaced by _>.py, outside
the Python package and never mounted into the sandbox. They run here, in the trusted process: each
`test_*(sol)` function receives a proxy `sol` whose attribute calls (`sol.kmeans(X, 3)`) are sent
as JSON to the candidate's module running in a `sandbox.Sandbox`, and checks the decoded results
with plain asserts. A test file may set `FUNCTION = "kmeans"` (the function the candidate must
define) and `SIGNATURE = "def kmeans(X, k, n_iter=100, seed=0)"` for friendlier messages.

`time_limit_s` is the budget for the candidate's own code over the whole run (loading it plus
every call); once used up, the running test and the tests after it are reported as timeouts.
The time our tests spend computing references is not charged to the candidate.

The helpers at the bottom (`as_array`, `assert_close`, `expect_error`, `Stream`) are for the
hidden tests.
"""
from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

from interviewer import sandbox as sbx
from interviewer.sandbox import (CandidateError, Limits, ProtocolError, Sandbox, SandboxUnavailable,
                                 Stream, WorkerDied, WorkerTimeout)

REPO_ROOT = Path(__file__).resolve().parents[1]
BANK_DIR = REPO_ROOT / "question_bank"
TESTS_DIR = BANK_DIR / "ml_coding_tests"
MAX_SOURCE_BYTES = 256 * 1024
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")

Status = Literal["passed", "failed", "error", "timeout"]


@dataclass
class TestOutcome:
    name: str
    status: Status
    message: str

    __test__ = False  # not a pytest test class


@dataclass
class RunReport:
    question: str
    tests: list[TestOutcome]
    passed: int
    total: int
    wall_s: float
    peak_mb: float

    def to_dict(self) -> dict:
        return {"question": self.question, "tests": [asdict(t) for t in self.tests],
                "passed": self.passed, "total": self.total,
                "wall_s": round(self.wall_s, 3), "peak_mb": round(self.peak_mb, 1)}


# --------------------------------------------------------------------------------------------
# Finding questions and their hidden tests.
# --------------------------------------------------------------------------------------------

def _tests_path(question_id: str) -> Path | None:
    if not isinstance(question_id, str) or not _ID_RE.match(question_id):
        return None
    return TESTS_DIR / (question_id.replace("-", "_") + ".py")


def has_tests(question_id: str) -> bool:
    """True when the question has a hidden-test file with at least one test."""
    path = _tests_path(question_id)
    if path is None or not path.is_file():
        return False
    try:
        return bool(_load_tests(question_id).tests)
    except Exception:
        return False


@dataclass
class _TestSuite:
    function: str | None
    signature: str | None
    tests: list[tuple[str, Callable]] = field(default_factory=list)


_suite_cache: dict[str, tuple[float, _TestSuite]] = {}
_suite_lock = threading.Lock()


def _load_tests(question_id: str) -> _TestSuite:
    path = _tests_path(question_id)
    if path is None or not path.is_file():
        raise FileNotFoundError(f"no hidden tests for question {question_id!r}")
    mtime = path.stat().st_mtime
    with _suite_lock:
        cached = _suite_cache.get(question_id)
        if cached and cached[0] == mtime:
            return cached[1]
        name = "_interviewer_hidden_tests_" + question_id.replace("-", "_")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        tests = [(n[5:] if n.startswith("test_") else n, f) for n, f in vars(module).items()
                 if n.startswith("test_") and callable(f)]
        suite = _TestSuite(getattr(module, "FUNCTION", None), getattr(module, "SIGNATURE", None), tests)
        _suite_cache[question_id] = (mtime, suite)
        return suite


_bank_ids: tuple[float, set[str]] | None = None


def known_question_ids() -> set[str]:
    """Ids of every question in question_bank/*.yaml (read directly, tolerant of bad files)."""
    global _bank_ids
    files = sorted(BANK_DIR.glob("*.yaml"))
    stamp = sum(f.stat().st_mtime for f in files)
    if _bank_ids and _bank_ids[0] == stamp:
        return _bank_ids[1]
    import yaml

    ids: set[str] = set()
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except Exception:
            continue
        for q in data.get("questions", []) if isinstance(data, dict) else []:
            if isinstance(q, dict) and isinstance(q.get("id"), str):
                ids.add(q["id"])
    _bank_ids = (stamp, ids)
    return ids


# --------------------------------------------------------------------------------------------
# Running.
# --------------------------------------------------------------------------------------------

class _BudgetExhausted(Exception):
    pass


class _LoadFailed(Exception):
    pass


class _Runner:
    """Owns the sandbox for one run: (re)starts it, loads the code, charges time to the budget."""

    def __init__(self, code: str, limits: Limits, budget_s: float, suite: _TestSuite):
        self.code = code
        self.limits = limits
        self.budget_s = budget_s
        self.used_s = 0.0
        self.suite = suite
        self.sandbox: Sandbox | None = None
        self.peak_mb = 0.0

    def remaining(self) -> float:
        return self.budget_s - self.used_s

    def _timed(self, fn: Callable[[float], Any]) -> Any:
        remaining = self.remaining()
        if remaining <= 0:
            raise _BudgetExhausted()
        t0 = time.monotonic()
        try:
            return fn(remaining)
        finally:
            self.used_s += time.monotonic() - t0
            if self.sandbox is not None:
                self.peak_mb = max(self.peak_mb, self.sandbox.peak_mb)

    def ensure(self) -> Sandbox:
        if self.sandbox is not None and self.sandbox.alive():
            return self.sandbox
        self.close()
        sb = Sandbox(self.limits)
        self.sandbox = sb
        sb.start()  # start-up (interpreter + numpy import) is not charged to the candidate
        reply = self._timed(lambda t: sb.load(self.code, timeout=t))
        if not reply.get("ok"):
            raise _LoadFailed(_load_error_message(CandidateError.from_reply(reply)))
        names = reply.get("value")
        fn = self.suite.function
        if fn and isinstance(names, list) and fn not in names:
            expected = f" (expected: {self.suite.signature})" if self.suite.signature else ""
            raise _LoadFailed(f"your code does not define a function named {fn}(){expected}")
        return sb

    def call(self, func: str, args: tuple, kwargs: dict) -> Any:
        sb = self.ensure()
        return self._timed(lambda t: sb.call(func, args, kwargs, timeout=t))

    def close(self) -> None:
        if self.sandbox is not None:
            self.peak_mb = max(self.peak_mb, self.sandbox.peak_mb)
            self.sandbox.close()
            self.sandbox = None


class _Solution:
    """What a hidden test receives: `sol.kmeans(X, 3)` runs the candidate's kmeans in the sandbox."""

    def __init__(self, runner: _Runner):
        self.__runner = runner

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):
            raise AttributeError(name)
        runner = self.__runner

        def call(*args, **kwargs):
            return runner.call(name, args, kwargs)

        call.__name__ = name
        return call


def _load_error_message(err: CandidateError) -> str:
    text = (err.traceback or f"{err.exc_type}: {err.message}").strip()
    return "your code failed to load:\n" + text


def _assertion_message(exc: AssertionError, test_fn: Callable) -> str:
    msg = str(exc).strip()
    if msg:
        return msg
    code_file = getattr(getattr(test_fn, "__code__", None), "co_filename", None)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == code_file and frame.line:
            return f"check failed: {frame.line.strip()}"
    return "check failed"


def _timeout_message(limit: float) -> str:
    return f"time limit exceeded: your code used the whole {limit:g} s budget"


def run_solution(question_id: str, code: str, *, time_limit_s: float = 10.0,
                 memory_mb: int = 512) -> RunReport:
    """Run `code` against the hidden tests of `question_id` in the sandbox and report per test.

    Raises FileNotFoundError when the question has no hidden tests and SandboxUnavailable when
    the sandbox cannot run (e.g. bwrap missing). Safe to call from several threads at once.
    """
    t_start = time.monotonic()
    suite = _load_tests(question_id)
    if not suite.tests:
        raise FileNotFoundError(f"no hidden tests for question {question_id!r}")
    sbx.find_bwrap()
    limits = Limits(cpu_s=max(1, math.ceil(time_limit_s)) + 1, memory_mb=int(memory_mb))
    runner = _Runner(code, limits, float(time_limit_s), suite)
    sol = _Solution(runner)
    outcomes: list[TestOutcome] = []
    load_failure: str | None = None
    try:
        for name, test_fn in suite.tests:
            if load_failure is not None:
                outcomes.append(TestOutcome(name, "error", "not run: your code failed to load (see the first test)"))
                continue
            if runner.remaining() <= 0:
                outcomes.append(TestOutcome(name, "timeout", "not run: the time budget was used up by earlier tests"))
                continue
            outcomes.append(_run_one(name, test_fn, sol, runner, time_limit_s))
            if outcomes[-1].status == "error" and outcomes[-1].message.startswith(_LOAD_PREFIXES):
                load_failure = outcomes[-1].message
    finally:
        runner.close()
    passed = sum(o.status == "passed" for o in outcomes)
    return RunReport(question_id, outcomes, passed, len(outcomes),
                     time.monotonic() - t_start, runner.peak_mb)


_LOAD_PREFIXES = ("your code failed to load", "your code does not define")


def _run_one(name: str, test_fn: Callable, sol: _Solution, runner: _Runner, limit: float) -> TestOutcome:
    try:
        test_fn(sol)
    except _LoadFailed as exc:
        return TestOutcome(name, "error", str(exc))
    except _BudgetExhausted:
        return TestOutcome(name, "timeout", _timeout_message(limit))
    except WorkerTimeout:
        runner.close()
        return TestOutcome(name, "timeout", _timeout_message(limit))
    except CandidateError as exc:
        return TestOutcome(name, "error", (exc.traceback or f"{exc.exc_type}: {exc.message}").strip())
    except WorkerDied as exc:
        runner.close()
        return TestOutcome(name, "error", str(exc))
    except ProtocolError as exc:
        runner.close()
        return TestOutcome(name, "error", f"could not read your function's result: {exc}")
    except SandboxUnavailable:
        raise
    except AssertionError as exc:
        return TestOutcome(name, "failed", _assertion_message(exc, test_fn))
    except Exception as exc:  # our check choked on the returned value: the result is malformed
        detail = f"{type(exc).__name__}: {exc}"
        return TestOutcome(name, "failed", f"the returned value could not be checked ({detail[:500]})")
    return TestOutcome(name, "passed", "")


# --------------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------------

def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def _read_source(file: str) -> str:
    path = Path(file)
    if not path.exists():
        raise ValueError(f"file not found: {file}")
    if not path.is_file():
        raise ValueError(f"not a regular file: {file}")
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise ValueError(f"file is too large ({size // 1024} KB; the limit is {MAX_SOURCE_BYTES // 1024} KB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {file}: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise ValueError(f"{file} looks like a binary file, not Python source")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{file} is not UTF-8 text") from None
    if not text.strip():
        raise ValueError(f"{file} is empty")
    return text


def format_report(report: RunReport) -> str:
    lines = [f"{report.question}: {report.passed}/{report.total} tests passed "
             f"(wall {report.wall_s:.1f} s, peak memory {report.peak_mb:.0f} MB)"]
    width = max((len(t.name) for t in report.tests), default=0)
    for t in report.tests:
        label = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}[t.status]
        msg = t.message.strip().splitlines()
        head = f"  {label:<8}{t.name:<{width}}"
        if not msg:
            lines.append(head.rstrip())
            continue
        lines.append(f"{head}  {msg[0]}")
        lines += [" " * (10 + width + 2) + m for m in msg[1:]]
    return "\n".join(lines)


def run_code_command(question_id: str, file: str, as_json: bool) -> int:
    """`interviewer run-code`: 0 all tests passed, 1 some failed, 2 bad input or no sandbox."""
    if not isinstance(question_id, str) or not _ID_RE.match(question_id):
        return _fail(f"invalid question id {question_id!r}")
    exists = question_id in known_question_ids()
    path = _tests_path(question_id)
    if not exists and not (path and path.is_file()):
        return _fail(f"unknown question {question_id!r}")
    if not has_tests(question_id):
        return _fail(f"question {question_id!r} has no hidden tests to run code against")
    try:
        code = _read_source(file)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        report = run_solution(question_id, code)
    except SandboxUnavailable as exc:
        return _fail(str(exc))
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(format_report(report))
    return 0 if report.passed == report.total else 1


# --------------------------------------------------------------------------------------------
# Helpers for hidden tests.
# --------------------------------------------------------------------------------------------

def as_array(value: Any, what: str, *, dtype: Any = float, ndim: int | None = None,
             shape: tuple | None = None):
    """Convert a returned value to a numpy array or fail with a readable message."""
    import numpy as np

    if value is None:
        raise AssertionError(f"{what}: expected an array or list, got None")
    if isinstance(value, (str, bytes, dict, set)):
        raise AssertionError(f"{what}: expected an array or list of numbers, got {type(value).__name__}")
    integral = np.dtype(dtype).kind in "iu"
    try:
        arr = np.asarray(value, dtype=float if integral else dtype)
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"{what}: expected an array of numbers ({exc})") from None
    if integral:
        if arr.size and not (np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
            raise AssertionError(f"{what}: expected whole numbers, got {_short(arr)}")
        arr = arr.astype(dtype)
    if ndim is not None and arr.ndim != ndim:
        raise AssertionError(f"{what}: expected a {ndim}-D array, got shape {arr.shape}")
    if shape is not None and tuple(arr.shape) != tuple(shape):
        raise AssertionError(f"{what}: expected shape {tuple(shape)}, got {tuple(arr.shape)}")
    return arr


def as_float(value: Any, what: str) -> float:
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise AssertionError(f"{what}: expected a number, got {type(value).__name__}")
    return float(value)


def assert_close(actual: Any, expected: Any, what: str, tol: float = 1e-6) -> None:
    """Fail with 'WHAT 0.42 differs from reference 0.58 by more than 1e-06' (scalars or arrays)."""
    import numpy as np

    a = as_array(actual, what)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise AssertionError(f"{what}: expected shape {e.shape}, got {a.shape}")
    if np.any(~np.isfinite(a) & np.isfinite(e)):
        raise AssertionError(f"{what}: contains NaN or infinity ({_short(a)})")
    with np.errstate(invalid="ignore"):
        diff = np.where(np.isfinite(e), np.abs(a - e), np.where(a == e, 0.0, np.inf))
    bound = tol * np.maximum(1.0, np.abs(np.where(np.isfinite(e), e, 0.0)))
    if np.any(diff > bound):
        if a.ndim == 0:
            raise AssertionError(f"{what} {float(a):.6g} differs from reference {float(e):.6g} "
                                 f"by more than {tol:g}")
        idx = np.unravel_index(int(np.argmax(diff - bound)), a.shape)
        raise AssertionError(f"{what}: entry {tuple(int(i) for i in idx)} is {a[idx]:.6g}, reference "
                             f"{e[idx]:.6g} (differs by more than {tol:g})")


def _short(arr) -> str:
    text = str(arr)
    return text if len(text) < 200 else text[:200] + "..."


@contextmanager
def expect_error(*exc_types: str, what: str = "this input") -> Iterator[None]:
    """Require the candidate's call inside the block to raise one of `exc_types` (by name)."""
    try:
        yield
    except CandidateError as exc:
        if exc_types and exc.exc_type not in exc_types:
            raise AssertionError(f"{what} should raise {' or '.join(exc_types)}, "
                                 f"but your code raised {exc.exc_type}: {exc.message[:200]}") from None
        return
    raise AssertionError(f"{what} should raise {' or '.join(exc_types) or 'an error'}, "
                         f"but your code returned normally")


__all__ = [
    "RunReport", "TestOutcome", "has_tests", "run_solution", "run_code_command", "format_report",
    "as_array", "as_float", "assert_close", "expect_error", "Stream", "known_question_ids",
]
