"""``store.files``: how reading each tool's log files went (what ``sources`` shows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.store.rollup import rollup_source

if TYPE_CHECKING:
    from tracker.store.store import Store


@dataclass(frozen=True)
class SourceFiles:
    files: int
    events: int
    skipped_lines: int
    last_import_ms: int | None
    skipped_first: list[tuple[str, int, str]]  # path, line number, reason
    ignored: dict[str, int]  # what was ignored -> how many lines
    errors: list[str]


class FileStatus:
    def __init__(self, store: Store) -> None:
        self._store = store

    def paths(self, source: str) -> list[str]:
        """Every file or database Tokenworth read for ``source`` (where a session's title is)."""
        rows = self._store.conn.execute("SELECT path FROM files WHERE source = ? ORDER BY path", (source,))
        return [str(p) for (p,) in rows]

    def of_source(self, source: str, show_skipped: int) -> SourceFiles:
        conn = self._store.conn
        files, skipped, last = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(skipped), 0), MAX(last_import_ms) FROM files WHERE source = ?", (source,)
        ).fetchone()
        (events,) = conn.execute(  # from the rollup: no scan of every event
            f"SELECT COALESCE(SUM(events), 0) FROM {rollup_source(conn, 'usage_rollup_project')} WHERE source = ?",  # noqa: S608 - a table or a fixed stand-in
            (source,),
        ).fetchone()
        first = conn.execute(
            """SELECT s.path, s.line_no, s.reason FROM skipped_lines s JOIN files f ON f.path = s.path
               WHERE f.source = ? ORDER BY s.path, s.line_no LIMIT ?""",
            (source, show_skipped),
        ).fetchall()
        ignored = conn.execute(
            """SELECT i.what, SUM(i.count) FROM ignored_lines i JOIN files f ON f.path = i.path
               WHERE f.source = ? GROUP BY i.what ORDER BY i.what""",
            (source,),
        ).fetchall()
        errors = conn.execute(
            "SELECT error FROM files WHERE source = ? AND error IS NOT NULL ORDER BY path", (source,)
        ).fetchall()
        return SourceFiles(
            files=int(files),
            events=int(events),
            skipped_lines=int(skipped),
            last_import_ms=None if last is None else int(last),
            skipped_first=[(str(p), int(n), str(r)) for p, n, r in first],
            ignored={str(k): int(v) for k, v in ignored},
            errors=[str(e) for (e,) in errors],
        )
