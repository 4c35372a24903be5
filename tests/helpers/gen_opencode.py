"""OpenCode-layout data folders (OpenCode, Kilo CLI) in the tool's real format, for tests.

The DDL follows OpenCode's Drizzle schema, anomalyco/opencode
``packages/opencode/src/session/session.sql.ts`` (tables ``session``, ``message``, ``part``,
``session_message``; ``Timestamps`` = ``time_created``/``time_updated`` integer columns), as
Drizzle emits it for SQLite. Message and part JSON follow ``session/message-v2.ts``
(``Assistant``, ``StepFinishPart``) and v2 rows ``packages/core/src/session-message.ts``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DDL = """
CREATE TABLE `session` (
    `id` text PRIMARY KEY, `project_id` text NOT NULL, `workspace_id` text, `parent_id` text,
    `slug` text NOT NULL, `directory` text NOT NULL, `path` text, `title` text NOT NULL,
    `version` text NOT NULL, `share_url` text, `summary_additions` integer,
    `summary_deletions` integer, `summary_files` integer, `summary_diffs` text,
    `cost` real DEFAULT 0 NOT NULL, `tokens_input` integer DEFAULT 0 NOT NULL,
    `tokens_output` integer DEFAULT 0 NOT NULL, `tokens_reasoning` integer DEFAULT 0 NOT NULL,
    `tokens_cache_read` integer DEFAULT 0 NOT NULL, `tokens_cache_write` integer DEFAULT 0 NOT NULL,
    `revert` text, `permission` text, `goal` text, `agent` text, `model` text,
    `time_created` integer NOT NULL, `time_updated` integer NOT NULL,
    `time_compacting` integer, `time_archived` integer
);
CREATE INDEX `session_parent_idx` ON `session` (`parent_id`);
CREATE TABLE `message` (
    `id` text PRIMARY KEY, `session_id` text NOT NULL,
    `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,
    CONSTRAINT `fk_message_session_id_session_id_fk` FOREIGN KEY (`session_id`)
        REFERENCES `session`(`id`) ON DELETE CASCADE
);
CREATE INDEX `message_session_time_created_id_idx` ON `message` (`session_id`, `time_created`, `id`);
CREATE TABLE `part` (
    `id` text PRIMARY KEY, `message_id` text NOT NULL, `session_id` text NOT NULL,
    `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,
    CONSTRAINT `fk_part_message_id_message_id_fk` FOREIGN KEY (`message_id`)
        REFERENCES `message`(`id`) ON DELETE CASCADE
);
CREATE INDEX `part_message_id_id_idx` ON `part` (`message_id`, `id`);
CREATE TABLE `session_message` (
    `id` text PRIMARY KEY, `session_id` text NOT NULL, `type` text NOT NULL,
    `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,
    CONSTRAINT `fk_session_message_session_id_session_id_fk` FOREIGN KEY (`session_id`)
        REFERENCES `session`(`id`) ON DELETE CASCADE
);
"""

Tokens = tuple[int, int, int, int, int]  # input, output, reasoning, cache read, cache write


def tokens_json(t: Tokens) -> dict[str, Any]:
    return {"input": t[0], "output": t[1], "reasoning": t[2], "cache": {"read": t[3], "write": t[4]}}


@dataclass
class Msg:
    """One assistant message and its steps (each step a billed request)."""

    id: str
    session: str
    created: float
    steps: Sequence[tuple[Tokens, float]]  # (tokens, cost) per step-finish part
    model: str = "claude-sonnet-4-5"
    provider: str = "anthropic"
    agent: str = "build"
    cwd: str = "/home/u/proj"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        return round(sum(c for _, c in self.steps), 6)

    def data(self, with_ids: bool = False) -> dict[str, Any]:
        """``message.data`` as OpenCode writes it: the last step's tokens, the summed cost."""
        last = self.steps[-1][0] if self.steps else (0, 0, 0, 0, 0)
        d: dict[str, Any] = {
            "role": "assistant",
            "time": {"created": self.created, "completed": self.created + 5000},
            "parentID": f"{self.id}_user",
            "modelID": self.model,
            "providerID": self.provider,
            "mode": self.agent,
            "agent": self.agent,
            "path": {"cwd": self.cwd, "root": self.cwd},
            "cost": self.cost,
            "tokens": tokens_json(last),
            "finish": "stop",
        }
        if with_ids:
            d = {"id": self.id, "sessionID": self.session, **d}
        d.update(self.extra)
        return d

    def part_rows(self) -> list[tuple[str, dict[str, Any]]]:
        rows: list[tuple[str, dict[str, Any]]] = [(f"prt_{self.id}_0start", {"type": "step-start"})]
        for i, (t, c) in enumerate(self.steps):
            rows.append((f"prt_{self.id}_{i + 1}", {"type": "text", "text": "…"}))
            reason = "tool-calls" if i < len(self.steps) - 1 else "stop"
            rows.append(
                (
                    f"prt_{self.id}_{i + 1}f",
                    {"type": "step-finish", "reason": reason, "cost": c, "tokens": tokens_json(t)},
                )
            )
        return rows


def create_db(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(DDL)
    return db


def add_session(
    db: sqlite3.Connection,
    sid: str,
    directory: str = "/home/u/proj",
    parent: str | None = None,
    archived: int | None = None,
    created: int = 1764493200000,
) -> None:
    db.execute(
        "INSERT INTO session(id, project_id, parent_id, slug, directory, title, version, time_created,"
        " time_updated, time_archived) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (sid, "4b825dc642cb6eb9", parent, f"slug-{sid}", directory, "t", "1.17.13", created, created, archived),
    )


def add_message(db: sqlite3.Connection, m: Msg, updated: int | None = None, steps: int | None = None) -> None:
    """Insert (or update) ``m`` with its first ``steps`` steps (all by default)."""
    shown = Msg(**{**m.__dict__, "steps": list(m.steps)[: len(m.steps) if steps is None else steps]})
    when = updated if updated is not None else int(m.created) + 1000
    db.execute(
        "INSERT INTO message(id, session_id, time_created, time_updated, data) VALUES (?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET data = excluded.data, time_updated = excluded.time_updated",
        (m.id, m.session, int(m.created), when, json.dumps(shown.data())),
    )
    for pid, data in shown.part_rows():
        db.execute(
            "INSERT OR IGNORE INTO part(id, message_id, session_id, time_created, time_updated, data)"
            " VALUES (?,?,?,?,?,?)",
            (pid, m.id, m.session, when, when, json.dumps(data)),
        )


def add_user_message(db: sqlite3.Connection, mid: str, session: str, created: int) -> None:
    data = {"role": "user", "time": {"created": created}, "agent": "build", "model": {"providerID": "anthropic"}}
    db.execute(
        "INSERT INTO message(id, session_id, time_created, time_updated, data) VALUES (?,?,?,?,?)",
        (mid, session, created, created, json.dumps(data)),
    )


def add_v2_step(
    db: sqlite3.Connection, mid: str, session: str, created: int, t: Tokens, cost: float, model: str, provider: str
) -> None:
    """A v2 ``session_message`` assistant row (one step; ``id``/``type`` are columns)."""
    data = {
        "agent": "build",
        "model": {"id": model, "providerID": provider},
        "content": [{"type": "text", "text": "…"}],
        "finish": "stop",
        "cost": cost,
        "tokens": tokens_json(t),
        "time": {"created": created, "completed": created + 3000},
    }
    db.execute(
        "INSERT INTO session_message(id, session_id, type, time_created, time_updated, data) VALUES (?,?,?,?,?,?)",
        (mid, session, "assistant", created, created + 3000, json.dumps(data)),
    )


def write_legacy(data_dir: Path, m: Msg) -> Path:
    """Legacy ``storage/message/<session>/<message>.json`` and its ``storage/part`` files."""
    msg_file = data_dir / "storage" / "message" / m.session / f"{m.id}.json"
    msg_file.parent.mkdir(parents=True, exist_ok=True)
    msg_file.write_text(json.dumps(m.data(with_ids=True)))
    part_dir = data_dir / "storage" / "part" / m.id
    part_dir.mkdir(parents=True, exist_ok=True)
    for pid, data in m.part_rows():
        (part_dir / f"{pid}.json").write_text(
            json.dumps({"id": pid, "messageID": m.id, "sessionID": m.session, **data})
        )
    return msg_file


M1 = Msg("msg_01A", "ses_A", 1764493201000, [((810, 140, 0, 29000, 1500), 0.0227), ((820, 95, 0, 30500, 1200), 0.0194)])


M2 = Msg(
    "msg_02A", "ses_A", 1764493300123.75, [((100, 50, 30, 0, 0), 0.0012)], model="gpt-5.1-codex", provider="openai"
)


M3 = Msg(
    "msg_03B",
    "ses_B",
    1764493400000,
    [((200, 20, 0, 1000, 0), 0.0)],
    model="claude-sonnet-4.5",
    provider="github-copilot",
)


M4 = Msg("msg_04A", "ses_A", 1764493500000, [])  # aborted: no step, zero tokens


M7 = Msg("msg_07A", "ses_A", 1764493700000, [((70, 7, 0, 0, 0), 0.001), ((71, 8, 0, 0, 0), 0.001)])


M8 = Msg("msg_08A", "ses_A", 1764493800000, [((10, 5, 0, 0, 0), 0.0)], extra={"agent": 5, "path": "x", "cost": "free"})


OLD = Msg("msg_00Z", "ses_old", 1760000000000, [((50, 10, 0, 0, 100), 0.001), ((60, 12, 0, 100, 0), 0.002)])


def build_home(home: Path) -> Path:
    data = home / ".local" / "share" / "opencode"
    db = create_db(data / "opencode.db")
    add_session(db, "ses_A")
    add_session(db, "ses_B", parent="ses_A", archived=1764499999000)  # child (subagent), archived
    add_session(db, "ses_C")  # a fork of ses_A
    add_session(db, "ses_D", directory="/home/u/other")
    for m in (M1, M2, M3, M4, M7, M8):
        add_message(db, m)
    add_message(db, Msg(**{**M1.__dict__, "id": "msg_fork1", "session": "ses_C"}))  # Session.fork copy
    add_user_message(db, "msg_u1", "ses_A", 1764493200500)
    truncated = '{"role":"assistant","tokens":{"inp'
    db.execute("INSERT INTO message VALUES ('msg_05A','ses_A',1764493600000,1764493600000,?)", (truncated,))
    huge = {**M1.data(), "time": {"created": 1764493650000}, "tokens": {"input": 10**20, "output": 1}}
    db.execute("INSERT INTO message VALUES ('msg_06A','ses_A',1764493650000,1764493650000,?)", (json.dumps(huge),))
    db.execute(  # a poisoned step part (NUL bytes): skipped, the message's other step still counts
        "UPDATE part SET data = ? WHERE id = 'prt_msg_07A_2f'", ('{"type":"step-finish","tokens":\x00\x00',)
    )
    add_v2_step(db, "evt_v2_1", "ses_D", 1764500000000, (300, 40, 10, 5, 0), 0.01, "gpt-5", "openai")
    add_v2_step(
        db, "msg_01A", "ses_A", 1764493201000, (820, 95, 0, 30500, 1200), 0.0421, "claude-sonnet-4-5", "anthropic"
    )
    db.commit()
    db.close()
    write_legacy(data, M1)  # also in the database: the database copy counts
    write_legacy(data, OLD)  # only in legacy JSON
    return data


def build_fixture(home: Path) -> None:
    """OpenCode's data folder on Linux: ``build_home``'s database and legacy JSON."""
    build_home(home)
