"""The sandbox contains hostile code. These tests use the real bubblewrap; nothing is mocked."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from interviewer import sandbox as sbx
from interviewer.sandbox import (BWRAP_MISSING, CandidateError, Limits, ProtocolError, Sandbox,
                                 SandboxUnavailable, Stream, WorkerDied, WorkerTimeout, run_python)

REPO = Path(__file__).resolve().parents[1]


def probe(source: str, *args, timeout_s: float = 10.0, limits: Limits | None = None):
    """Load `source` in a fresh sandbox and return the value of its f(*args)."""
    return run_python(source, call="f", args=args, timeout_s=timeout_s,
                      limits=limits or Limits(cpu_s=int(timeout_s) + 1))


def sandbox_processes() -> list[int]:
    """Host pids still running under one of our per-sandbox uids (root mode)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        uid = int(line.split()[1])
                        if sbx._UID_BASE <= uid < sbx._UID_BASE + sbx._UID_SPAN:
                            pids.append(int(entry))
                        break
        except (OSError, ValueError):
            continue
    return pids


def test_bwrap_is_installed():
    assert Path(sbx.find_bwrap()).is_file()


def test_round_trip_of_values_and_numpy_available():
    src = (
        "import numpy as np\n"
        "def f(a, t, d, s, it):\n"
        "    return (np.asarray(a) * 2, t[::-1], {v: k for k, v in d.items()}, s | {9},\n"
        "            [x for x in it], np.float64(1.5), np.arange(3, dtype=np.int32))\n"
    )
    out = probe(src, np.array([[1.0, 2.0]]), (1, "a"), {1: "x"}, {3}, Stream([4, 5]))
    arr, t, d, s, items, scalar, ints = out
    assert isinstance(arr, np.ndarray) and arr.tolist() == [[2.0, 4.0]]
    assert t == ("a", 1) and d == {"x": 1} and s == {3, 9} and items == [4, 5]
    assert scalar == 1.5 and ints.dtype == np.int32 and ints.tolist() == [0, 1, 2]


def test_stream_is_a_one_pass_iterator():
    out = probe("def f(s):\n    return hasattr(s, '__len__'), list(s), list(s)\n", Stream([1, 2, 3]))
    assert out == (False, [1, 2, 3], [])


def test_code_does_not_run_as_root_and_cannot_regain_it():
    src = (
        "import os\n"
        "def f():\n"
        "    try:\n"
        "        os.setuid(0)\n"
        "        regained = True\n"
        "    except OSError:\n"
        "        regained = False\n"
        "    caps = [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')]\n"
        "    return os.getuid(), os.geteuid(), regained, caps\n"
    )
    uid, euid, regained, caps = probe(src)
    assert uid != 0 and euid != 0
    assert regained is False
    assert caps == ["0000000000000000"]


def test_infinite_loop_times_out_within_limit():
    t0 = time.monotonic()
    with pytest.raises(WorkerTimeout):
        probe("def f():\n    while True:\n        pass\n", timeout_s=1.5)
    assert time.monotonic() - t0 < 6
    assert sandbox_processes() == []


def test_fork_limit_is_enforced_even_though_we_are_root():
    src = (
        "import os, time\n"
        "def f():\n"
        "    n = 0\n"
        "    try:\n"
        "        for _ in range(500):\n"
        "            if os.fork() == 0:\n"
        "                time.sleep(5)\n"
        "                os._exit(0)\n"
        "            n += 1\n"
        "    except OSError as exc:\n"
        "        return n, exc.errno\n"
        "    return n, None\n"
    )
    n, err = probe(src, limits=Limits(cpu_s=10, nproc=16))
    assert n < 16, f"created {n} processes despite nproc=16"
    assert err == 11  # EAGAIN
    assert sandbox_processes() == []


