"""Goose ``sessions.db`` in Goose's own schema, and generated homes for the peer test.

DDL: ``crates/goose/src/session/session_manager.rs`` ``create_schema`` (block/goose), plus the
columns later migrations add (``accumulated_cost``, ``goose_mode``, ``archived_at``,
``project_id``, ``parent_session_id``: the schema-13 capture quoted in research part 2 §3a).
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

DDL = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
INSERT INTO schema_version (version) VALUES (13);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    user_set_name BOOLEAN DEFAULT FALSE,
    session_type TEXT NOT NULL DEFAULT 'user',
    working_dir TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    extension_data TEXT DEFAULT '{}',
    total_tokens INTEGER,
    input_tokens INTEGER,
    output_tokens INTEGER,
    accumulated_total_tokens INTEGER,
    accumulated_input_tokens INTEGER,
    accumulated_output_tokens INTEGER,
    schedule_id TEXT,
    recipe_json TEXT,
    user_recipe_values_json TEXT,
    provider_name TEXT,
    model_config_json TEXT,
    tenant_id TEXT,
    user_id TEXT
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL,
    content_json TEXT NOT NULL,
    created_timestamp INTEGER NOT NULL,
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    tokens INTEGER,
    metadata_json TEXT
);
ALTER TABLE sessions ADD COLUMN accumulated_cost REAL;
ALTER TABLE sessions ADD COLUMN goose_mode TEXT;
ALTER TABLE sessions ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE sessions ADD COLUMN project_id TEXT;
ALTER TABLE sessions ADD COLUMN parent_session_id TEXT;
"""

INSERT = (
    "INSERT INTO sessions (id, name, working_dir, created_at, updated_at, total_tokens, input_tokens,"
    " output_tokens, accumulated_total_tokens, accumulated_input_tokens, accumulated_output_tokens,"
    " accumulated_cost, provider_name, model_config_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


@dataclass(frozen=True)
class Session:
    id: str
    working_dir: str
    created_at: object
    provider: str | None
    model_config: str | None
    last: tuple[object, object, object]  # total, input, output of the last turn
    accumulated: tuple[object, object, object]  # total, input, output over the session
    cost: object = None


def config(model: str) -> str:
    return json.dumps({"model_name": model, "context_limit": 200000, "temperature": None})


def create(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")  # as Goose opens it
        db.executescript(DDL)
        db.commit()
    return path


def add(path: Path, sessions: list[Session]) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            INSERT,
            [
                (s.id, "a session", s.working_dir, s.created_at, s.created_at, *s.last, *s.accumulated, s.cost,
                 s.provider, s.model_config)
                for s in sessions
            ],
        )  # fmt: skip


def grow(path: Path, sid: str, accumulated: tuple[int, int, int], updated_at: str) -> None:
    """Goose after another turn: the session's row rewritten with larger sums."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "UPDATE sessions SET accumulated_total_tokens = ?, accumulated_input_tokens = ?,"
            " accumulated_output_tokens = ?, updated_at = ? WHERE id = ?",
            (*accumulated, updated_at, sid),
        )


@dataclass
class Expected:
    # (day, model) -> [input, output incl. reasoning, reasoning] as read exactly
    ours: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    # (day, model) -> (input, output, cache creation, cache read) as ccusage reports it
    peer: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    copied_sessions: int = 0
    no_model_sessions: int = 0


MODELS = [("anthropic", "claude-sonnet-4-5"), ("openai", "gpt-5.1"), ("google", "gemini-2.5-pro")]


def generate(home: Path, seed: int, days: int = 5, per_day: int = 4) -> Expected:
    """A home with Goose's primary database and a legacy copy holding some of the same sessions.

    ccusage keys a session by (database path, id), so a session in both databases counts
    twice there, once here; a session whose ``model_config_json`` is NULL is skipped there,
    counted under "unknown" here; reasoning (total - input - output) is not in its output.
    """
    rng = random.Random(seed)
    exp = Expected()
    primary: list[Session] = []
    legacy: list[Session] = []
    for d in range(days):
        date = f"2026-11-{20 + d:02}"
        for n in range(per_day):
            provider, model = rng.choice(MODELS)
            inp, out = rng.randint(1000, 900_000), rng.randint(100, 40_000)
            reasoning = rng.randint(1, 5000) if provider == "google" else 0
            no_model = rng.random() < 0.15
            s = Session(
                f"{date.replace('-', '')}_{n + 1}", f"/home/dev/p{n}", f"{date} {rng.randint(0, 23):02}:{n:02}:07",
                provider, None if no_model else config(model), (rng.randint(1, 9999), rng.randint(1, 9999), 1),
                (inp + out + reasoning, inp, out), round(rng.random() * 3, 4),
            )  # fmt: skip
            primary.append(s)
            key = (date, "unknown" if no_model else model)
            exp.ours[key][0] += inp
            exp.ours[key][1] += out + reasoning
            exp.ours[key][2] += reasoning
            copies = 2 if rng.random() < 0.25 else 1
            if copies == 2:
                legacy.append(s)
                exp.copied_sessions += 1
            if no_model:
                exp.no_model_sessions += 1
                continue
            peer = exp.peer[(date, model)]
            peer[0] += inp * copies
            peer[1] += out * copies
    add(create(home / ".local" / "share" / "goose" / "sessions" / "sessions.db"), primary)
    add(create(home / ".local" / "share" / "Block" / "goose" / "sessions" / "sessions.db"), legacy)
    return exp


A = Session(  # the research's synthetic row: last turn 61234/60110/1124, session 912455/889020/23435
    "20261130_4", "/home/me/src/api", "2026-11-30 08:02:11", "anthropic", config("claude-sonnet-4-5"),
    (61234, 60110, 1124), (912455, 889020, 23435), 2.1843,
)  # fmt: skip


B = Session(  # Gemini via Goose: total 12500 = 10000 in + 2000 out + 500 thoughts reported apart
    "20261130_5", "/home/me/src/web", "2026-11-30T17:45:00Z", "google", config("gemini-2.5-pro"),
    (3000, 2800, 200), (12500, 10000, 2000), 0.031,
)  # fmt: skip


C = Session(  # an older Goose that never accumulated: the last turn's columns are all there is
    "20261201_1", "/home/me/src/api", "2026-12-01 09:00:00", "openai", config("gpt-5.1"), (340, 300, 40), (None, None, None)
)  # fmt: skip


D = Session("20261201_2", "/home/me", "2026-12-01 10:00:00", "openai", config("gpt-5.1"), (None,) * 3, (None,) * 3)


E = Session("20261201_3", "/home/me", "2026-12-01 11:00:00", None, None, (0, 0, 0), (110, 100, 10))  # no model config


def db_at(home: Path, *parts: str) -> Path:
    return home.joinpath(*parts, "sessions", "sessions.db")


def build_fixture(home: Path) -> None:
    """Goose's ``sessions.db`` on Linux with the reader test's sessions A to E."""
    add(create(db_at(home, ".local", "share", "goose")), [A, B, C, D, E])
