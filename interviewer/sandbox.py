"""Run untrusted Python in a separate, locked-down process under bubblewrap.

One `Sandbox` is one sandboxed worker process. The worker is a small trusted script (WORKER_SOURCE
below) that starts inside bwrap, applies resource limits, drops privileges, imports numpy and then
serves requests over its stdin/stdout as JSON lines:

    {"op": "load", "source": "..."}                    -> exec the candidate's code as module `solution`
    {"op": "call", "func": "kmeans", "args": [...], "kwargs": {...}}  -> call a function it defined

Values cross the boundary as JSON only (numbers, strings, lists, plus tagged dicts for tuples,
dicts, sets and numpy arrays; see `encode`/`decode`). Nothing the sandbox sends back is ever
unpickled or evaluated; every reply is size-capped and decoded with a depth limit.

Isolation (see `_bwrap_command`):
  * bwrap namespaces: mount, pid, network (loopback only), ipc, uts, cgroup; --die-with-parent,
    --new-session; a fresh root that holds only read-only binds of /usr, the Python installation
    and the numpy package, a fresh per-run working directory (the only writable host path, deleted
    afterwards), a size-capped tmpfs /tmp, a private /proc and a minimal /dev. The repository, the
    data folder, the hidden tests, /etc, /home and /root are not in it.
  * resource limits set by the worker on itself before any candidate code runs: CPU seconds,
    address space, file size, open files, processes (fork bombs), no core dumps.
  * never root: when the parent runs as root (tests and CI do), a user namespace would map the
    sandbox user back to kernel uid 0, for which the kernel does not enforce RLIMIT_NPROC. So as
    root we create no user namespace; bwrap hands the worker only CAP_SETUID/CAP_SETGID, and the
    worker switches to a fresh unprivileged uid (one per sandbox, from a range no account uses)
    before it reads any candidate code, then checks that it holds no capability at all. As a
    normal user, bwrap's user namespace does the job (uid 65534 inside, the caller's uid outside).
  * a wall-clock deadline in the parent on every request; on expiry, or on close, the whole
    process group is SIGKILLed (the pid namespace dies with its init) and, as root, any process
    still running under the sandbox uid is killed too.

If bwrap is missing we raise `SandboxUnavailable`; code is never run unsandboxed.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BWRAP_MISSING = "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"

SANDBOX_HOME = "/home/sandbox"  # the candidate's working directory inside the sandbox
SANDBOX_PYLIB = "/opt/pylib"  # where numpy is mounted inside the sandbox
SOLUTION_FILENAME = "solution.py"  # filename the candidate's code is compiled under
WORKER_FILENAME = "<sandbox-worker>"

# Unprivileged uids for sandboxes started by root: far above any account or container range.
_UID_BASE = 1_900_000_000
_UID_SPAN = 100_000_000
_uids_in_use: set[int] = set()
_uid_lock = threading.Lock()


class SandboxError(RuntimeError):
    """Base class for everything that goes wrong around a sandboxed worker."""


class SandboxUnavailable(SandboxError):
    """The sandbox cannot be set up at all (bwrap missing, unsafe configuration, bwrap failing)."""


class WorkerTimeout(SandboxError):
    """The worker did not answer before the deadline; it has been killed."""


class WorkerDied(SandboxError):
    """The worker process exited (crash, signal, os._exit) before answering."""


class ProtocolError(SandboxError):
    """The worker sent something that is not a well-formed reply (too big, not JSON...)."""


@dataclass(frozen=True)
class Limits:
    """Per-sandbox resource limits."""

    cpu_s: int = 10  # CPU seconds for the worker (SIGXCPU, then SIGKILL one second later)
    memory_mb: int = 512  # address-space limit per process (RLIMIT_AS)
    file_mb: int = 16  # largest file the sandbox may write (RLIMIT_FSIZE)
    tmp_mb: int = 32  # size of the tmpfs mounted on /tmp
    nproc: int = 16  # processes + threads of the sandbox user (RLIMIT_NPROC)
    nofile: int = 64  # open file descriptors
    max_reply_mb: int = 8  # largest reply line accepted from the worker


# --------------------------------------------------------------------------------------------
# The trusted worker that runs inside the sandbox.
# --------------------------------------------------------------------------------------------

WORKER_SOURCE = r'''
import sys, os

def _setup():
    import json, resource
    cfg = json.loads(sys.argv[1])
    mb = 1024 * 1024
    limits = [
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_CPU, cfg["cpu_s"], cfg["cpu_s"] + 1),
        (resource.RLIMIT_AS, cfg["memory_mb"] * mb, cfg["memory_mb"] * mb),
        (resource.RLIMIT_FSIZE, cfg["file_mb"] * mb, cfg["file_mb"] * mb),
        (resource.RLIMIT_NOFILE, cfg["nofile"], cfg["nofile"]),
        (resource.RLIMIT_NPROC, cfg["nproc"], cfg["nproc"]),
    ]
    for res, soft, hard in limits:
        resource.setrlimit(res, (soft, hard))
    uid = cfg.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("sandbox worker refuses to run as root")
    try:
        os.setuid(0)
    except OSError:
        pass
    else:
        raise SystemExit("sandbox worker could regain root")
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("CapPrm:", "CapEff:", "CapAmb:")) and int(line.split()[1], 16) != 0:
                raise SystemExit("sandbox worker still holds capabilities: " + line.strip())
    os.chdir(cfg["home"])
    # Protocol channel on private fds; the candidate's print() goes to stderr, input() sees EOF.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull)
    sys.stdout = sys.stderr
    sys.path.insert(0, cfg["pylib"])
    try:
        import numpy  # noqa: F401  (pre-import so a call's time does not include it)
    except Exception:
        pass
    return proto_in, proto_out

_proto_in, _proto_out = _setup()

import json, linecache, traceback, types, itertools

try:
    import numpy as _np
except Exception:
    _np = None

_MAX_DEPTH = 200

def _enc(v, depth=0):
    if depth > _MAX_DEPTH:
        raise TypeError("value is nested too deeply")
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if _np is not None:
        if isinstance(v, _np.ndarray):
            if v.dtype.kind not in "biufUO":
                raise TypeError("numpy array of dtype %s cannot be returned" % v.dtype)
            if v.dtype.kind == "O":
                data = [_enc(x, depth + 1) for x in v.ravel().tolist()]
                return {"__ndarray__": data, "dtype": "object", "shape": list(v.shape)}
            return {"__ndarray__": v.tolist(), "dtype": v.dtype.str, "shape": list(v.shape)}
        if isinstance(v, _np.generic):
            return _enc(v.item(), depth + 1)
    if isinstance(v, list):
        return [_enc(x, depth + 1) for x in v]
    if isinstance(v, tuple):
        return {"__tuple__": [_enc(x, depth + 1) for x in v]}
    if isinstance(v, (set, frozenset)):
        return {"__set__": [_enc(x, depth + 1) for x in v]}
    if isinstance(v, dict):
        return {"__dict__": [[_enc(k, depth + 1), _enc(x, depth + 1)] for k, x in v.items()]}
    if isinstance(v, (range, types.GeneratorType, map, filter, zip)):
        return [_enc(x, depth + 1) for x in itertools.islice(v, 10_000_000)]
    raise TypeError("a value of type %s cannot be returned; use numbers, strings, lists, tuples, "
                    "dicts or numpy arrays" % type(v).__name__)

def _dec(v):
    if isinstance(v, list):
        return [_dec(x) for x in v]
    if isinstance(v, dict):
        if "__tuple__" in v:
            return tuple(_dec(x) for x in v["__tuple__"])
        if "__set__" in v:
            return set(_dec(x) for x in v["__set__"])
        if "__iter__" in v:
            return iter([_dec(x) for x in v["__iter__"]])
        if "__dict__" in v:
            return {_dec(k): _dec(x) for k, x in v["__dict__"]}
        if "__ndarray__" in v:
            if v["dtype"] == "object":
                arr = _np.empty(len(v["__ndarray__"]), dtype=object)
                for i, x in enumerate(v["__ndarray__"]):
                    arr[i] = _dec(x)
                return arr.reshape(v["shape"])
            return _np.array(v["__ndarray__"], dtype=v["dtype"]).reshape(v["shape"])
    return v

def _error(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != "<sandbox-worker>"]
    if isinstance(exc, SyntaxError) and exc.filename == "solution.py":
        frames = []
    text = "".join(traceback.format_exception_only(type(exc), exc))
    if frames:
        text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) + text
    return {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)[:2000],
                                   "traceback": text[-20000:]}}

def _send(obj):
    try:
        data = json.dumps(obj, allow_nan=True)
    except (TypeError, ValueError, RecursionError) as exc:
        data = json.dumps(_error(TypeError("result could not be encoded: %s" % exc)))
    _proto_out.write(data.encode("utf-8", "surrogatepass") + b"\n")
    _proto_out.flush()

_solution = None

def _handle(req):
    global _solution
    op = req.get("op")
    if op == "ping":
        return {"ok": True, "value": "pong"}
    if op == "load":
        src = req["source"]
        mod = types.ModuleType("solution")
        mod.__file__ = "solution.py"
        sys.modules["solution"] = mod
        linecache.cache["solution.py"] = (len(src), None, src.splitlines(True), "solution.py")
        try:
            code = compile(src, "solution.py", "exec")
            exec(code, mod.__dict__)
        except BaseException as exc:
            if isinstance(exc, SystemExit):
                exc = RuntimeError("the code called exit() while being loaded")
            return _error(exc)
        _solution = mod
        names = sorted(k for k, x in vars(mod).items() if callable(x) and not k.startswith("__"))
        return {"ok": True, "value": names}
    if op == "call":
        if _solution is None:
            return _error(RuntimeError("no solution loaded"))
        name = req["func"]
        fn = getattr(_solution, name, None)
        if not callable(fn):
            return _error(NameError("your code does not define a function named %r" % name))
        try:
            args = [_dec(a) for a in req.get("args", [])]
            kwargs = {k: _dec(x) for k, x in req.get("kwargs", {}).items()}
            result = fn(*args, **kwargs)
        except BaseException as exc:
            if isinstance(exc, SystemExit):
                exc = RuntimeError("the code called exit()")
            return _error(exc)
        try:
            return {"ok": True, "value": _enc(result)}
        except (TypeError, ValueError, RecursionError) as exc:
            return {"ok": False, "error": {"type": "UnsupportedReturn", "message": str(exc)[:2000],
                                           "traceback": "%s() returned a value that cannot be checked: %s"
                                           % (name, str(exc)[:2000])}}
    return _error(ValueError("unknown op %r" % (op,)))

_send({"ok": True, "value": "ready"})
while True:
    line = _proto_in.readline()
    if not line:
        break
    _send(_handle(json.loads(line)))
'''


# --------------------------------------------------------------------------------------------
# Value codec on the trusted side.
# --------------------------------------------------------------------------------------------

_DTYPE_RE = re.compile(r"^[<>|=]?[biufU][0-9]{1,3}$|^object$|^\|b1$")
_MAX_DECODE_DEPTH = 200


def encode(value: Any, depth: int = 0) -> Any:
    """Turn a (trusted) Python value into the JSON-able form the worker decodes."""
    if depth > _MAX_DECODE_DEPTH:
        raise ValueError("value nested too deeply")
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency of the hidden tests
        np = None
    if np is not None:
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "O":
                return {"__ndarray__": [encode(x, depth + 1) for x in value.ravel().tolist()],
                        "dtype": "object", "shape": list(value.shape)}
            return {"__ndarray__": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
        if isinstance(value, np.generic):
            return value.item()
    if isinstance(value, list):
        return [encode(x, depth + 1) for x in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(x, depth + 1) for x in value]}
    if isinstance(value, (set, frozenset)):
        return {"__set__": [encode(x, depth + 1) for x in value]}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, Stream):
        return {"__iter__": [encode(x, depth + 1) for x in value.items]}
    raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")


class Stream:
    """Wraps a list so that the sandboxed function receives a one-pass iterator, not a list."""

    def __init__(self, items):
        self.items = list(items)


def decode(value: Any, depth: int = 0) -> Any:
    """Turn an (untrusted) JSON value from the worker back into Python values, validating tags."""
    if depth > _MAX_DECODE_DEPTH:
        raise ProtocolError("reply nested too deeply")
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, list):
        return [decode(x, depth + 1) for x in value]
    if isinstance(value, dict):
        if len(value) == 1 and "__tuple__" in value and isinstance(value["__tuple__"], list):
            return tuple(decode(x, depth + 1) for x in value["__tuple__"])
        if len(value) == 1 and "__set__" in value and isinstance(value["__set__"], list):
            try:
                return set(decode(x, depth + 1) for x in value["__set__"])
            except TypeError as exc:
                raise ProtocolError(f"bad set in reply: {exc}") from None
        if len(value) == 1 and "__dict__" in value and isinstance(value["__dict__"], list):
            out = {}
            for pair in value["__dict__"]:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise ProtocolError("bad dict in reply")
                try:
                    out[decode(pair[0], depth + 1)] = decode(pair[1], depth + 1)
                except TypeError as exc:
                    raise ProtocolError(f"bad dict key in reply: {exc}") from None
            return out
        if set(value) == {"__ndarray__", "dtype", "shape"}:
            return _decode_array(value, depth)
        raise ProtocolError("unexpected object in reply")
    raise ProtocolError(f"unexpected {type(value).__name__} in reply")


def _decode_array(value: dict, depth: int) -> Any:
    import numpy as np

    dtype, shape, data = value["dtype"], value["shape"], value["__ndarray__"]
    if not (isinstance(dtype, str) and _DTYPE_RE.match(dtype)):
        raise ProtocolError(f"unsupported array dtype {str(dtype)[:40]!r} in reply")
    if not (isinstance(shape, list) and len(shape) <= 32
            and all(isinstance(s, int) and not isinstance(s, bool) and 0 <= s < 2**31 for s in shape)):
        raise ProtocolError("bad array shape in reply")
    try:
        if dtype == "object":
            if not isinstance(data, list):
                raise ProtocolError("bad object array in reply")
            items = [decode(x, depth + 1) for x in data]
            arr = np.empty(len(items), dtype=object)
            for i, x in enumerate(items):
                arr[i] = x
            return arr.reshape(shape)
        arr = np.array(decode(data, depth + 1), dtype=np.dtype(dtype))
        return arr.reshape(shape)
    except ProtocolError:
        raise
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise ProtocolError(f"bad array in reply: {str(exc)[:200]}") from None


# --------------------------------------------------------------------------------------------
# Host-side configuration: what gets mounted, and what must never be.
# --------------------------------------------------------------------------------------------

def find_bwrap() -> str:
    """Path of the bwrap binary, or raise SandboxUnavailable with the install hint.

    INTERVIEWER_BWRAP, when set, names the binary to use instead of searching PATH.
    """
    override = os.environ.get("INTERVIEWER_BWRAP")
    if override:
        path = override if os.path.isfile(override) else None
    else:
        path = shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap") else None)
    if not path or not os.access(path, os.X_OK):
        raise SandboxUnavailable(BWRAP_MISSING)
    return path


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    env = os.environ.get("INTERVIEWER_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return (Path.home() / ".local" / "share" / "interviewer").resolve()


def forbidden_paths() -> list[Path]:
    """Host paths that must never be visible inside the sandbox."""
    root = repo_root()
    return [root, root / "question_bank", root / "question_bank" / "ml_coding_tests", data_dir()]


def _interpreter() -> tuple[str, list[str]]:
    """The real interpreter binary (not the venv's symlink) and the prefixes it needs."""
    exe = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    prefixes = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)}
    stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
    if not any(stdlib == p or stdlib.startswith(p + os.sep) for p in prefixes):
        prefixes.add(stdlib)
    return exe, sorted(prefixes)


