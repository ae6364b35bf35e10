"""Fixtures shared by the engine tests: the real shipped bank, real models, a per-session index cache.

Import the fixtures into a test module with `from support import engine  # noqa: F401`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def engine_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index-cache")


@pytest.fixture(scope="session")
def engine(engine_cache):
    from interviewer.engine import load_engine
    return load_engine(cache_dir=engine_cache)


def run_cli(*args: str, stdin: str | None = None, data_dir: Path | None = None, env: dict | None = None):
    """Run `python -m interviewer ...` as a user would; returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    if data_dir is not None:
        full_env["INTERVIEWER_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "interviewer", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=full_env, timeout=600)
