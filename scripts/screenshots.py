"""Regenerate the README screenshots: docs/screenshots/{interview,practice,review}.png.

    .venv/bin/python scripts/screenshots.py                 # the test bank (tests/fixtures/bank)
    .venv/bin/python scripts/screenshots.py --bank shipped  # the shipped question bank

Launches the real app on a free port with a throwaway data folder, seeds a few past practice
sessions (real answers, really scored) so the progress plot has lines, then drives Debian Chromium
through an interview, a practice round and the Review tab.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import CHROMIUM, CHROMIUM_ARGS, INDEX_CACHE, TEST_BANK, free_port  # noqa: E402

os.environ["INTERVIEWER_DATA_DIR"] = tempfile.mkdtemp(prefix="interviewer-screenshots-")  # after conftest sets its own
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from app import LAUNCH_KWARGS, build_app  # noqa: E402
from interviewer import session as S  # noqa: E402
from interviewer.engine import load_engine  # noqa: E402
from interviewer.store import Store  # noqa: E402

DAY = 86_400
HISTORY = {  # (module, topic) -> answers of increasing quality, one past practice session each
    ("ml_breadth", "regularization_l1_l2"): ["Both add a term to the loss function.",
                   "L2 regularisation shrinks all weights smoothly toward zero.",
                   "L2 regularisation shrinks all weights smoothly toward zero. L1 drives some weights to exactly "
                   "zero, which gives a sparse model."],
    ("behavioral", "conflict"): ["We disagreed and then we shipped.",
                   "I proposed an offline experiment to compare both models on the same data.",
                   "On a ranking project my teammate and I disagreed about the model. I proposed an offline experiment "
                   "to compare both models, listened to his concerns, and the cheaper model won, cutting serving cost "
                   "by 90%. I learned to settle debates with data."],
}


def seed_history(engine, store: Store) -> None:
    start = time.time() - 10 * DAY
    for (module, topic), answers in HISTORY.items():
        for n, answer in enumerate(answers):
            now = start + n * 3 * DAY + (3600 if module == "behavioral" else 0)
            live, _ = S.start_practice(engine, store, module, topic, rng=random.Random(n), now=now)
            S.submit(engine, store, live, answer, now=now + 90)
            S.finish(store, live, now + 120)


def partial_answer(engine, store: Store, sentences: int) -> str:
    """The first sentences of the model answer of the question now waiting: a partial answer."""
    sid = store.list_sessions()[0].id
    q = engine.bank.get(store.get_transcript(sid).turns[-1].question_id)
    return ". ".join(q.model_answer.split(". ")[:sentences]).rstrip(".") + "."


def drive(page, out: Path, engine, store: Store) -> None:
    # Practice: answer, get feedback, ask for the model answer
    page.get_by_role("tab", name="Practice").click()
    page.get_by_role("combobox", name="Module").click()
    page.get_by_role("option", name="ML breadth", exact=True).click()
    page.get_by_role("button", name="Start practice").click()
    expect(page.locator("#pr-question")).to_contain_text("difficulty")
    page.locator("#pr-answer textarea").fill(partial_answer(engine, store, 1))
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#pr-feedback")).to_contain_text("Score:")
    page.get_by_role("button", name="Show model answer").click()
    expect(page.locator("#pr-model")).to_be_visible()
    page.screenshot(path=str(out / "practice.png"), full_page=True)

    # Interview: the onsite loop, up to the ML coding question
    page.get_by_role("tab", name="Interview").click()
    page.get_by_role("checkbox", name="Allow questions from recent interviews").check()
    page.get_by_role("button", name="Start interview").click()
    chat = page.locator("#iv-chat")
    for n in (1, 2, 3):
        expect(chat).to_contain_text(f"Question {n} of 5")
        page.locator("#iv-answer textarea").fill(partial_answer(engine, store, n % 3 + 1))
        page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#iv-code")).to_be_visible()  # question 4: ML coding
    page.locator("#iv-answer textarea").fill(partial_answer(engine, store, 1))
    page.mouse.move(0, 0)
    page.screenshot(path=str(out / "interview.png"), full_page=True)
    page.get_by_role("button", name="End interview").click()
    expect(chat).to_contain_text("The interview is over")

    # Review: the list, the interview's transcript and the progress plot
    page.get_by_role("tab", name="Review").click()
    expect(page.locator("#transcript")).to_contain_text("Q1.")
    expect(page.locator("#progress")).to_contain_text("Behavioral")  # the plot's legend: it has drawn
    time.sleep(2)
    page.screenshot(path=str(out / "review.png"), full_page=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", default="test", help="'test' (default), 'shipped', or a bank folder")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    paths = None if args.bank == "shipped" else [TEST_BANK if args.bank == "test" else Path(args.bank)]
    INDEX_CACHE.mkdir(exist_ok=True)
    engine = load_engine(paths, cache_dir=INDEX_CACHE)
    data = Path(os.environ["INTERVIEWER_DATA_DIR"])
    store = Store(data / "interviewer.sqlite3")
    seed_history(engine, store)
    demo = build_app(engine, store.path, seed=4)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                            **LAUNCH_KWARGS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(url, wait_until="load")
            drive(page, out, engine, store)
            browser.close()
    finally:
        demo.close(verbose=False)
    print(f"wrote {', '.join(sorted(p.name for p in out.glob('*.png')))} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
