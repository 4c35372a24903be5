"""Per-file import state: identity, size, head hash and the reading cursor."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import msgspec

from tracker.core.reading import Cursor

HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileIdentity:
    device: int
    inode: int
    size: int
    mtime_ns: int
    head_len: int
    head_hash: str


def identify(path: Path, st: os.stat_result, head_len: int | None = None) -> FileIdentity:
    """Identity of ``path`` now; hash ``head_len`` bytes (default: up to ``HEAD_BYTES``)."""
    want = min(st.st_size, HEAD_BYTES) if head_len is None else head_len
    with path.open("rb") as f:
        head = f.read(want)
    return FileIdentity(
        st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, len(head), hashlib.sha256(head).hexdigest()
    )


@dataclass(frozen=True)
class StoredFile:
    identity: FileIdentity
    cursor: Cursor


def load_file(conn: sqlite3.Connection, path: str) -> StoredFile | None:
    row = conn.execute(
        "SELECT device, inode, size, mtime_ns, head_len, head_hash, cursor FROM files WHERE path = ?",
        (path,),
    ).fetchone()
    if row is None or not row[6]:
        return None  # never read successfully
    identity = FileIdentity(*row[:6])
    return StoredFile(identity, msgspec.msgpack.decode(row[6], type=Cursor))


def encode_cursor(cursor: Cursor) -> bytes:
    return msgspec.msgpack.encode(cursor)
