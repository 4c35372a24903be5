"""What one incremental read of one log file produces, and where it stopped."""

from __future__ import annotations

from typing import Any

import msgspec

from tracker.core.records import EventRow, RateLimitSnapshot, SkippedLine, UsageEvent

MAX_SKIPPED_KEPT = 20  # per file: enough to find the problem, bounded for a garbage file


class Cursor(msgspec.Struct):
    """Where reading a file stopped, and the parser context needed to go on from there."""

    offset: int = 0
    line_no: int = 0
    # The last read consumed a complete but unterminated final line; its newline may follow.
    pending_newline: bool = False
    context: dict[str, Any] = msgspec.field(default_factory=dict)


class SessionSeen(msgspec.Struct):
    session_id: str
    project: str
    git_branch: str


class ReadResult(msgspec.Struct):
    """Everything one incremental read of one file produced."""

    cursor: Cursor
    events: list[UsageEvent] = msgspec.field(default_factory=list)
    # ``events`` ready for the store; filled by ``pack`` where the file was read.
    rows: list[EventRow] = msgspec.field(default_factory=list)
    rate_limits: list[RateLimitSnapshot] = msgspec.field(default_factory=list)
    sessions: dict[str, SessionSeen] = msgspec.field(default_factory=dict)
    skipped: list[SkippedLine] = msgspec.field(default_factory=list)
    skipped_count: int = 0
    ignored: dict[str, int] = msgspec.field(default_factory=dict)
    lines_read: int = 0
    error: str | None = None
    # Rows a worker wrote to a staging file rather than sending them (see ``staged``).
    staged_rows: int = 0

    def pack(self) -> ReadResult:
        """Turn events into store rows here (a worker process), not in the single writer."""
        from tracker.core.records import event_rows

        # A streamed reply repeats its key within a file: keep the largest copy, as the store
        # would, so the single writer sees each key once per file.
        best: dict[str, UsageEvent] = {}
        for e in self.events:
            prev = best.get(e.dedup_key)
            if prev is None or e.total_tokens > prev.total_tokens:
                best[e.dedup_key] = e
        self.rows = event_rows(list(best.values()))
        self.events = []
        return self

    def staged(self) -> ReadResult:
        """This result once its rows, sessions and limits are in a staging file: what is left
        (cursor, counts, skipped lines) is all the writer still needs."""
        self.staged_rows = len(self.rows)
        self.rows, self.rate_limits, self.sessions = [], [], {}
        return self

    @property
    def event_count(self) -> int:
        return len(self.rows) or len(self.events) or self.staged_rows

    def skip(self, line_no: int, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIPPED_KEPT:
            self.skipped.append(SkippedLine(line_no, reason))

    def ignore(self, what: str) -> None:
        self.ignored[what] = self.ignored.get(what, 0) + 1
