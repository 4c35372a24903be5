"""Zed agent ``threads.db`` as Zed writes it.

DDL and save: ``crates/agent/src/db.rs`` (zed-industries/zed): ``CREATE TABLE threads`` then
the ``ALTER TABLE`` columns (``parent_id``, ``folder_paths``, ``folder_paths_order``,
``created_at``); ``save_thread_sync`` writes the ``DbThread`` JSON (with ``version``)
compressed with zstd level 3 (a streamed frame: no content size in its header), upserting on ``id`` and keeping the first ``created_at``.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import zstandard

DDL = """
CREATE TABLE IF NOT EXISTS threads (
    id TEXT PRIMARY KEY,
    summary TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data_type TEXT NOT NULL,
    data BLOB NOT NULL
);
ALTER TABLE threads ADD COLUMN parent_id TEXT;
ALTER TABLE threads ADD COLUMN folder_paths TEXT;
ALTER TABLE threads ADD COLUMN folder_paths_order TEXT;
ALTER TABLE threads ADD COLUMN created_at TEXT;
"""

SAVE = """
INSERT INTO threads (id, parent_id, folder_paths, folder_paths_order, summary, updated_at, data_type, data, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT(id) DO UPDATE SET
    parent_id = excluded.parent_id,
    folder_paths = excluded.folder_paths,
    folder_paths_order = excluded.folder_paths_order,
    summary = excluded.summary,
    updated_at = excluded.updated_at,
    data_type = excluded.data_type,
    data = excluded.data
"""


def usage(inp: int = 0, out: int = 0, write: int = 0, read: int = 0) -> dict[str, int]:
    """``language_model::TokenUsage`` as serialized (zero fields omitted)."""
    full = {
        "input_tokens": inp,
        "output_tokens": out,
        "cache_creation_input_tokens": write,
        "cache_read_input_tokens": read,
    }
    return {k: v for k, v in full.items() if v}


def thread(
    updated_at: str,
    cumulative: dict[str, Any] | None = None,
    per_turn: dict[str, Any] | list[Any] | None = None,
    model: str = "claude-sonnet-4-5",
    provider: str = "zed.dev",
    imported: bool = False,
    version: str | None = "0.3.0",
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "title": "Refactor billing client",
        "messages": [
            {"User": {"id": "u-1", "content": [{"Text": "a prompt that must never be stored"}]}},
            {"Agent": {"content": [{"Text": "a reply"}], "tool_results": {}}},
        ],
        "updated_at": updated_at,
        "model": {"provider": provider, "model": model},
        "imported": imported,
    }
    if cumulative is not None:
        doc["cumulative_token_usage"] = cumulative
    if per_turn is not None:
        doc["request_token_usage"] = per_turn
    if version is not None:
        doc["version"] = version
    return doc


def create(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as db:
        db.executescript(DDL)
        db.commit()
    return path


def save(
    path: Path,
    tid: str,
    doc: dict[str, Any] | bytes,
    *,
    folders: str | None = "/home/dev/billing",
    parent: str | None = None,
    data_type: str = "zstd",
    created_at: str | None = "",
) -> None:
    """``save_thread_sync``; ``created_at=None`` writes a row from before that column was filled."""
    if isinstance(doc, bytes):
        data = doc
        updated = "2026-11-30T16:02:00+00:00"
    else:
        raw = json.dumps(doc).encode()
        data = zstandard.ZstdCompressor(level=3, write_content_size=False).compress(raw) if data_type == "zstd" else raw
        updated = doc["updated_at"]
    created = updated if created_at == "" else created_at
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(SAVE, (tid, parent, folders, "0" if folders else None, "title", updated, data_type, data, created))


T1, T2, T3, T4, T5 = (f"5b0c{n}e7a-1f2d-4c3b-9a8e-7d6c5b4a3f2{n}" for n in range(1, 6))


def home_db(home: Path) -> Path:
    return create(home / ".local" / "share" / "zed" / "threads" / "threads.db")


def write_fixture(path: Path) -> None:
    """The reader test's threads: cumulative usage, a legacy JSON row, an imported copy, a subagent."""
    save(
        path, T1,
        thread("2026-11-30T16:02:00+00:00", usage(5400, 2210, 2100, 96000), {"u-1": usage(1200, 310, read=18000)}),
        folders="/home/dev/billing\n/home/dev/shared",
    )  # fmt: skip
    save(
        path, T2,
        thread("2026-11-12T09:00:00Z", None, {"u-1": usage(1000, 150, read=3000), "u-2": usage(2000, 300, read=4000)},
               model="claude-3-7-sonnet", provider="anthropic"),
        folders="/home/dev/old", data_type="json", created_at=None,
    )  # fmt: skip
    save(path, T3, thread("2026-11-30T17:00:00Z", usage(99, 99), imported=True))  # a shared thread opened
    save(path, T4, thread("2026-11-30T16:30:00Z", usage(800, 90), model="gpt-5.1", provider="openai"), parent=T1)
    save(
        path, T5,
        thread("2026-11-01T08:00:00Z", usage(60, 20, read=500), [usage(10, 5), usage(50, 15, read=500)],
               model="claude-opus-4-1", provider="anthropic", version=None),
        folders=None,
    )  # fmt: skip


def build_fixture(home: Path) -> None:
    """Zed's threads.db where Zed keeps it on Linux, with ``write_fixture``'s threads."""
    write_fixture(home_db(home))
