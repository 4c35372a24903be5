"""Transcripts in pi's session format (as pi and OpenClaw write them), for tests.

Entry shapes follow pi-mono ``packages/coding-agent/docs/session.md`` and
``packages/ai/src/types.ts`` (``AssistantMessage``, ``Usage``). The OpenClaw database DDL is
``transcript_events`` / ``session_windows`` of agent schema 23+ as OpenClaw creates them
(``docs/reference/database-schemas/layout.md``: event JSON in ``event_json`` or a level-1
zstd frame in ``event_zstd`` with ``event_utf8_bytes`` and ``navigation_json``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zstandard

AGENT_DDL = """
CREATE TABLE session_windows (
  session_id TEXT NOT NULL PRIMARY KEY,
  session_key TEXT NOT NULL,
  previous_session_id TEXT,
  reason TEXT CHECK (reason IS NULL OR reason IN ('initial', 'reset', 'rollover', 'fork', 'rewind', 'switch', 'recovery', 'compaction')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  model_provider TEXT,
  model TEXT
) STRICT;
CREATE TABLE transcript_events (
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_json TEXT,
  created_at INTEGER NOT NULL,
  event_zstd BLOB,
  event_utf8_bytes INTEGER CHECK (event_utf8_bytes IS NULL OR event_utf8_bytes >= 0),
  navigation_json TEXT,
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id) REFERENCES "session_windows"(session_id) ON DELETE CASCADE,
  CHECK (
    (event_json IS NOT NULL AND event_zstd IS NULL)
    OR (event_json IS NULL AND event_zstd IS NOT NULL AND event_utf8_bytes IS NOT NULL AND navigation_json IS NOT NULL)
  )
) STRICT;
CREATE TABLE session_transcript_archives (
  session_id TEXT NOT NULL,
  generation TEXT NOT NULL,
  session_key TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('deleted', 'reset')),
  encoding TEXT NOT NULL CHECK (encoding IN ('identity', 'zstd')),
  archive_blob BLOB NOT NULL,
  archive_sha256 TEXT NOT NULL CHECK (length(archive_sha256) = 64),
  archive_name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  published_at INTEGER,
  PRIMARY KEY (session_id, generation)
) STRICT;
CREATE TABLE session_transcript_cold_archives (
  session_id TEXT NOT NULL PRIMARY KEY,
  generation TEXT NOT NULL,
  archive_name TEXT NOT NULL UNIQUE,
  archive_sha256 TEXT NOT NULL CHECK (length(archive_sha256) = 64),
  event_count INTEGER NOT NULL CHECK (event_count >= 1),
  raw_bytes INTEGER NOT NULL CHECK (raw_bytes >= 0),
  archive_bytes INTEGER NOT NULL CHECK (archive_bytes >= 0),
  last_seq INTEGER NOT NULL,
  archived_at INTEGER NOT NULL,
  storage TEXT NOT NULL CHECK (storage IN ('file', 'sqlite')),
  archive_blob BLOB,
  CHECK ((storage = 'file' AND archive_blob IS NULL) OR (storage = 'sqlite' AND archive_blob IS NOT NULL))
) STRICT;
"""


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def iso(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts_ms % 1000:03d}Z"


@dataclass(frozen=True)
class Call:
    """One assistant reply's usage, as pi-ai records it."""

    id: str
    ts_ms: int
    input: int
    output: int
    cache_read: int = 0
    cache_write: int = 0
    model: str | None = "claude-sonnet-4-5"
    provider: str = "anthropic"
    cost: float | None = 0.01
    total: int | None = None  # totalTokens; None: the sum of the four parts
    extra: tuple[tuple[str, Any], ...] = ()  # more message fields (responseId, api, …)
    usage_extra: tuple[tuple[str, Any], ...] = ()  # more usage fields (reasoning, …)

    def entry(self, parent: str | None = None) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "input": self.input,
            "output": self.output,
            "cacheRead": self.cache_read,
            "cacheWrite": self.cache_write,
            "totalTokens": self.total
            if self.total is not None
            else self.input + self.output + self.cache_read + self.cache_write,
        }
        if self.cost is not None:
            usage["cost"] = {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "total": self.cost}
        usage.update(self.usage_extra)
        message: dict[str, Any] = {
            "role": "assistant",
            "content": [{"type": "text", "text": "a reply that is never stored"}],
            "api": "anthropic-messages",
            "provider": self.provider,
            "stopReason": "stop",
            "timestamp": self.ts_ms,
            "usage": usage,
        }
        if self.model is not None:
            message["model"] = self.model
        message.update(self.extra)
        return {
            "type": "message",
            "id": self.id,
            "parentId": parent,
            "timestamp": iso(self.ts_ms + 40),  # appended just after the reply finished
            "message": message,
        }


