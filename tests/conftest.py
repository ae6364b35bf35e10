"""Fixtures for the app's tests: the test bank's engine, a temp SQLite store, the real app served
in-process on a free port, and one headless Debian Chromium for the whole run.

Everything the tests write goes to a temp data folder (INTERVIEWER_DATA_DIR is pointed at one
before anything reads it), so a developer's own interviews are never touched.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Before gradio / gradio_client / huggingface_hub are imported anywhere:
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ["INTERVIEWER_DATA_DIR"] = _DATA = tempfile.mkdtemp(prefix="interviewer-test-data-")
atexit.register(shutil.rmtree, _DATA, ignore_errors=True)

import socket  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402

TEST_BANK = Path(__file__).parent / "fixtures" / "bank"
# The index cache is keyed by a hash of the bank's text and the model ids, so one folder can be
# shared by every run (and it survives `pytest -p no:cacheprovider`).
INDEX_CACHE = Path(tempfile.gettempdir()) / "interviewer-test-index"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_engine():
    """The real engine (real models, real FAISS) over the small test bank."""
    from interviewer.engine import load_engine
    INDEX_CACHE.mkdir(exist_ok=True)
    return load_engine([TEST_BANK], cache_dir=INDEX_CACHE)


@pytest.fixture
def store(tmp_path):
    from interviewer.store import Store
    return Store(tmp_path / "interviewer.sqlite3")


@pytest.fixture(scope="session")
def app_server(app_engine, tmp_path_factory):
    from app import LAUNCH_KWARGS, build_app
    from interviewer.store import Store
    db = tmp_path_factory.mktemp("db") / "interviewer.sqlite3"
    demo = build_app(app_engine, db, export_dir=tmp_path_factory.mktemp("exports"), seed=7)
    last_err = None
    for _ in range(3):  # a tiny race between free_port() and bind: retry
        try:
            _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                                    quiet=True, share=False, **LAUNCH_KWARGS)
            break
        except OSError as e:
            last_err = e
    else:
        raise last_err
    yield SimpleNamespace(url=url, db=db, store=Store(db), demo=demo, engine=app_engine)
    demo.close(verbose=False)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian chromium (apt-get install chromium) or set CHROMIUM_PATH")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url: str):
    ctx = browser.new_context(viewport={"width": 1200, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    pg.goto(url, wait_until="load")  # not "networkidle": the heartbeat stream never idles
    pg.get_by_role("button", name="Start interview").wait_for()
    return ctx, pg


@pytest.fixture
def page(browser, app_server):
    ctx, pg = open_page(browser, app_server.url)
    yield pg
    ctx.close()
