"""Configuration in one place: where data lives, which models to use, and the offline switches.

Every default works out of the box; environment variables override them:
  INTERVIEWER_DATA_DIR   folder for everything the app writes (SQLite, index cache)   default ~/.local/share/interviewer
  INTERVIEWER_BANK_DIRS  extra question folders, separated by os.pathsep (":")
  INTERVIEWER_HOST / INTERVIEWER_PORT   where the web app binds                       default 127.0.0.1:7860
  INTERVIEWER_PRECISION  the verifier's arithmetic: auto (bf16 where the CPU has it natively), fp32, bf16
Importing this module switches off every network path we know of (model hubs, Gradio analytics,
Hugging Face telemetry), so nothing leaves the machine whichever entry point is used.
"""
from __future__ import annotations

import os
from pathlib import Path

# Set before sentence-transformers, transformers, huggingface_hub or gradio are imported.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "DO_NOT_TRACK": "1",
    # OpenMP threads (torch) sleep instead of spinning while idle: spinning starves the
    # web server and other processes on a 2-core machine.
    "OMP_WAIT_POLICY": "PASSIVE",
}.items():
    os.environ.setdefault(_key, _value)

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
BANK_DIR = PROJECT_DIR / "question_bank"
RUBRIC_DIR = PROJECT_DIR / "rubrics"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
MAX_ANSWER_CHARS = 20_000  # ~3,000 words: longer than any spoken interview answer


def data_dir() -> Path:
    """The one folder the app writes to; created on first use."""
    path = Path(os.environ.get("INTERVIEWER_DATA_DIR") or Path.home() / ".local" / "share" / "interviewer")
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    return data_dir() / "interviewer.sqlite3"


def index_cache_dir() -> Path:
    path = data_dir() / "index"
    path.mkdir(parents=True, exist_ok=True)
    return path


def extra_bank_dirs() -> list[Path]:
    raw = os.environ.get("INTERVIEWER_BANK_DIRS", "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def precision() -> str:
    return os.environ.get("INTERVIEWER_PRECISION", "auto").lower()


def host() -> str:
    return os.environ.get("INTERVIEWER_HOST", DEFAULT_HOST)


def port() -> int:
    return int(os.environ.get("INTERVIEWER_PORT", DEFAULT_PORT))
