"""GitHub Copilot CLI: ``~/.copilot/session-store.db`` (``COPILOT_HOME`` replaces ``~/.copilot``).

The CLI (and the GitHub desktop app) keeps a WAL-mode SQLite store, written whether or not
telemetry is on. One ``assistant_usage_events`` row per model call: ``id`` (AUTOINCREMENT),
``session_id``, ``turn_index``, ``model`` and ``copilot_usage_model`` (the billed model,
preferred), ``input_tokens``, ``output_tokens``, ``cache_read_tokens``,
``cache_write_tokens``, ``reasoning_tokens``, ``total_nano_aiu``, ``request_multiplier``,
``initiator``, ``created_at`` (ISO 8601 or ``YYYY-MM-DD HH:MM:SS`` UTC). ``sessions`` gives
the ``cwd`` and ``branch``. The CLI is closed source: the layout is the one public readers
of store schema version 8 declare (research part 1 §d1).

Tokens, in the contract's terms: ``input_tokens`` contains the cache reads **and** the cache
writes (subset: a live row has input 15805 = 3 fresh + 15802 written), so both are
subtracted; ``output_tokens`` already contains ``reasoning_tokens`` (the row's billed
token types are input, output, cache read and cache write only), so reasoning is
informational. Copilot bills premium requests, not tokens: cost is API-equivalent.

The key is ``cp:<session>:<id>:<created_at>``: the row id alone is reused when the store
is deleted and recreated, the creation time is not. Incremental: rows are only appended,
so the largest id read is the mark, with that row's creation time; a store whose row at the
mark is missing or was created at another time was recreated and is read from the start.

``session-state/<id>/events.jsonl`` is not read: its ``assistant.message`` events carry no
input or cache counts and its ``session.shutdown`` rollups are per-session sums of these
same rows (written only on a clean exit), with no request identity to share keys with, so
reading both would count every call twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.sqlite_rows import select_list, table_columns, text, timestamp_ms

NAME = "copilot"
EVENTS = "assistant_usage_events"
EVENT_COLUMNS = (
    "id", "session_id", "model", "copilot_usage_model", "input_tokens", "output_tokens",
    "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "created_at",
)  # fmt: skip
SESSION_COLUMNS = ("cwd", "branch")
MARK = "id"
MARK_AT = "id_created_ms"  # the marked row's creation time: a recreated store does not match it


class StoreReader:
    """``SqliteReader`` for ``session-store.db``."""

    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        try:
            return self._read(db, marks, result)
        except sqlite3.Error as exc:  # not a database, or a corrupt one: report, keep the marks
            result.error = f"cannot read the Copilot session store: {exc}"
            return dict(marks)

    def _read(self, db: sqlite3.Connection, marks: Mapping[str, int], result: ReadResult) -> dict[str, int]:
        columns = table_columns(db, EVENTS)
        if not {"id", "input_tokens", "output_tokens"} <= columns:
            return {}  # no usage table in this store (yet): nothing here
        after = marks.get(MARK, 0)
        if after and _created_ms(db, columns, after) != marks.get(MARK_AT):
            after = 0  # the store was recreated (its ids started again): read it all
        session_cols = table_columns(db, "sessions")
        join = "id" in session_cols and "session_id" in columns
        query = (
            f"SELECT {select_list(columns, EVENT_COLUMNS, 'e.')}, "  # noqa: S608 - names from constants
            f"{select_list(session_cols if join else frozenset(), SESSION_COLUMNS, 's.')} FROM {EVENTS} e "
            + ('LEFT JOIN sessions s ON s."id" = e."session_id" ' if join else "")
            + "WHERE e.id > ? ORDER BY e.id"
        )
        rows = db.execute(query, (after,)).fetchall()
        mark, mark_at = after, marks.get(MARK_AT, 0) if after else 0
        for row in rows:
            if isinstance(row[0], int) and row[0] > mark:
                mark, mark_at = row[0], timestamp_ms(row[9]) or 0
            _add_row(row, result)
            result.lines_read += 1
        return {MARK: mark, MARK_AT: mark_at} if mark else {}


def _created_ms(db: sqlite3.Connection, columns: frozenset[str], rid: int) -> int:
    """When row ``rid`` was created (0: no such row or no time), to tell this store from a new one."""
    if "created_at" not in columns:
        return 0
    row = db.execute(f"SELECT created_at FROM {EVENTS} WHERE id = ?", (rid,)).fetchone()  # noqa: S608 - constant names
    return (timestamp_ms(row[0]) or 0) if row else 0


def _add_row(row: tuple[object, ...], result: ReadResult) -> None:
    rid, session, model, billed_model, inp, out, read, write, reasoning, created, cwd, branch = row
    line = rid if isinstance(rid, int) else 0
    ts = timestamp_ms(created)
    if ts is None:
        result.skip(line, "Copilot usage row without a readable created_at")
        return
    sid = text(session)
    add_usage(
        result, line, source=NAME,
        key=f"cp:{sid}:{rid}:{text(created) or ts}",
        session=sid, project=text(cwd), branch=text(branch),
        model=text(billed_model) or text(model), ts_ms=ts,
        input=inp, output=out, cache_read=read, cache_write_5m=write, reasoning=reasoning,
        input_includes_cache_read=True, input_includes_cache_write=True,
    )  # fmt: skip


STORE = StoreReader()

SPEC = SourceSpec(
    id=NAME,
    label="GitHub Copilot CLI",
    roots=(Root("~/.copilot", env="COPILOT_HOME"),),
    parts=(Part("store", Kind.SQLITE, ("session-store.db",), STORE, skip_dirs=("session-state", "logs", "pkg")),),
    counts="Each model call in the CLI's session store, cache reads and writes taken out of its input; "
    "cost is API-equivalent (Copilot bills premium requests).",
    api_equivalent_cost=True,
)