def _numpy_dirs() -> list[tuple[str, str]]:
    spec = importlib.util.find_spec("numpy")
    if spec is None or not spec.submodule_search_locations:
        return []
    pkg = os.path.realpath(list(spec.submodule_search_locations)[0])
    site = os.path.dirname(pkg)
    out = [(pkg, f"{SANDBOX_PYLIB}/numpy")]
    libs = os.path.join(site, "numpy.libs")
    if os.path.isdir(libs):
        out.append((libs, f"{SANDBOX_PYLIB}/numpy.libs"))
    return out


def _check_not_exposed(src: str) -> None:
    """Refuse to mount a host path that contains the repo, the data folder or the hidden tests."""
    s = Path(src).resolve()
    for bad in forbidden_paths():
        if bad == s or s in bad.parents:
            raise SandboxUnavailable(
                f"refusing to start the sandbox: mounting {s} would expose {bad}")


def _mkdirs(dest: str) -> list[str]:
    """bwrap args creating every ancestor of dest as a world-readable directory."""
    if not _bwrap_supports("--perms"):  # bwrap < 0.5: directories get bwrap's default mode
        return []
    args: list[str] = []
    parts = Path(dest).parts[1:-1]
    cur = ""
    for p in parts:
        cur += "/" + p
        args += ["--perms", "0755", "--dir", cur]
    return args


