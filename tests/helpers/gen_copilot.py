"""GitHub Copilot CLI ``session-store.db`` in the CLI's own layout.

The CLI is closed source. The DDL is the schema-version-8 store as public readers declare
it (research part 1 §d1: tokscale ``sessions/copilot_session_store.rs`` test schema,
CodeBurn ``docs/providers/copilot.md``; ``copilot_usage_model``, ``request_multiplier``,
``initiator`` and ``token_details_json`` are the newer columns). Rows are written in WAL
mode, as the CLI does.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

DDL = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (8);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, cwd TEXT, repository TEXT, host_type TEXT,
  branch TEXT, summary TEXT, created_at TEXT, updated_at TEXT
);
CREATE TABLE turns (
  id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT REFERENCES sessions(id),
  turn_index INTEGER, user_message TEXT, assistant_response TEXT, timestamp TEXT
);
CREATE TABLE assistant_usage_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, turn_index INTEGER,
  agent_id TEXT, parent_tool_call_id TEXT, model TEXT NOT NULL, copilot_usage_model TEXT,
  input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
  reasoning_tokens INTEGER, total_nano_aiu INTEGER, request_multiplier REAL, duration_ms INTEGER,
  time_to_first_token_ms INTEGER, inter_token_latency_ms INTEGER, initiator TEXT, api_endpoint TEXT,
  reasoning_effort TEXT, finish_reason TEXT, content_filter_triggered INTEGER, token_details_json TEXT,
  created_at TEXT DEFAULT (datetime('now'))
);
"""

EVENT = (
    "INSERT INTO assistant_usage_events (session_id, turn_index, model, copilot_usage_model, input_tokens,"
    " output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_nano_aiu, created_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)


@dataclass(frozen=True)
class Call:
    """One model call as the CLI stores it: input contains the cache reads and writes."""

    session: str
    model: str
    billed_model: str | None
    input: object
    output: object
    cache_read: object
    cache_write: object
    reasoning: object
    created_at: object
    turn: int = 0


def create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(DDL)
        db.commit()


def add_session(path: Path, sid: str, cwd: str, branch: str, created: str) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "INSERT INTO sessions (id, cwd, repository, host_type, branch, summary, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (sid, cwd, "dev/" + Path(cwd).name, "cli", branch, "a session", created, created),
        )


def add_calls(path: Path, calls: list[Call]) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            EVENT,
            [
                (c.session, c.turn, c.model, c.billed_model, c.input, c.output, c.cache_read, c.cache_write,
                 c.reasoning, 556570000, c.created_at)
                for c in calls
            ],
        )  # fmt: skip


S1 = "4f1c9a2e-7b3d-4c1e-9f0a-1b2c3d4e5f60"


S2 = "9e8d7c6b-5a49-4c38-8b27-16f5e4d3c2b1"


GOOD = [
    # the research's synthetic row: 21343 = 369 fresh + 18000 read + 2974 written
    Call(S1, "claude-sonnet-4.5", "claude-sonnet-4.5", 21343, 100, 18000, 2974, 0, "2026-11-30 10:00:09"),
    # routed model "auto", billed as gpt-5.1; reasoning 300 is inside output 800
    Call(S1, "auto", "gpt-5.1", 5000, 800, 4000, 0, 300, "2026-11-30T10:04:51.120Z", turn=1),
    # no copilot_usage_model (older CLI): the model column; NULL reasoning
    Call(S1, "claude-opus-4.5", None, 1200, 50, 0, 1000, None, "2026-11-30T11:12:30Z", turn=2),
    # a session with no sessions row (deleted): no project
    Call(S2, "gpt-5-mini", "gpt-5-mini", 10, 5, 0, 0, 0, "2026-12-01 00:00:01"),
]


def store(home: Path) -> Path:
    path = home / ".copilot" / "session-store.db"
    create(path)
    add_session(path, S1, "/home/dev/api", "main", "2026-11-30T10:00:00.000Z")
    return path


def build_fixture(home: Path) -> None:
    """``~/.copilot/session-store.db`` with the reader test's ``GOOD`` calls."""
    add_calls(store(home), GOOD)
