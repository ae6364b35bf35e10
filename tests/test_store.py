"""The SQLite store: migrations, sessions, turns, history queries. Real SQLite in temp files."""
from __future__ import annotations

import sqlite3

import pytest

from interviewer import store as store_mod
from interviewer.store import Store


def _session_with_answers(store, kind="interview", modules=("ml_breadth",), scores=(50.0,), now=1000.0):
    sid = store.create_session(kind, "Loop", list(modules), {"plan": []}, now=now)
    for i, score in enumerate(scores):
        turn = store.add_turn(sid, i, f"q{i}", modules[i % len(modules)], f"prompt {i}", deadline=now + 60, now=now)
        assert store.save_answer(turn, f"answer {i}", now=now + 10)
        store.save_score(turn, score, {"score": score, "verdicts": []})
    return sid


def test_migrations_are_applied_once_and_recorded(tmp_path):
    path = tmp_path / "db.sqlite3"
    s = Store(path)
    assert s.applied_migrations() == ["m001_initial", "m002_indexes"]
    assert Store(path).migrate() == []  # reopening applies nothing new
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"migrations", "sessions", "turns"} <= tables


def test_a_failing_migration_leaves_nothing_half_applied(tmp_path, monkeypatch):
    def m003_broken(db):
        db.execute("CREATE TABLE extra (x)")
        raise RuntimeError("boom")

    path = tmp_path / "db.sqlite3"
    Store(path)
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*store_mod.MIGRATIONS, m003_broken])
    with pytest.raises(RuntimeError):
        Store(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
        assert [r[0] for r in db.execute("SELECT name FROM migrations")] == ["m001_initial", "m002_indexes"]


def test_turn_round_trip_and_answer_is_saved_once(store):
    sid = store.create_session("practice", "Practice: ML breadth", ["ml_breadth"], {"timed": False}, now=100.0)
    turn = store.add_turn(sid, 0, "q-1", "ml_breadth", "What is bias?", deadline=None, now=101.0)
    assert store.get_turn(turn).answered is False
    assert store.save_answer(turn, "<b>first</b>", auto_submitted=True, code="x = 1", now=110.0)
    assert not store.save_answer(turn, "second", now=111.0)  # the clock and a click raced: first one wins
    store.save_score(turn, 42.5, {"score": 42.5, "verdicts": [{"point_id": "p1"}]}, {"passed": 1, "total": 2})
    t = store.get_transcript(sid).turns[0]
    assert (t.answer, t.auto_submitted, t.code, t.score) == ("<b>first</b>", True, "x = 1", 42.5)
    assert t.result["verdicts"][0]["point_id"] == "p1" and t.test_report == {"passed": 1, "total": 2}
    assert (t.asked_at, t.answered_at) == (101.0, 110.0)


def test_data_survives_a_new_store_on_the_same_file(tmp_path):
    path = tmp_path / "db.sqlite3"
    sid = _session_with_answers(Store(path), scores=(70.0,))
    again = Store(path)  # what a restarted server opens
    assert again.get_transcript(sid).turns[0].answer == "answer 0"
    assert again.get_session(sid).status == "active"


def test_end_session_only_ends_an_active_session(store):
    sid = store.create_session("interview", "Loop", ["ml_breadth"], now=10.0)
    assert store.finish_session(sid, now=70.0)
    assert not store.close_session(sid)
    s = store.get_session(sid)
    assert (s.status, s.duration_s) == ("finished", 60.0)
    with pytest.raises(ValueError):
        store.end_session(sid, "active")
    with pytest.raises(ValueError):
        store.create_session("quiz", "Loop", [])


def test_list_sessions_filters_and_scores_each_question_by_its_last_attempt(store):
    a = _session_with_answers(store, "interview", ("ml_breadth", "behavioral"), (40.0, 80.0), now=1.0)
    b = _session_with_answers(store, "practice", ("ml_coding",), (30.0,), now=2.0)
    retry = store.add_turn(b, 0, "q0", "ml_coding", "prompt 0", attempt=2, now=3.0)
    store.save_answer(retry, "better", now=4.0)
    store.save_score(retry, 90.0, {"verdicts": []})
    store.close_session(b)
    assert [s.id for s in store.list_sessions()] == [b, a]  # newest first
    assert [s.id for s in store.list_sessions(kind="interview")] == [a]
    assert [s.id for s in store.list_sessions(module="behavioral")] == [a]
    assert [s.id for s in store.list_sessions(status="abandoned")] == [b]
    sa, sb = store.get_session(a), store.get_session(b)
    assert (sa.score, sa.questions, sa.answered) == (60.0, 2, 2)
    assert (sb.score, sb.questions) == (90.0, 1)


def test_recent_question_ids_covers_the_last_n_interviews(store):
    old = store.create_session("interview", "L", ["ml_breadth"], now=1.0)
    store.add_turn(old, 0, "old-q", "ml_breadth", "p", now=1.0)
    for n in range(3):
        sid = store.create_session("interview", "L", ["ml_breadth"], now=10.0 + n)
        store.add_turn(sid, 0, f"q{n}", "ml_breadth", "p", now=10.0 + n)
    practice = store.create_session("practice", "P", ["ml_breadth"], now=20.0)
    store.add_turn(practice, 0, "practised", "ml_breadth", "p", now=20.0)
    assert store.recent_question_ids(3) == {"q0", "q1", "q2"}
    assert store.recent_question_ids(10) == {"old-q", "q0", "q1", "q2"}
    assert store.recent_question_ids(1, kind=None) == {"practised"}
    assert store.recent_question_ids(1, kind=None, exclude_session=practice) == {"q2"}


def test_progress_series_is_per_session_and_module(store):
    _session_with_answers(store, "interview", ("ml_breadth", "ml_breadth", "behavioral"), (40.0, 60.0, 90.0), now=5.0)
    _session_with_answers(store, "practice", ("ml_breadth",), (70.0,), now=9.0)
    assert store.progress_series() == [(5.0, "behavioral", 90.0), (5.0, "ml_breadth", 50.0), (9.0, "ml_breadth", 70.0)]
    assert store.progress_series(kind="practice") == [(9.0, "ml_breadth", 70.0)]
