"""Zed's built-in agent: ``<data>/threads/threads.db``.

Zed's data folder (``crates/paths``): ``$XDG_DATA_HOME/zed`` on Linux (default
``~/.local/share/zed``), ``~/Library/Application Support/Zed`` on macOS,
``%LOCALAPPDATA%\\Zed`` on Windows. External ACP agents (Claude Code, Codex, Gemini run
inside Zed) are not in this database; their own logs cover them.

Table ``threads`` (``crates/agent/src/db.rs``): ``id``, ``summary``, ``updated_at``
(RFC 3339), ``data_type`` (``zstd`` now, ``json`` for old rows), ``data`` (the thread
document), and later ``parent_id``, ``folder_paths`` (newline-separated), ``created_at``.
A save rewrites the row (``ON CONFLICT(id) DO UPDATE``) and keeps its first ``created_at``.
The document's ``cumulative_token_usage`` adds every request of the thread;
``request_token_usage`` holds, per user message, only the **last** request of that turn's
agent loop (overwritten), so it is read only when the cumulative figure is empty (legacy
threads keep it as a list). ``imported`` threads are copies of shared threads (no usage of
this user's). Prompts and replies in ``messages`` are never decoded.

Tokens (``language_model::TokenUsage``): ``input_tokens`` fresh, cache writes
(``cache_creation_input_tokens``) and reads (``cache_read_input_tokens``) apart — Anthropic's
shape. OpenAI-style providers fill ``input_tokens`` with the whole prompt and no cache split
(``crates/open_ai/src/completion.rs``), so nothing is counted twice either way. Output
includes any reasoning.

A thread is cumulative and its requests carry no times, so it is **one record per thread**,
key ``zed:<thread id>``, dated at its ``created_at`` (``updated_at`` for rows from before that
column); the store keeps the copy with the most tokens, so a growing thread updates its one
row. Incremental: only rows saved at or after the last ``updated_at`` read, and rows added
since (a rowid above the last one: a thread migrated in with an old ``updated_at``), are
decompressed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage, token_count
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.sqlite_rows import select_list, table_columns, text, timestamp_ms

NAME = "zed"
MARK = "updated_ms"
ROW_MARK = "rowid"
MAX_THREAD_BYTES = 256 * 1024 * 1024  # a decompressed thread above this is corrupt (or a bomb)
CHUNK = 1024 * 1024
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


class _Thread(msgspec.Struct):
    cumulative_token_usage: Any = None
    request_token_usage: Any = None
    model: Any = None
    imported: Any = False


_THREAD = msgspec.json.Decoder(_Thread)


class DataError(ValueError):
    """A thread's data blob that cannot be turned into its JSON document."""


def _inflate(blob: bytes) -> bytes:
    import zstandard  # deferred: only a Zed import needs it

    out = bytearray()
    try:
        with zstandard.ZstdDecompressor().stream_reader(blob) as reader:
            while chunk := reader.read(CHUNK):
                out += chunk
                if len(out) > MAX_THREAD_BYTES:
                    raise DataError("a thread larger than 256 MiB when decompressed")
    except zstandard.ZstdError as exc:
        raise DataError(f"a corrupt zstd frame ({exc})") from None
    return bytes(out)


def _document(data_type: object, data: object) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, bytes):
        raise DataError("a thread without data")
    if data_type == "zstd":
        return _inflate(data)
    if data_type == "json":
        return data
    raise DataError(f"an unknown data_type {text(data_type)!r}")


def _usage_sum(usages: list[Any]) -> list[object] | None:
    """Per-field sums of TokenUsage objects; None when one holds an unusable number."""
    totals = [0, 0, 0, 0]
    for usage in usages:
        if not isinstance(usage, dict):
            continue
        for i, name in enumerate(TOKEN_FIELDS):
            count = token_count(usage.get(name))
            if count is None:
                return None
            totals[i] += count
    return list(totals)