_BWRAP_HELP: str | None = None


def _bwrap_supports(flag: str) -> bool:
    global _BWRAP_HELP
    if _BWRAP_HELP is None:
        try:
            _BWRAP_HELP = subprocess.run([find_bwrap(), "--help"], capture_output=True, text=True,
                                         timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            _BWRAP_HELP = ""
    return flag in _BWRAP_HELP


def _bwrap_command(workdir: str, limits: Limits, uid: int | None) -> list[str]:
    bwrap = find_bwrap()
    exe, prefixes = _interpreter()
    args = [bwrap]
    if uid is not None:  # running as root: no user namespace (see module docstring)
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL",
                 "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
        if _bwrap_supports("--disable-userns"):
            args += ["--disable-userns"]
    args += ["--die-with-parent", "--new-session", "--hostname", "sandbox"]

    binds: list[tuple[str, str]] = [("/usr", "/usr")]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = "/" + top
        if os.path.islink(host):
            args += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            binds.append((host, host))
    for p in prefixes:
        if not (p == "/usr" or p.startswith("/usr/")):
            binds.append((p, p))
    if not any(exe == s or exe.startswith(s.rstrip("/") + "/") for s, _ in binds):
        binds.append((exe, exe))
    binds += _numpy_dirs()
    for src, dest in binds:
        _check_not_exposed(src)
        args += _mkdirs(dest) + ["--ro-bind", src, dest]
    if os.path.exists("/etc/ld.so.cache"):
        args += _mkdirs("/etc/ld.so.cache") + ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    args += _mkdirs(SANDBOX_HOME) + ["--bind", workdir, SANDBOX_HOME]
    args += ["--proc", "/proc", "--dev", "/dev"]
    if _bwrap_supports("--perms"):
        args += ["--perms", "1777"]
    if _bwrap_supports("--size"):  # bwrap >= 0.8 can cap the tmpfs; older ones rely on RLIMIT_FSIZE
        args += ["--size", str(limits.tmp_mb * 1024 * 1024)]
    args += ["--tmpfs", "/tmp", "--remount-ro", "/"]
    env = {"PATH": "/usr/bin:/bin", "HOME": SANDBOX_HOME, "LANG": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
    args += ["--clearenv"]
    for k, v in env.items():
        args += ["--setenv", k, v]
    cfg = {"cpu_s": int(limits.cpu_s), "memory_mb": int(limits.memory_mb), "file_mb": int(limits.file_mb),
           "nofile": int(limits.nofile), "nproc": int(limits.nproc), "uid": uid, "pylib": SANDBOX_PYLIB,
           "home": SANDBOX_HOME}
    args += ["--", exe, "-I", "-S", "-B", "-c", _WORKER_BOOT, json.dumps(cfg)]
    return args


# The -c program: compile the worker under a recognisable filename so its frames can be hidden.
_WORKER_BOOT = f"exec(compile({WORKER_SOURCE!r}, {WORKER_FILENAME!r}, 'exec'))"


def _alloc_uid() -> int:
    with _uid_lock:
        while True:
            uid = _UID_BASE + secrets.randbelow(_UID_SPAN)
            if uid not in _uids_in_use:
                _uids_in_use.add(uid)
                return uid


def _release_uid(uid: int) -> None:
    with _uid_lock:
        _uids_in_use.discard(uid)


def _kill_uid(uid: int) -> None:
    """Kill every process still running under `uid` (only used for our per-sandbox uids)."""
    for _ in range(3):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/status") as fh:
                    for line in fh:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                found = True
                                os.kill(int(entry), signal.SIGKILL)
                            break
            except (OSError, ValueError):
                continue
        if not found:
            return
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except (OSError, ValueError):
        pass
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return out


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _vm_hwm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


# --------------------------------------------------------------------------------------------
# The sandbox object.
# --------------------------------------------------------------------------------------------

class Sandbox:
    """One sandboxed Python worker. Use as a context manager; thread-confined (one per thread).

    >>> with Sandbox(Limits(cpu_s=5)) as sb:
    ...     sb.start(timeout=10)
    ...     sb.request({"op": "load", "source": "def f(x): return x + 1"}, timeout=5)
    ...     sb.call("f", [41], timeout=5)   # -> 42
    """

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self.proc: subprocess.Popen | None = None
        self.workdir: str | None = None
        self.uid: int | None = None
        self.worker_pid: int | None = None
        self.peak_mb = 0.0
        self._stderr = bytearray()
        self._stdout_buf = bytearray()
        self._open: list = []

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, timeout: float = 20.0) -> None:
        """Start bwrap and wait for the worker's 'ready'. Raises SandboxUnavailable on failure."""
        find_bwrap()
        self.workdir = tempfile.mkdtemp(prefix="interviewer-sandbox-")
        if os.geteuid() == 0:
            self.uid = _alloc_uid()
            os.chown(self.workdir, self.uid, self.uid)
        os.chmod(self.workdir, 0o700)
        cmd = _bwrap_command(self.workdir, self.limits, self.uid)
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                start_new_session=True, close_fds=True, cwd="/")
        except OSError as exc:
            self.close()
            raise SandboxUnavailable(f"could not start bwrap: {exc}") from None
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            os.set_blocking(f.fileno(), False)
        self._open = [self.proc.stdout, self.proc.stderr]
        try:
            reply = self._read_reply(time.monotonic() + timeout)
        except (WorkerDied, WorkerTimeout, ProtocolError) as exc:
            detail = self.stderr_tail().strip() or str(exc)
            self.close()
            raise SandboxUnavailable(f"the sandbox failed to start: {detail[-1500:]}") from None
        if reply != {"ok": True, "value": "ready"}:
            self.close()
            raise SandboxUnavailable("the sandbox worker sent an unexpected greeting")
        self._find_worker()
        self._sample_memory()

    def _find_worker(self) -> None:
        """Host pid of the Python worker: the first non-bwrap descendant of our bwrap process."""
        if self.proc is None:
            return
        frontier = [self.proc.pid]
        for _ in range(4):
            nxt = []
            for pid in frontier:
                for child in _children(pid):
                    if _comm(child) != "bwrap":
                        self.worker_pid = child
                        return
                    nxt.append(child)
            frontier = nxt

    def _sample_memory(self) -> None:
        if self.worker_pid is not None:
            self.peak_mb = max(self.peak_mb, _vm_hwm_mb(self.worker_pid))

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        """Kill the sandbox (whole process group and, as root, its uid) and delete its files."""
        proc, self.proc = self.proc, None
        if proc is not None:
            self._sample_memory()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
                pass
            for f in (proc.stdin, proc.stdout, proc.stderr):
                try:
                    if f is not None:
                        f.close()
                except OSError:
                    pass
        if self.uid is not None:
            _kill_uid(self.uid)
            _release_uid(self.uid)
            self.uid = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- protocol ----------------------------------------------------------------------------
    def stderr_tail(self, n: int = 4000) -> str:
        return bytes(self._stderr[-n:]).decode("utf-8", "replace")

    def request(self, msg: dict, timeout: float) -> dict:
        """Send one request and return the decoded JSON reply dict (untrusted, structure-checked).

        Raises WorkerTimeout (the worker is killed), WorkerDied or ProtocolError.
        """
        if not self.alive():
            raise WorkerDied(self._death_message())
        deadline = time.monotonic() + timeout
        data = (json.dumps(msg) + "\n").encode()
        self._write_all(data, deadline)
        reply = self._read_reply(deadline)
        self._sample_memory()
        return reply

    def load(self, source: str, timeout: float) -> dict:
        return self.request({"op": "load", "source": source}, timeout)

    def call(self, func: str, args: list | tuple = (), kwargs: dict | None = None, *,
             timeout: float) -> Any:
        """Call a function of the loaded module; returns the decoded value.

        Raises CandidateError when the candidate's code raised (or returned something unsendable).
        """
        reply = self.request({"op": "call", "func": func, "args": [encode(a) for a in args],
                              "kwargs": {k: encode(v) for k, v in (kwargs or {}).items()}}, timeout)
        if reply.get("ok") is True:
            return decode(reply.get("value"))
        raise CandidateError.from_reply(reply)

    def _write_all(self, data: bytes, deadline: float) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        fd = self.proc.stdin.fileno()
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                raise WorkerTimeout("time limit exceeded")
            r, w, _ = select.select(list(self._open), [fd], [], min(remaining, 0.1))
            self._drain(r)
            if w:
                try:
                    n = os.write(fd, view)
                except BlockingIOError:
                    continue
                except BrokenPipeError:
                    raise WorkerDied(self._death_message()) from None
                view = view[n:]
            if self.proc.poll() is not None:
                raise WorkerDied(self._death_message())

    def _drain(self, ready) -> None:
        """Read whatever is available on stdout (kept) and stderr (tail kept)."""
        assert self.proc is not None
        for f in ready:
            try:
                chunk = os.read(f.fileno(), 1 << 16)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:  # EOF: stop watching this stream
                if f in self._open:
                    self._open.remove(f)
                continue
            if f is self.proc.stdout:
                self._stdout_buf += chunk
                if len(self._stdout_buf) > self.limits.max_reply_mb * 1024 * 1024 + 1:
                    self._kill()
                    raise ProtocolError(
                        f"the reply was larger than {self.limits.max_reply_mb} MB")
            else:
                self._stderr += chunk
                if len(self._stderr) > 64 * 1024:
                    del self._stderr[: len(self._stderr) - 64 * 1024]

    def _read_reply(self, deadline: float) -> dict:
        assert self.proc is not None
        last_sample = 0.0
        while b"\n" not in self._stdout_buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                raise WorkerTimeout("time limit exceeded")
            if self._open:
                r, _, _ = select.select(list(self._open), [], [], min(remaining, 0.05))
                self._drain(r)
            else:
                time.sleep(min(remaining, 0.02))
            now = time.monotonic()
            if now - last_sample > 0.1:
                self._sample_memory()
                last_sample = now
            if self.proc.stdout not in self._open or self.proc.poll() is not None:
                # stdout closed or process gone: take what is left, give up if no full line
                for _ in range(1000):
                    if self.proc.stdout not in self._open:
                        break
                    self._drain([self.proc.stdout])
                if b"\n" not in self._stdout_buf:
                    raise WorkerDied(self._death_message())
                break
        line, _, rest = bytes(self._stdout_buf).partition(b"\n")
        self._stdout_buf = bytearray(rest)
        try:
            reply = json.loads(line)
        except (ValueError, RecursionError):
            self._kill()
            raise ProtocolError("the sandbox sent a reply that is not valid JSON") from None
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            self._kill()
            raise ProtocolError("the sandbox sent a malformed reply")
        return reply

    def _kill(self) -> None:
        if self.proc is not None:
            self._sample_memory()
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass

    def _death_message(self) -> str:
        rc = None
        if self.proc is not None:
            try:
                rc = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._kill()
                rc = self.proc.returncode
        tail = self.stderr_tail(1500).strip()
        last = tail.splitlines()[-1] if tail else ""
        if rc is not None and rc >= 128:
            sig = rc - 128
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = f"signal {sig}"
            reason = {"SIGKILL": " (CPU time or memory limit, or killed)",
                      "SIGXCPU": " (CPU time limit exceeded)",
                      "SIGSEGV": " (segmentation fault, e.g. too deep recursion)"}.get(name, "")
            msg = f"the solution process was killed by {name}{reason}"
        elif rc is not None:
            msg = f"the solution process exited with status {rc}"
        else:
            msg = "the solution process stopped responding"
        return msg + (f"; last output: {last[:300]}" if last else "")