def header(session: str, ts_ms: int, cwd: str, parent_session: str | None = None) -> dict[str, Any]:
    h: dict[str, Any] = {"type": "session", "version": 3, "id": session, "timestamp": iso(ts_ms), "cwd": cwd}
    if parent_session:
        h["parentSession"] = parent_session
    return h


def user(entry_id: str, ts_ms: int, text: str = "a prompt that is never stored") -> dict[str, Any]:
    return {
        "type": "message",
        "id": entry_id,
        "parentId": None,
        "timestamp": iso(ts_ms),
        "message": {"role": "user", "content": text, "timestamp": ts_ms},
    }


def model_change(entry_id: str, ts_ms: int, provider: str, model: str) -> dict[str, Any]:
    return {"type": "model_change", "id": entry_id, "parentId": None, "timestamp": iso(ts_ms),
            "provider": provider, "modelId": model}  # fmt: skip


def line(obj: dict[str, Any]) -> bytes:
    # JSON.stringify's spelling: no spaces.
    return json.dumps(obj, separators=(",", ":")).encode() + b"\n"


def chained(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries as pi appends them: each one's ``parentId`` is the entry before it."""
    out: list[dict[str, Any]] = []
    parent = None
    for e in entries:
        if e.get("type") != "session" and "id" in e:
            e = dict(e, parentId=parent)
            parent = e["id"]
        out.append(e)
    return out


def write_jsonl(path: Path, entries: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line(e) for e in chained(entries)))
    return path


def write_zst(path: Path, entries: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zstandard.ZstdCompressor(level=1).compress(b"".join(line(e) for e in chained(entries))))
    return path


def create_agent_db(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(AGENT_DDL)
    return db


def add_window(db: sqlite3.Connection, session: str, key: str, ts_ms: int, model: str = "", provider: str = "") -> None:
    db.execute(
        "INSERT INTO session_windows (session_id, session_key, reason, created_at, updated_at, model_provider, model)"
        " VALUES (?, ?, 'initial', ?, ?, ?, ?)",
        (session, key, ts_ms, ts_ms, provider or None, model or None),
    )


def add_archive(
    db: sqlite3.Connection, session: str, entries: list[dict[str, Any]], *, reason: str = "reset", zstd: bool = False
) -> None:
    """A reset/deleted transcript kept in ``session_transcript_archives`` (not yet published)."""
    data = b"".join(line(e) for e in chained(entries))
    blob = zstandard.ZstdCompressor(level=1).compress(data) if zstd else data
    name = f"{session}.jsonl.{reason}.2026-11-30T10-00-00.000Z" + (".zst" if zstd else "")
    db.execute(
        "INSERT INTO session_transcript_archives (session_id, generation, session_key, reason, encoding, archive_blob,"
        " archive_sha256, archive_name, created_at) VALUES (?, 'g1', ?, ?, ?, ?, ?, ?, 0)",
        (session, f"agent:main:{session}", reason, "zstd" if zstd else "identity", blob,
         hashlib.sha256(data).hexdigest(), name),
    )  # fmt: skip


def add_cold_blob(db: sqlite3.Connection, session: str, entries: list[dict[str, Any]]) -> None:
    """A cold archive a backup embedded in its row (``storage = 'sqlite'``)."""
    data = b"".join(line(e) for e in chained(entries))
    blob = zstandard.ZstdCompressor(level=1).compress(data)
    sha = hashlib.sha256(data).hexdigest()
    db.execute(
        "INSERT INTO session_transcript_cold_archives (session_id, generation, archive_name, archive_sha256,"
        " event_count, raw_bytes, archive_bytes, last_seq, archived_at, storage, archive_blob)"
        " VALUES (?, 'g1', ?, ?, ?, ?, ?, ?, 0, 'sqlite', ?)",
        (session, f"{sha}.jsonl.zst", sha, len(entries), len(data), len(blob), len(entries), blob),
    )


def add_event(
    db: sqlite3.Connection, session: str, seq: int, entry: dict[str, Any], *, compressed: bool = False
) -> None:
    text = json.dumps(entry, separators=(",", ":"))
    created = int(entry.get("message", {}).get("timestamp") or 1_764_460_800_000)
    if compressed:
        frame = zstandard.ZstdCompressor(level=1, write_checksum=True).compress(text.encode())
        nav = json.dumps({"type": entry.get("type"), "id": entry.get("id")})
        db.execute(
            "INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes,"
            " navigation_json) VALUES (?, ?, NULL, ?, ?, ?, ?)",
            (session, seq, created, frame, len(text.encode()), nav),
        )
    else:
        db.execute(
            "INSERT INTO transcript_events (session_id, seq, event_json, created_at) VALUES (?, ?, ?, ?)",
            (session, seq, text, created),
        )