def test_real_fork_bomb_is_contained_and_cleaned_up():
    t0 = time.monotonic()
    with pytest.raises((WorkerTimeout, WorkerDied)):
        probe("import os\ndef f():\n    while True:\n        try:\n            os.fork()\n"
              "        except OSError:\n            pass\n", timeout_s=2)
    assert time.monotonic() - t0 < 10
    time.sleep(0.2)
    assert sandbox_processes() == []


def test_huge_allocation_fails_with_memory_error():
    with pytest.raises(CandidateError) as info:
        probe("def f():\n    return len(bytearray(10 * 1024 ** 3))\n")
    assert info.value.exc_type == "MemoryError"
    with pytest.raises(CandidateError) as info:
        probe("import numpy as np\ndef f():\n    return np.ones((1 << 30, 10)).sum()\n")
    assert "MemoryError" in info.value.exc_type


def test_network_is_unreachable_even_on_loopback():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted = []
    done = threading.Event()

    def serve():
        while not done.is_set() and not accepted:
            try:
                conn, _ = server.accept()
            except (socket.timeout, OSError):
                continue
            accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(CandidateError) as info:
            probe("import socket\ndef f(port):\n"
                  "    s = socket.create_connection(('127.0.0.1', port), timeout=3)\n"
                  "    s.sendall(b'hello')\n    return 'connected'\n", port)
        assert info.value.exc_type in {"ConnectionRefusedError", "OSError", "TimeoutError"}
        # and the host's server saw nothing
        assert accepted == []
    finally:
        done.set()
        thread.join(timeout=10)
        server.close()


def test_secret_files_are_not_readable(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.txt").write_text("TOP-SECRET-DATA")
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data))
    paths = ["/etc/passwd", "/etc/shadow", "/root/.bashrc", str(data / "secret.txt"),
             str(REPO / "question_bank" / "ml_coding_tests" / "mlc_kmeans_01.py"),
             str(REPO / "interviewer" / "coderun.py"), str(Path(__file__).resolve())]
    src = (
        "import os\n"
        "def f(paths):\n"
        "    out = {}\n"
        "    for p in paths:\n"
        "        try:\n"
        "            out[p] = open(p).read()\n"
        "        except OSError as exc:\n"
        "            out[p] = 'ERR ' + type(exc).__name__\n"
        "    out['listing'] = sorted(os.listdir('/'))\n"
        "    return out\n"
    )
    out = probe(src, paths)
    for p in paths:
        assert out[p].startswith("ERR "), f"{p} was readable inside the sandbox"
    assert "work" not in out["listing"] and "mnt" not in out["listing"]
    assert "TOP-SECRET-DATA" not in repr(out)


def test_host_environment_is_not_visible(monkeypatch):
    monkeypatch.setenv("INTERVIEWER_TEST_SECRET", "s3cr3t-token")
    env = probe("import os\ndef f():\n    return dict(os.environ)\n")
    assert "INTERVIEWER_TEST_SECRET" not in env
    assert "s3cr3t-token" not in repr(env)


def test_writes_outside_the_work_dir_fail(tmp_path):
    marker = f"interviewer-sandbox-test-{os.getpid()}-{time.time_ns()}"
    targets = [str(REPO / marker), f"/tmp/{marker}", f"/root/{marker}", str(tmp_path / marker),
               f"/usr/{marker}", f"/{marker}"]
    src = (
        "def f(targets, marker):\n"
        "    out = {}\n"
        "    for p in targets:\n"
        "        try:\n"
        "            with open(p, 'w') as fh:\n"
        "                fh.write('x')\n"
        "            out[p] = 'written'\n"
        "        except OSError as exc:\n"
        "            out[p] = type(exc).__name__\n"
        "    with open(marker, 'w') as fh:\n"
        "        fh.write('scratch file in the working directory')\n"
        "    import os\n"
        "    return out, os.getcwd()\n"
    )
    with Sandbox(Limits(cpu_s=5)) as sb:
        sb.start()
        workdir = sb.workdir
        assert sb.load(src, timeout=5)["ok"]
        out, cwd = sb.call("f", [targets, marker], timeout=5)
        assert Path(workdir, marker).exists()  # the scratch dir is the only writable host path
    for p in targets:
        assert not Path(p).exists(), f"sandboxed code created {p} on the host"
    assert not Path(workdir).exists(), "the working directory was not deleted"
    assert cwd == sbx.SANDBOX_HOME
    # /tmp inside is a private tmpfs: writing there works but never reaches the host's /tmp
    assert out[f"/tmp/{marker}"] == "written"
    assert out[str(REPO / marker)] in {"FileNotFoundError", "PermissionError", "OSError"}