class CandidateError(SandboxError):
    """The candidate's code raised (or returned a value that cannot be sent back)."""

    def __init__(self, exc_type: str, message: str, traceback_text: str):
        super().__init__(traceback_text or f"{exc_type}: {message}")
        self.exc_type = exc_type
        self.message = message
        self.traceback = traceback_text

    @classmethod
    def from_reply(cls, reply: dict) -> "CandidateError":
        err = reply.get("error")
        if not isinstance(err, dict):
            return cls("Error", "the sandbox reported an error without details", "")
        def s(key: str, cap: int) -> str:
            v = err.get(key)
            return v[:cap] if isinstance(v, str) else ""
        return cls(s("type", 100) or "Error", s("message", 2000), s("traceback", 20000))


def run_python(source: str, *, call: str | None = None, args: list | tuple = (),
               limits: Limits = Limits(), timeout_s: float = 10.0) -> Any:
    """Convenience: load `source` in a fresh sandbox, optionally call `call(*args)`, return its value.

    Raises CandidateError / WorkerTimeout / WorkerDied / SandboxUnavailable.
    """
    with Sandbox(limits) as sb:
        sb.start()
        deadline = time.monotonic() + timeout_s
        reply = sb.load(source, timeout=timeout_s)
        if not reply.get("ok"):
            raise CandidateError.from_reply(reply)
        if call is None:
            return decode(reply.get("value"))
        return sb.call(call, args, timeout=max(0.01, deadline - time.monotonic()))


__all__ = [
    "BWRAP_MISSING", "CandidateError", "Limits", "ProtocolError", "Sandbox", "SandboxError",
    "SandboxUnavailable", "Stream", "WorkerDied", "WorkerTimeout", "decode", "encode",
    "find_bwrap", "run_python",
]
