"""Whole documents a tool rewrites in place (JSON files, ``.zst`` archives).

A document is read whole whenever its identity (size, mtime, inode) changed since it was last
read, and its reader turns the bytes into records keyed by the tool's own ids, so a rewrite
never counts twice and a truncation never deletes what was stored. Files that end in
``.zst`` are decompressed first. A document larger than ``MAX_DOCUMENT`` is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import DocumentCursor, ReadResult
from tracker.sources.compressed import CompressedError, zstd_decompress
from tracker.sources.spec import DocumentReader

MAX_DOCUMENT = 256 << 20
NOT_JSON = "not valid JSON (truncated or corrupt); read again when it changes"


def decode_json(data: bytes, result: ReadResult) -> Any | None:
    """The JSON value in ``data``, or None with an error for the file (a document the
    tool is halfway through writing, or a corrupt one: nothing of it is stored)."""
    try:
        return msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        result.error = NOT_JSON
        return None


def read_document(path: Path, reader: DocumentReader, max_bytes: int = MAX_DOCUMENT) -> ReadResult:
    """Read all of ``path`` with ``reader``; problems with the file are one error, never raised."""
    result = ReadResult(cursor=DocumentCursor())
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                result.error = f"{path}: too large to read ({size >> 20} MB; the limit is {max_bytes >> 20} MB)"
                return result
            data = f.read(max_bytes + 1)
    except OSError as exc:
        result.error = f"cannot read {path}: {exc.strerror or exc}"
        return result
    if len(data) > max_bytes:
        result.error = f"{path}: too large to read (over {max_bytes >> 20} MB)"
        return result
    if path.name.endswith(".zst"):
        try:
            data = zstd_decompress(data, max_bytes)
        except CompressedError as exc:
            result.error = f"{path}: {exc}"
            return result
    reader.parse_document(path, data, result)
    if result.error:
        return ReadResult(cursor=DocumentCursor(), error=f"{path}: {result.error}")
    result.lines_read = 1
    result.cursor = DocumentCursor(records=len(result.events))
    return result
