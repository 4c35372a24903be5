"""``store.links``: which sessions served which tasks. Manual choices always win."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tracker.store.changes import Changes
from tracker.store.rollup import rollup_source

if TYPE_CHECKING:
    from tracker.store.store import Store

Link = tuple[str, str, int, float]  # source, session id, task id, share (its tokens are split by it)
# source, session id, task id, confidence, share
AutoLink = tuple[str, str, int, float, float]
# source, session id, task id, confidence, manual, removed
LinkState = tuple[str, str, int, float, int, int]


class LinkStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def active(self) -> list[Link]:
        """Every link in force (manual unlinks excluded), with the share of the session it takes."""
        return self._store.conn.execute(
            "SELECT source, session_id, task_id, share FROM session_links WHERE removed = 0"
        ).fetchall()

    def states(self) -> list[LinkState]:
        """Every link with its confidence and whether the user made (or removed) it by hand."""
        return self._store.conn.execute(
            "SELECT source, session_id, task_id, confidence, manual, removed FROM session_links"
        ).fetchall()

    def evidence(self) -> list[tuple[str, str, str, str, int, int, int]]:
        """What automatic linking reads: each session's time and tokens per folder and branch
        (a session may switch branch), ``(source, session_id, project, branch, first_ms, last_ms,
        tokens)``; the branch is the session's recorded one where a line did not say."""
        conn = self._store.conn
        return conn.execute(
            f"""SELECT r.source, r.session_id, r.project,
                      CASE WHEN r.git_branch != '' THEN r.git_branch ELSE COALESCE(s.git_branch, '') END AS branch,
                      MIN(r.first_ms), MAX(r.last_ms),
                      SUM(r.input_tokens + r.output_tokens + r.cache_write_5m_tokens + r.cache_write_1h_tokens
                          + r.cache_read_tokens)
               FROM {rollup_source(conn, "usage_rollup")} r
               LEFT JOIN sessions s ON s.source = r.source AND s.session_id = r.session_id
               GROUP BY r.source, r.session_id, r.project, branch
               ORDER BY r.source, r.session_id, MIN(r.first_ms)"""  # noqa: S608 - a table or a fixed stand-in
        ).fetchall()

    def replace_automatic(self, links: Sequence[AutoLink]) -> Changes:
        """The automatic links become ``links``; a session the user linked or unlinked by
        hand keeps that choice for that task."""
        with self._store.transaction() as conn:
            before = set(conn.execute("SELECT source, session_id, task_id, share FROM session_links WHERE manual = 0"))
            conn.execute("DELETE FROM session_links WHERE manual = 0")
            conn.executemany(
                """INSERT OR IGNORE INTO session_links (source, session_id, task_id, confidence, share)
                   VALUES (?, ?, ?, ?, ?)""",
                links,
            )
            after = set(conn.execute("SELECT source, session_id, task_id, share FROM session_links WHERE manual = 0"))
        moved = {(s, i, t) for s, i, t, _ in before ^ after}
        return Changes(tasks=frozenset(int(t) for _, _, t in moved), links=len(moved))

    def set_manual(self, source: str, session_id: str, task_id: int, *, linked: bool) -> Changes:
        """The user's choice for one session and task; it survives every re-import."""
        with self._store.transaction() as conn:
            conn.execute(
                """INSERT INTO session_links (source, session_id, task_id, confidence, manual, removed)
                   VALUES (?, ?, ?, 1.0, 1, ?)
                   ON CONFLICT(source, session_id, task_id) DO UPDATE SET manual = 1, confidence = 1.0,
                       share = 1.0, removed = excluded.removed""",
                (source, session_id, task_id, 0 if linked else 1),
            )
        return Changes(tasks=frozenset({task_id}), links=1)

    def not_work(self) -> set[tuple[str, str]]:
        """Sessions the user marked "not work": neither linked nor waiting in the inbox."""
        rows = self._store.conn.execute("SELECT source, session_id FROM not_work_sessions").fetchall()
        return {(str(s), str(i)) for s, i in rows}

    def set_not_work(self, sessions: Iterable[tuple[str, str]], now_ms: int, *, not_work: bool = True) -> Changes:
        """Mark (or unmark) sessions as not work; returns how many changed."""
        keys = sorted(set(sessions))
        with self._store.transaction() as conn:
            if not_work:
                cur = conn.executemany(
                    "INSERT OR IGNORE INTO not_work_sessions (source, session_id, marked_ms) VALUES (?, ?, ?)",
                    [(s, i, now_ms) for s, i in keys],
                )
            else:
                cur = conn.executemany("DELETE FROM not_work_sessions WHERE source = ? AND session_id = ?", keys)
            changed = cur.rowcount
        return Changes(links=max(changed, 0))
