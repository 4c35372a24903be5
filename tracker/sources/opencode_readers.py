"""Readers for OpenCode-layout data folders (OpenCode itself and the Kilo CLI fork).

Three generations may sit side by side in one data folder (anomalyco/opencode
``packages/opencode/src/session/session.sql.ts``):

- SQLite ``message(id, session_id, time_created, time_updated, data)`` with the steps in
  ``part(id, message_id, session_id, time_created, time_updated, data)``;
- v2 ``session_message(id, session_id, type, time_created, time_updated, data)``, one row per
  step (``type`` = ``assistant``); a row whose id is also in ``message`` is a projection of
  that message (last step's tokens only) and is left to the exact ``message`` reading;
- legacy JSON ``storage/message/<session>/<message>.json`` with parts in
  ``storage/part/<message>/<part>.json``; a message the database also holds is left to the
  database (the database copy is the one stored, whatever the totals).

Child (subagent) and archived sessions are read like any other: nothing filters on
``parent_id`` or ``time_archived``. The project is ``session.directory`` where the session
table has it, else the message's ``path.root``. See ``opencode_usage`` for the tokens.

Incremental reads: the marks are the largest ``time_updated`` seen in ``message`` and
``session_message`` (rewritten in place) and the largest ``part`` rowid (parts are only
inserted); the next read takes messages updated at or after the mark (a row written in the
same millisecond is read again, which the key makes harmless) or with a step part inserted
since, and re-sums every step of each. A database whose newest row is older than the marks
was replaced (or vacuumed): it is read whole.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tracker.core.reading import ReadResult
from tracker.sources.opencode_usage import (
    Origin,
    add_message,
    decode_message,
    decode_part,
    is_assistant,
    step_tokens,
)

_STEP = "%step-finish%"  # cheap row filter; each candidate is decoded and checked
# Queries on a set of ids take them as one JSON array parameter (``json_each``).
_ALL_STEPS = "SELECT message_id, data FROM part WHERE data LIKE ? ORDER BY message_id, id"
_SOME_STEPS = (
    "SELECT message_id, data FROM part WHERE message_id IN (SELECT value FROM json_each(?)) "
    "AND data LIKE ? ORDER BY message_id, id"
)
_ALL_MESSAGES = "SELECT id, session_id, time_created, data FROM message WHERE data LIKE '%assistant%'"
_SOME_MESSAGES = "SELECT id, session_id, time_created, data FROM message WHERE id IN (SELECT value FROM json_each(?))"


def _columns(db: sqlite3.Connection) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if isinstance(name, str) and name in ("message", "part", "session", "session_message"):
            tables[name] = {str(r[1]) for r in db.execute(f'PRAGMA table_info("{name}")')}
    return tables


def _ids(ids: Sequence[str]) -> str:
    """Ids as one JSON array parameter, for ``IN (SELECT value FROM json_each(?))``."""
    return json.dumps(list(ids))


# The newest row per table: messages and v2 rows are rewritten in place (``time_updated``);
# parts are only ever inserted, so their rowid (an index range, not a scan) marks them.
_NEWEST = {
    "message": "SELECT MAX(time_updated) FROM message",
    "part": "SELECT MAX(rowid) FROM part",
    "session_message": "SELECT MAX(time_updated) FROM session_message",
}


def _newest(db: sqlite3.Connection, table: str) -> int | None:
    value = db.execute(_NEWEST[table]).fetchone()[0]
    if value is None:
        return 0  # an empty table
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return math.floor(value)


class OpenCodeDatabase:
    """``opencode*.db`` / ``kilo.db``: SQLITE reader."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin

    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        try:
            return self._read(db, marks, result)
        except sqlite3.Error as exc:  # a corrupt page or a lock: keep the old marks, retry later
            result.error = f"could not read the OpenCode database: {exc}"
            return dict(marks)

    def _read(self, db: sqlite3.Connection, marks: Mapping[str, int], result: ReadResult) -> dict[str, int]:
        tables = _columns(db)
        projects = self._projects(db, tables.get("session", set()))
        new: dict[str, int] = {}
        newest = {
            t: _newest(db, t) for t, cols in tables.items() if t in _NEWEST and ("time_updated" in cols or t == "part")
        }
        # A database older than what was read before was replaced: read it whole.
        full = not marks or any(t in marks and (newest.get(t) or 0) < marks[t] for t in newest)
        msg_cols = tables.get("message", set())
        v1_ok = {"id", "session_id", "data"} <= msg_cols
        part_ok = {"message_id", "data"} <= tables.get("part", set())
        if v1_ok:
            ids = None if full or "time_updated" not in msg_cols else self._touched(db, marks, tables)
            self._read_messages(db, ids, part_ok, projects, result)
        v2_cols = tables.get("session_message", set())
        if {"id", "session_id", "type", "data"} <= v2_cols:
            since = None if full or "time_updated" not in v2_cols else marks.get("session_message")
            self._read_v2(db, since, v1_ok, projects, result)
        for t, value in newest.items():
            if value is not None:
                new[t] = value
        return new if all(t in new for t in newest) else {}

    @staticmethod
    def _projects(db: sqlite3.Connection, cols: set[str]) -> dict[str, str]:
        if not {"id", "directory"} <= cols:
            return {}
        return {str(i): d for i, d in db.execute("SELECT id, directory FROM session") if isinstance(d, str)}

    @staticmethod
    def _touched(db: sqlite3.Connection, marks: Mapping[str, int], tables: dict[str, set[str]]) -> list[str]:
        """Ids of messages updated since the marks, or with a step part written since."""
        q = "SELECT id FROM message WHERE time_updated >= ?"
        ids = {str(r[0]) for r in db.execute(q, (marks.get("message", 0),))}
        if {"message_id", "data"} <= tables.get("part", set()):
            q = "SELECT message_id FROM part WHERE rowid > ? AND data LIKE ?"
            ids.update(str(r[0]) for r in db.execute(q, (marks.get("part", 0), _STEP)))
        return sorted(ids)

    def _read_messages(
        self,
        db: sqlite3.Connection,
        ids: list[str] | None,
        part_ok: bool,
        projects: dict[str, str],
        result: ReadResult,
    ) -> None:
        steps: dict[str, list[tuple[Any, ...]]] = {}
        if ids is None:
            if part_ok:
                steps = self._steps(db.execute(_ALL_STEPS, (_STEP,)), result)
            self._add_rows(db.execute(_ALL_MESSAGES), steps, projects, result)
            return
        if part_ok:
            steps = self._steps(db.execute(_SOME_STEPS, (_ids(ids), _STEP)), result)
        self._add_rows(db.execute(_SOME_MESSAGES, (_ids(ids),)), steps, projects, result)

    @staticmethod
    def _steps(rows: Iterable[tuple[Any, Any]], result: ReadResult) -> dict[str, list[tuple[Any, ...]]]:
        by_message: dict[str, list[tuple[Any, ...]]] = {}
        for n, (message_id, data) in enumerate(rows, 1):
            part = decode_part(data)
            if part is None:
                result.skip(n, f"step part of message {str(message_id)[:40]!r}: data is not a JSON object")
                continue
            by_message.setdefault(str(message_id), []).extend(step_tokens([part]))
        return by_message

    def _add_rows(
        self,
        rows: Iterable[tuple[Any, Any, Any, Any]],
        steps: dict[str, list[tuple[Any, ...]]],
        projects: dict[str, str],
        result: ReadResult,
    ) -> None:
        for n, (mid, sid, created, data) in enumerate(rows, 1):
            result.lines_read += 1
            msg = decode_message(data)
            if msg is None:
                result.skip(n, f"message {str(mid)[:40]!r}: data is not a JSON object")
                continue
            if not is_assistant(msg):
                continue
            session = str(sid) if sid is not None else ""
            add_message(
                result, n, self.origin, msg, steps.get(str(mid), ()),
                session=session, project=projects.get(session, ""), fallback_ts=created,
            )  # fmt: skip

    def _read_v2(
        self,
        db: sqlite3.Connection,
        since: int | None,
        v1_ok: bool,
        projects: dict[str, str],
        result: ReadResult,
    ) -> None:
        q = "SELECT id, session_id, time_created, data FROM session_message WHERE type = 'assistant'"
        rows = list(db.execute(q, ()) if since is None else db.execute(q + " AND time_updated >= ?", (since,)))
        projected: set[str] = set()
        if v1_ok:  # v2 projections of v1 messages: the v1 row (with its steps) is exact
            q = "SELECT id FROM message WHERE id IN (SELECT value FROM json_each(?))"
            projected.update(str(r[0]) for r in db.execute(q, (_ids([str(r[0]) for r in rows]),)))
        for n, (mid, sid, created, data) in enumerate(rows, 1):
            result.lines_read += 1
            if str(mid) in projected:
                result.ignore("v2 copy of a message the message table holds")
                continue
            msg = decode_message(data)
            if msg is None:
                result.skip(n, f"session_message {str(mid)[:40]!r}: data is not a JSON object")
                continue
            session = str(sid) if sid is not None else ""
            add_message(
                result, n, self.origin, msg, (),
                session=session, project=projects.get(session, ""), fallback_ts=created,
            )  # fmt: skip