def _thread_usage(thread: _Thread) -> list[object] | None:
    cumulative = thread.cumulative_token_usage
    if isinstance(cumulative, dict) and any(cumulative.get(n) for n in TOKEN_FIELDS):
        return [cumulative.get(n) for n in TOKEN_FIELDS]
    per_turn = thread.request_token_usage
    if isinstance(per_turn, dict):
        return _usage_sum(list(per_turn.values()))
    if isinstance(per_turn, list):  # agent-1 threads: one entry per message
        return _usage_sum(per_turn)
    return [0, 0, 0, 0]


def _model(raw: object) -> str:
    if isinstance(raw, dict):
        return text(raw.get("model")).strip()
    return ""


class ThreadsReader:
    """``SqliteReader`` for ``threads.db``."""

    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        after, last_row = marks.get(MARK, 0), marks.get(ROW_MARK, 0)
        try:
            columns = table_columns(db, "threads")
            if not {"id", "data", "data_type", "updated_at"} <= columns:
                return {}  # no threads table (yet): nothing here
            index = db.execute(
                f"SELECT rowid, updated_at, {select_list(columns, ('created_at',))} FROM threads ORDER BY rowid"  # noqa: S608 - names from constants
            ).fetchall()
        except sqlite3.Error as exc:  # not a database, or a corrupt one
            result.error = f"cannot read Zed's threads database: {exc}"
            return dict(marks)
        one_row = f"SELECT id, data_type, data, {select_list(columns, ('folder_paths',))} FROM threads WHERE rowid = ?"  # noqa: S608 - names from constants
        mark, row_mark = after, last_row
        for rowid, updated, created in index:
            updated_ms = timestamp_ms(updated)
            row_mark = max(row_mark, rowid)
            if updated_ms is not None and updated_ms < after and rowid <= last_row:
                continue  # unchanged since the last read
            result.lines_read += 1
            try:
                row = db.execute(one_row, (rowid,)).fetchone()
            except sqlite3.Error as exc:
                result.skip(rowid, f"unreadable thread row ({exc})")
                continue
            if row is None:
                continue  # deleted between the two queries
            ts = timestamp_ms(created) or updated_ms
            if ts is None:
                result.skip(rowid, "Zed thread without a readable created_at or updated_at")
                continue
            _add_thread(rowid, ts, row, result)
            if updated_ms is not None:
                mark = max(mark, updated_ms)
        return {MARK: mark, ROW_MARK: row_mark}


def _add_thread(line: int, ts: int, row: tuple[Any, ...], result: ReadResult) -> None:
    tid, data_type, data, folders = row
    try:
        thread = _THREAD.decode(_document(data_type, data))
    except DataError as exc:
        result.skip(line, f"Zed thread with {exc}")
        return
    except (msgspec.DecodeError, msgspec.ValidationError):
        result.skip(line, "Zed thread whose data is not a JSON thread document")
        return
    if thread.imported is True:
        result.ignore("imported Zed thread (a copy of a shared thread)")
        return
    usage = _thread_usage(thread)
    if usage is None:
        result.skip(line, "token count that is not a whole number from 0 to 10^10")
        return
    if not any(usage):
        result.ignore("Zed thread without usage")
        return
    inp, out, write, read = usage
    thread_id = text(tid)
    project = text(folders).split("\n", 1)[0]
    add_usage(
        result, line, source=NAME, key=f"zed:{thread_id}", session=thread_id, project=project,
        model=_model(thread.model), ts_ms=ts, input=inp, output=out, cache_read=read, cache_write_5m=write,
    )  # fmt: skip


THREADS = ThreadsReader()

SPEC = SourceSpec(
    id=NAME,
    label="Zed agent",
    roots=(
        Root("{data}/zed", platforms=("linux",)),
        Root("{data}/Zed", platforms=("darwin", "win32")),
    ),
    parts=(Part("threads", Kind.SQLITE, ("threads.db",), THREADS, under="threads"),),
    counts="Each agent thread once, from its cumulative usage (cache reads and writes apart), "
    "dated when the thread started.",
)
