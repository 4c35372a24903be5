"""What one read of one source file produces, and where it stopped (a cursor per reader kind)."""

from __future__ import annotations

from typing import Any

import msgspec

from tracker.core.records import RateLimitSnapshot, SkippedLine, UsageEvent

MAX_SKIPPED_KEPT = 20  # per file: enough to find the problem, bounded for a garbage file


class Cursor(msgspec.Struct, tag="jsonl", tag_field="kind"):
    """Where reading an append-only JSONL file stopped, and the parser context to go on.

    Cursors stored before reader kinds existed carry no ``kind``; they decode as this one.
    """

    offset: int = 0
    line_no: int = 0
    # The last read consumed a complete but unterminated final line; its newline may follow.
    pending_newline: bool = False
    context: dict[str, Any] = msgspec.field(default_factory=dict)
    # SHA-256 of the (up to 4 KiB) bytes just before ``offset`` ("" = not known): a file
    # rewritten in place is resumed only when they are still the same.
    before_hash: str = ""


JsonlCursor = Cursor


class DocumentCursor(msgspec.Struct, tag="document", tag_field="kind"):
    """A document is read whole whenever its identity (kept with the file) changes."""

    records: int = 0  # usage records it held when last read


class SqliteCursor(msgspec.Struct, tag="sqlite", tag_field="kind"):
    """Another tool's database: the reader's marks and the ``-wal`` file's identity, so an
    unchanged database costs a ``stat``, never a query."""

    marks: dict[str, int] = msgspec.field(default_factory=dict)
    wal_size: int = -1  # -1: there was no ``-wal`` file
    wal_mtime_ns: int = 0


AnyCursor = Cursor | DocumentCursor | SqliteCursor


class SessionSeen(msgspec.Struct, gc=False):  # strings only: never in a cycle
    session_id: str
    project: str
    git_branch: str


class ReadResult(msgspec.Struct):
    """Everything one read of one file produced."""

    cursor: AnyCursor
    events: list[UsageEvent] = msgspec.field(default_factory=list)
    rate_limits: list[RateLimitSnapshot] = msgspec.field(default_factory=list)
    sessions: dict[str, SessionSeen] = msgspec.field(default_factory=dict)
    skipped: list[SkippedLine] = msgspec.field(default_factory=list)
    skipped_count: int = 0
    ignored: dict[str, int] = msgspec.field(default_factory=dict)
    lines_read: int = 0
    error: str | None = None
    # The read stopped early to keep memory bounded: read again from ``cursor`` for the rest.
    more: bool = False
    # Events a worker wrote to a staging file rather than sending them (``store.staging``).
    staged_rows: int = 0

    @property
    def event_count(self) -> int:
        return len(self.events) or self.staged_rows

    def skip(self, line_no: int, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIPPED_KEPT:
            self.skipped.append(SkippedLine(line_no, reason))

    def ignore(self, what: str) -> None:
        self.ignored[what] = self.ignored.get(what, 0) + 1