class OpenCodeMessageFiles:
    """Legacy ``storage/message/<session>/<message>.json``: DOCUMENT reader."""

    def __init__(self, origin: Origin, db_patterns: tuple[str, ...]) -> None:
        self.origin = origin
        self.db_patterns = db_patterns
        # Message ids per database, by the database's (and its WAL's) size and mtime.
        self._ids: dict[Path, tuple[tuple[int, ...], frozenset[str]]] = {}

    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        msg = decode_message(data)
        if msg is None:
            result.error = "not an OpenCode message (JSON object expected)"
            return
        result.lines_read += 1
        if not is_assistant(msg):
            return
        mid = msg.id if isinstance(msg.id, str) and msg.id else path.stem
        if len(path.parents) < 4:
            return
        storage, data_dir = path.parents[2], path.parents[3]
        if any(mid in self._db_ids(db) for pat in self.db_patterns for db in sorted(data_dir.glob(pat))):
            result.ignore("message also in the database (the database copy counts)")
            return
        steps = []
        for n, part_file in enumerate(sorted((storage / "part" / mid).glob("*.json")), 2):
            try:
                part = decode_part(part_file.read_bytes())
            except OSError:
                part = None
            if part is None:
                result.skip(n, f"unreadable part file {part_file.name}")
                continue
            steps.extend(step_tokens([part]))
        session = msg.sessionID if isinstance(msg.sessionID, str) else path.parent.name
        add_message(result, 1, self.origin, msg, steps, session=session, project="")

    def _db_ids(self, db: Path) -> frozenset[str]:
        try:
            stamp = tuple(
                v for p in (db, db.with_name(db.name + "-wal")) if p.exists()
                for v in (p.stat().st_size, p.stat().st_mtime_ns)
            )  # fmt: skip
        except OSError:
            return frozenset()
        cached = self._ids.get(db)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        ids: frozenset[str] = frozenset()
        try:
            con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
            try:
                if con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='message'").fetchone():
                    ids = frozenset(str(r[0]) for r in con.execute("SELECT id FROM message"))
            finally:
                con.close()
        except sqlite3.Error:
            ids = frozenset()
        self._ids[db] = (stamp, ids)
        return ids
