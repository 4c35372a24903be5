"""Linking sessions to the tasks they served: by repository, branch and time window.

Automatic links carry a confidence; a manual link or unlink is kept in the same table with
``manual = 1`` and always wins, so re-imports and re-linking never undo the user's choice.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

BEFORE_MS = 2 * 3_600_000  # a session may start a little before the first commit of its task
AFTER_MS = 48 * 3_600_000  # ... and the work may be committed or merged up to two days later
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class SessionSpan:
    source: str
    session_id: str
    project: str
    branch: str
    first_ms: int
    last_ms: int


def _under(project: str, repo: str) -> bool:
    return project == repo or project.startswith(repo.rstrip("/") + "/")


def confidence(span: SessionSpan, repo: str, branch: str, times: list[int]) -> float:
    """0 when the session cannot have served the task; else 0.5 to 1."""
    if not repo or not _under(span.project, repo):
        return 0.0
    gaps = [
        max(span.first_ms - t, t - span.last_ms, 0)
        for t in times
        if span.first_ms - BEFORE_MS <= t <= span.last_ms + AFTER_MS
    ]
    if not gaps:
        return 0.0
    score = 0.5 + 0.2 * (1 - min(gaps) / AFTER_MS)
    if branch and span.branch and branch == span.branch:
        score += 0.3
    return round(min(score, 1.0), 3)


def session_spans(conn: sqlite3.Connection) -> list[SessionSpan]:
    rows = conn.execute(
        """SELECT r.source, r.session_id, COALESCE(s.project, ''), COALESCE(s.git_branch, ''),
                  MIN(r.first_ms), MAX(r.last_ms)
           FROM usage_rollup r LEFT JOIN sessions s ON s.source = r.source AND s.session_id = r.session_id
           GROUP BY r.source, r.session_id"""
    ).fetchall()
    return [SessionSpan(*row) for row in rows]


def auto_link(conn: sqlite3.Connection) -> int:
    """Recompute automatic links; returns how many there are now."""
    tasks = conn.execute(
        "SELECT id, project, branch, completed_ms FROM tasks WHERE project != '' AND completed_ms IS NOT NULL"
    ).fetchall()
    commit_times: dict[int, list[int]] = defaultdict(list)
    for task_id, authored in conn.execute("SELECT task_id, authored_ms FROM task_commits"):
        commit_times[task_id].append(authored)
    by_repo: dict[str, list[tuple[int, str, list[int]]]] = defaultdict(list)
    for task_id, repo, branch, completed in tasks:
        by_repo[repo].append((task_id, branch, [completed, *commit_times[task_id]]))
    links = []
    for span in session_spans(conn):
        for repo, repo_tasks in by_repo.items():
            if not _under(span.project, repo):
                continue
            for task_id, branch, times in repo_tasks:
                c = confidence(span, repo, branch, times)
                if c >= MIN_CONFIDENCE:
                    links.append((span.source, span.session_id, task_id, c))
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM session_links WHERE manual = 0")
        conn.executemany(
            "INSERT OR IGNORE INTO session_links (source, session_id, task_id, confidence) VALUES (?, ?, ?, ?)",
            links,
        )
    return len(links)


def set_manual_link(conn: sqlite3.Connection, source: str, session_id: str, task_id: int, *, linked: bool) -> None:
    """The user's choice for one session and task; it survives every re-import."""
    with conn:
        conn.execute(
            """INSERT INTO session_links (source, session_id, task_id, confidence, manual, removed)
               VALUES (?, ?, ?, 1.0, 1, ?)
               ON CONFLICT(source, session_id, task_id) DO UPDATE SET manual = 1, confidence = 1.0,
                   removed = excluded.removed""",
            (source, session_id, task_id, 0 if linked else 1),
        )


def active_links(conn: sqlite3.Connection) -> list[tuple[str, str, int, float]]:
    return conn.execute(
        "SELECT source, session_id, task_id, confidence FROM session_links WHERE removed = 0"
    ).fetchall()