def test_file_size_is_limited():
    with pytest.raises(CandidateError) as info:
        probe("def f():\n    open('big.bin', 'wb').write(b'x' * (40 * 1024 * 1024))\n",
              limits=Limits(cpu_s=5, file_mb=8))
    assert "File too large" in info.value.message or info.value.exc_type == "OSError"


def test_killing_the_parent_or_other_pids_cannot_hurt_the_host():
    src = (
        "import os, signal\n"
        "def f(host_pid):\n"
        "    out = []\n"
        "    for pid in (os.getppid(), 1, host_pid):\n"
        "        try:\n"
        "            os.kill(pid, signal.SIGKILL)\n"
        "            out.append('sent')\n"
        "        except OSError as exc:\n"
        "            out.append(type(exc).__name__)\n"
        "    return out, os.getpid()\n"
    )
    out, pid_inside = probe(src, os.getpid())
    assert pid_inside < 10  # a private pid namespace
    assert out[0] != "sent" and out[1] != "sent"
    # kill(-1) reaches only the sandbox itself
    with pytest.raises((WorkerDied, CandidateError)):
        probe("import os\ndef f():\n    os.kill(-1, 9)\n    return 'alive'\n")
    # and we are still here, able to start new sandboxes
    assert probe("def f():\n    return 1\n") == 1


def test_print_output_does_not_corrupt_the_protocol():
    out = probe("import sys\ndef f():\n    print('{\"ok\": true, \"value\": 666}')\n"
                "    sys.stdout.write('garbage\\n')\n    return 7\n")
    assert out == 7


def test_exceptions_show_only_the_candidates_frames():
    with pytest.raises(CandidateError) as info:
        probe("def helper(x):\n    return 1 / x\n\ndef f():\n    return helper(0)\n")
    tb = info.value.traceback
    assert 'File "solution.py", line 5, in f' in tb and 'line 2, in helper' in tb
    assert "ZeroDivisionError" in tb
    assert "sandbox-worker" not in tb and "interviewer" not in tb


def test_exit_is_reported_not_fatal():
    with pytest.raises(CandidateError):
        probe("import sys\ndef f():\n    sys.exit(3)\n")
    with pytest.raises(WorkerDied) as info:
        probe("import os\ndef f():\n    os._exit(3)\n")
    assert "status 3" in str(info.value)


def test_oversized_reply_is_rejected():
    with pytest.raises(ProtocolError):
        probe("def f():\n    return 'x' * (40 * 1024 * 1024)\n", limits=Limits(cpu_s=10, max_reply_mb=8))


def test_unsendable_return_value_is_a_candidate_error():
    with pytest.raises(CandidateError) as info:
        probe("class Model:\n    pass\n\ndef f():\n    return Model()\n")
    assert "cannot be returned" in info.value.traceback


def test_missing_bwrap_is_a_clear_error_and_nothing_runs(monkeypatch):
    monkeypatch.setenv("INTERVIEWER_BWRAP", "/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable) as info:
        probe("def f():\n    return 1\n")
    assert str(info.value) == BWRAP_MISSING


def test_many_sandboxes_in_parallel_threads():
    results: dict[int, object] = {}

    def work(i: int) -> None:
        try:
            results[i] = probe("import numpy as np\ndef f(i):\n    return int(np.arange(i + 1).sum())\n", i)
        except Exception as exc:  # pragma: no cover - reported below
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == {i: i * (i + 1) // 2 for i in range(6)}
