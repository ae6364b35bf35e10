"""SQLite storage of interviews and practice sessions: one row per session, one per answered (or
pending) question.

The schema is built by numbered, append-only migrations (`m001_initial`, `m002_...`) that are
recorded in a `migrations` table and applied when a `Store` is opened. Every call opens its own
short-lived connection (Gradio runs handlers in threads; a connection must not cross threads),
the database runs in WAL mode, and every write commits before the call returns, so a killed
server loses nothing that was submitted. Nothing here scores, picks questions or renders.
"""
from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import config

KINDS = ("interview", "practice")
STATUSES = ("active", "finished", "abandoned")


# ------------------------------------------------------------------ migrations

def _run(db: sqlite3.Connection, script: str) -> None:
    """Run each statement with execute() (executescript would commit the migration half-way)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m001_initial(db: sqlite3.Connection) -> None:
    _run(db, """
        CREATE TABLE sessions (
            id          TEXT PRIMARY KEY,                 -- uuid4 hex
            kind        TEXT NOT NULL CHECK (kind IN ('interview', 'practice')),
            loop        TEXT NOT NULL DEFAULT '',         -- loop name, or 'Practice: <module>'
            modules     TEXT NOT NULL DEFAULT '[]',       -- json list of module names
            status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished', 'abandoned')),
            started_at  REAL NOT NULL,                    -- unix seconds
            ended_at    REAL,
            settings    TEXT NOT NULL DEFAULT '{}'        -- json: plan, timing, filters...
        );
        CREATE TABLE turns (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx             INTEGER NOT NULL,             -- question number in the session, from 0
            attempt         INTEGER NOT NULL DEFAULT 1,   -- practice retries of the same question
            question_id     TEXT NOT NULL,
            module          TEXT NOT NULL,
            prompt          TEXT NOT NULL,
            answer          TEXT,                         -- NULL until answered
            score           REAL,
            result          TEXT,                         -- json ScoreResult (verdicts, evidence, versions)
            auto_submitted  INTEGER NOT NULL DEFAULT 0,
            asked_at        REAL NOT NULL,
            deadline        REAL,                         -- wall clock, NULL when untimed
            answered_at     REAL,
            code            TEXT,                         -- ml_coding: the submitted code
            test_report     TEXT,                         -- ml_coding: json RunReport of the hidden tests
            UNIQUE (session_id, idx, attempt)
        );
    """)


def m002_indexes(db: sqlite3.Connection) -> None:
    _run(db, """
        CREATE INDEX turns_session ON turns(session_id, idx, attempt);
        CREATE INDEX turns_question ON turns(question_id);
        CREATE INDEX sessions_started ON sessions(started_at);
    """)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_indexes]


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class SessionRow:
    id: str
    kind: str
    loop: str
    modules: list[str]
    status: str
    started_at: float
    ended_at: float | None
    settings: dict
    questions: int = 0            # distinct questions asked
    answered: int = 0             # distinct questions answered
    score: float | None = None    # mean of each question's last answered attempt

    @property
    def duration_s(self) -> float | None:
        return None if self.ended_at is None else max(0.0, self.ended_at - self.started_at)


@dataclass(frozen=True)
class Turn:
    id: int
    session_id: str
    idx: int
    attempt: int
    question_id: str
    module: str
    prompt: str
    answer: str | None
    score: float | None
    result: dict | None
    auto_submitted: bool
    asked_at: float
    deadline: float | None
    answered_at: float | None
    code: str | None = None
    test_report: dict | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass(frozen=True)
class Transcript:
    session: SessionRow
    turns: list[Turn] = field(default_factory=list)  # ordered by (idx, attempt)

    def final_turns(self) -> list[Turn]:
        """The last answered attempt of each question (what a scorecard counts)."""
        last: dict[int, Turn] = {}
        for t in self.turns:
            if t.answered:
                last[t.idx] = t
        return [last[i] for i in sorted(last)]


def _loads(raw: str | None):
    return None if raw is None else json.loads(raw)


def _turn(row: sqlite3.Row) -> Turn:
    return Turn(row["id"], row["session_id"], row["idx"], row["attempt"], row["question_id"], row["module"],
                row["prompt"], row["answer"], row["score"], _loads(row["result"]), bool(row["auto_submitted"]),
                row["asked_at"], row["deadline"], row["answered_at"], row["code"], _loads(row["test_report"]))


# ------------------------------------------------------------------ the store

class Store:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else config.db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.migrate()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection, committed on success and always closed."""
        with closing(sqlite3.connect(self.path, timeout=15)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # transaction: commit or roll back
                yield db

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; returns the names applied now."""
        applied_now = []
        with closing(sqlite3.connect(self.path, timeout=15, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN IMMEDIATE")  # one transaction: two processes starting at once cannot both migrate
            try:
                db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
                done = {r[0] for r in db.execute("SELECT name FROM migrations")}
                for fn in MIGRATIONS:
                    if fn.__name__ not in done:
                        fn(db)
                        db.execute("INSERT INTO migrations VALUES (?, ?)", (fn.__name__, time.time()))
                        applied_now.append(fn.__name__)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return applied_now

    def applied_migrations(self) -> list[str]:
        with self._db() as db:
            return [r["name"] for r in db.execute("SELECT name FROM migrations ORDER BY rowid")]

    # -------------------------------------------------------------- sessions
    def create_session(self, kind: str, loop: str, modules: list[str], settings: dict | None = None,
                       now: float | None = None) -> str:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        sid = uuid.uuid4().hex
        with self._db() as db:
            db.execute("INSERT INTO sessions (id, kind, loop, modules, started_at, settings) VALUES (?, ?, ?, ?, ?, ?)",
                       (sid, kind, loop, json.dumps(modules), now or time.time(), json.dumps(settings or {})))
        return sid

    def update_settings(self, session_id: str, **changes) -> dict:
        with self._db() as db:
            row = db.execute("SELECT settings FROM sessions WHERE id = ?", (session_id,)).fetchone()
            settings = {**json.loads(row["settings"]), **changes}
            db.execute("UPDATE sessions SET settings = ? WHERE id = ?", (json.dumps(settings), session_id))
        return settings

    def end_session(self, session_id: str, status: str = "finished", now: float | None = None) -> bool:
        """Mark an active session finished or abandoned; False if it was not active."""
        if status not in ("finished", "abandoned"):
            raise ValueError(f"status must be 'finished' or 'abandoned', not {status!r}")
        with self._db() as db:
            cur = db.execute("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'active'",
                             (status, now or time.time(), session_id))
        return cur.rowcount == 1

    def finish_session(self, session_id: str, now: float | None = None) -> bool:
        return self.end_session(session_id, "finished", now)

    def close_session(self, session_id: str, now: float | None = None) -> bool:
        return self.end_session(session_id, "abandoned", now)

    _SUMMARY = """
        SELECT s.*,
               (SELECT COUNT(DISTINCT idx) FROM turns t WHERE t.session_id = s.id) AS n_questions,
               (SELECT COUNT(DISTINCT idx) FROM turns t WHERE t.session_id = s.id AND t.answered_at IS NOT NULL) AS n_answered,
               (SELECT AVG(t.score) FROM turns t WHERE t.session_id = s.id AND t.answered_at IS NOT NULL
                  AND t.attempt = (SELECT MAX(u.attempt) FROM turns u WHERE u.session_id = t.session_id
                                   AND u.idx = t.idx AND u.answered_at IS NOT NULL)) AS mean_score
        FROM sessions s"""

    @staticmethod
    def _session(row: sqlite3.Row) -> SessionRow:
        score = row["mean_score"]
        return SessionRow(row["id"], row["kind"], row["loop"], json.loads(row["modules"]), row["status"],
                          row["started_at"], row["ended_at"], json.loads(row["settings"]), row["n_questions"],
                          row["n_answered"], None if score is None else round(score, 1))

    def get_session(self, session_id: str) -> SessionRow:
        with self._db() as db:
            row = db.execute(self._SUMMARY + " WHERE s.id = ?", (session_id,)).fetchone()
        if row is None:
            raise KeyError(f"no session {session_id!r}")
        return self._session(row)

    def list_sessions(self, kind: str | None = None, module: str | None = None, status: str | None = None,
                      limit: int = 500) -> list[SessionRow]:
        """Sessions newest first, optionally only one kind, one status, or those that include a module."""
        where, args = [], []
        if kind:
            where.append("s.kind = ?")
            args.append(kind)
        if status:
            where.append("s.status = ?")
            args.append(status)
        if module:
            where.append("EXISTS (SELECT 1 FROM json_each(s.modules) WHERE value = ?)")
            args.append(module)
        sql = self._SUMMARY + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.started_at DESC LIMIT ?"
        with self._db() as db:
            return [self._session(r) for r in db.execute(sql, (*args, limit))]

    # -------------------------------------------------------------- turns
    def add_turn(self, session_id: str, idx: int, question_id: str, module: str, prompt: str,
                 deadline: float | None = None, attempt: int = 1, now: float | None = None) -> int:
        """Record that a question was asked (its answer comes later); returns the turn id."""
        with self._db() as db:
            cur = db.execute("INSERT INTO turns (session_id, idx, attempt, question_id, module, prompt, asked_at, deadline)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (session_id, idx, attempt, question_id, module, prompt, now or time.time(), deadline))
        return cur.lastrowid

    def set_deadline(self, turn_id: int, deadline: float | None) -> None:
        with self._db() as db:
            db.execute("UPDATE turns SET deadline = ? WHERE id = ?", (deadline, turn_id))

    def save_answer(self, turn_id: int, answer: str, auto_submitted: bool = False, code: str | None = None,
                    now: float | None = None) -> bool:
        """Store the answer, committed before returning (before it is scored, so a crash while
        scoring loses nothing). A turn is answered once: a second save (a manual submit racing the
        clock's auto-submit) is refused and returns False."""
        with self._db() as db:
            cur = db.execute("UPDATE turns SET answer = ?, auto_submitted = ?, code = ?, answered_at = ?"
                             " WHERE id = ? AND answered_at IS NULL",
                             (answer, int(auto_submitted), code, now or time.time(), turn_id))
        return cur.rowcount == 1

    def save_score(self, turn_id: int, score: float | None, result: dict | None,
                   test_report: dict | None = None) -> None:
        """Store the verdicts of an answered turn (and, for ML coding, the hidden tests' report)."""
        with self._db() as db:
            db.execute("UPDATE turns SET score = ?, result = ?, test_report = ? WHERE id = ?",
                       (score, None if result is None else json.dumps(result),
                        None if test_report is None else json.dumps(test_report), turn_id))

    def get_turn(self, turn_id: int) -> Turn:
        with self._db() as db:
            row = db.execute("SELECT * FROM turns WHERE id = ?", (turn_id,)).fetchone()
        if row is None:
            raise KeyError(f"no turn {turn_id}")
        return _turn(row)

    def get_transcript(self, session_id: str) -> Transcript:
        session = self.get_session(session_id)
        with self._db() as db:
            rows = db.execute("SELECT * FROM turns WHERE session_id = ? ORDER BY idx, attempt", (session_id,)).fetchall()
        return Transcript(session, [_turn(r) for r in rows])

    # -------------------------------------------------------------- history queries
    def recent_question_ids(self, sessions: int = 3, kind: str | None = "interview",
                            exclude_session: str | None = None) -> set[str]:
        """Question ids asked in the last `sessions` sessions (of one kind, or any when kind is None)."""
        sql = "SELECT id FROM sessions WHERE id != ?" + (" AND kind = ?" if kind else "") + \
              " ORDER BY started_at DESC LIMIT ?"
        args = (exclude_session or "", kind, sessions) if kind else (exclude_session or "", sessions)
        with self._db() as db:
            ids = [r["id"] for r in db.execute(sql, args)]
            if not ids:
                return set()
            marks = ",".join("?" * len(ids))
            return {r["question_id"] for r in db.execute(
                f"SELECT DISTINCT question_id FROM turns WHERE session_id IN ({marks})", ids)}

    def progress_series(self, kind: str | None = None) -> list[tuple[float, str, float]]:
        """(session start, module, mean score) for every session and module with answered
        questions, oldest first; each question counts with its last answered attempt."""
        sql = """
            SELECT s.started_at, t.module, AVG(t.score) AS score FROM turns t JOIN sessions s ON s.id = t.session_id
            WHERE t.answered_at IS NOT NULL AND t.score IS NOT NULL
              AND t.attempt = (SELECT MAX(u.attempt) FROM turns u WHERE u.session_id = t.session_id
                               AND u.idx = t.idx AND u.answered_at IS NOT NULL)""" + \
              (" AND s.kind = ?" if kind else "") + " GROUP BY s.id, t.module ORDER BY s.started_at, t.module"
        with self._db() as db:
            return [(r["started_at"], r["module"], round(r["score"], 1)) for r in db.execute(sql, (kind,) if kind else ())]
