"""Per-file import state: identity, size, head hash, the part it belongs to and its cursor."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import msgspec

from tracker.core.reading import AnyCursor, Cursor

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
    return with_head(path, unhashed(st), head_len)


def unhashed(st: os.stat_result) -> FileIdentity:
    """The identity ``st`` says, its head not hashed yet (``head_hash`` empty: see ``with_head``)."""
    return FileIdentity(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, 0, "")


def with_head(path: Path, identity: FileIdentity, head_len: int | None = None) -> FileIdentity:
    """``identity`` with the hash of ``head_len`` bytes of ``path`` (default: up to
    ``HEAD_BYTES`` of the size it says), read now."""
    want = min(identity.size, HEAD_BYTES) if head_len is None else head_len
    with path.open("rb") as f:
        head = f.read(want)
    return replace(identity, head_len=len(head), head_hash=hashlib.sha256(head).hexdigest())


@dataclass(frozen=True)
class StoredFile:
    identity: FileIdentity
    cursor: AnyCursor
    part: str


class StoredFiles:
    """Every file's stored state, loaded in one query; cursors are decoded only when needed."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._rows = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT path, device, inode, size, mtime_ns, head_len, head_hash, cursor, part FROM files"
            )
        }

    def unchanged(self, path: str, st: os.stat_result) -> bool:
        """Same file, same size, same mtime as when it was last read."""
        row = self._rows.get(path)
        return (
            row is not None
            and bool(row[6])
            and row[0] == st.st_dev
            and row[1] == st.st_ino
            and row[2] == st.st_size
            and row[3] == st.st_mtime_ns
        )

    def identity(self, path: str) -> FileIdentity | None:
        row = self._rows.get(path)
        if row is None or not row[6]:
            return None  # never read successfully
        return FileIdentity(*row[:6])

    def get(self, path: str) -> StoredFile | None:
        identity = self.identity(path)
        if identity is None:
            return None
        row = self._rows[path]
        return StoredFile(identity, decode_cursor(row[6]), row[7])


def encode_cursor(cursor: AnyCursor) -> bytes:
    return msgspec.msgpack.encode(cursor)


_DECODER: msgspec.msgpack.Decoder[AnyCursor] = msgspec.msgpack.Decoder(AnyCursor)
_LEGACY = msgspec.msgpack.Decoder(Cursor)


def decode_cursor(blob: bytes) -> AnyCursor:
    """A stored cursor; one written before reader kinds existed (no ``kind``) is a JSONL one."""
    try:
        return _DECODER.decode(blob)
    except msgspec.ValidationError:
        return _LEGACY.decode(blob)
