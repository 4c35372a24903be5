"""Tasks in the store."""

from __future__ import annotations

import json
import sqlite3

from tracker.core.tasks import NewTask


def insert_task(conn: sqlite3.Connection, task: NewTask, now_ms: int) -> int:
    with conn:
        cur = conn.execute(
            """INSERT INTO tasks (title, notes, status, created_ms, completed_ms, project, category,
                   impact, hours_saved, links)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                task.title.strip(), task.notes, "done" if task.done else "open", now_ms,
                now_ms if task.done else None, task.project, task.category, task.impact.strip(),
                None if task.hours_saved is None else str(task.hours_saved), json.dumps(list(task.links)),
            ),
        )  # fmt: skip
    return int(cur.lastrowid or 0)


def completed_count(conn: sqlite3.Connection, start_ms: int, end_ms: int) -> int:
    """Tasks marked done in ``[start_ms, end_ms)``."""
    row = conn.execute(
        "SELECT COUNT(*) FROM tasks WHERE status = 'done' AND completed_ms >= ? AND completed_ms < ?",
        (start_ms, end_ms),
    ).fetchone()
    return int(row[0])
