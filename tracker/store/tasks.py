"""Tasks in the store."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ImportedTask:
    """A task that comes from somewhere else (git, a tracker), keyed by its id there."""

    source: str
    external_id: str
    title: str
    done: bool
    completed_ms: int | None
    created_ms: int
    project: str = ""
    branch: str = ""
    category: str = "other"
    links: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""


def upsert_imported(conn: sqlite3.Connection, task: ImportedTask) -> tuple[int, bool]:
    """Insert, or update what the source owns (title, status, dates, links); the user's own
    fields (impact, hours saved, category, report flag) are never overwritten.
    Returns the task id and whether it is new. Call inside a transaction."""
    row = conn.execute(
        "SELECT id FROM tasks WHERE source = ? AND external_id = ?", (task.source, task.external_id)
    ).fetchone()
    status = "done" if task.done else "open"
    if row is not None:
        conn.execute(
            """UPDATE tasks SET title = ?, status = ?, completed_ms = ?, project = ?, branch = ?,
                   links = ?, tags = ? WHERE id = ?""",
            (task.title, status, task.completed_ms, task.project, task.branch, json.dumps(list(task.links)),
             json.dumps(list(task.tags)), row[0]),
        )  # fmt: skip
        return int(row[0]), False
    cur = conn.execute(
        """INSERT INTO tasks (title, notes, status, created_ms, completed_ms, project, branch, category,
               links, tags, source, external_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (task.title, task.notes, status, task.created_ms, task.completed_ms, task.project, task.branch,
         task.category, json.dumps(list(task.links)), json.dumps(list(task.tags)), task.source, task.external_id),
    )  # fmt: skip
    return int(cur.lastrowid or 0), True


def set_done(conn: sqlite3.Connection, task_id: int, now_ms: int) -> bool:
    with conn:
        n = conn.execute(
            "UPDATE tasks SET status = 'done', completed_ms = COALESCE(completed_ms, ?) WHERE id = ?",
            (now_ms, task_id),
        ).rowcount
    return n == 1


def completed_count(conn: sqlite3.Connection, start_ms: int, end_ms: int) -> int:
    """Tasks marked done in ``[start_ms, end_ms)``."""
    row = conn.execute(
        "SELECT COUNT(*) FROM tasks WHERE status = 'done' AND completed_ms >= ? AND completed_ms < ?",
        (start_ms, end_ms),
    ).fetchone()
    return int(row[0])


def delete_task(conn: sqlite3.Connection, task_id: int) -> bool:
    """Remove a task and its links; usage is never touched."""
    with conn:
        return conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,)).rowcount == 1


@dataclass(frozen=True)
class TaskEdit:
    """The fields a person edits in the journal."""

    title: str
    category: str
    impact: str
    hours_saved: str | None
    links: tuple[str, ...]
    notes: str
    include_in_report: bool


def update_task(conn: sqlite3.Connection, task_id: int, edit: TaskEdit) -> None:
    with conn:
        conn.execute(
            """UPDATE tasks SET title = ?, category = ?, impact = ?, hours_saved = ?, links = ?, notes = ?,
                   include_in_report = ? WHERE id = ?""",
            (edit.title.strip(), edit.category, edit.impact.strip(), edit.hours_saved, json.dumps(list(edit.links)),
             edit.notes, int(edit.include_in_report), task_id),
        )  # fmt: skip


def snapshot_task(
    conn: sqlite3.Connection, task_id: int
) -> tuple[tuple[object, ...], list[tuple[object, ...]], list[tuple[object, ...]]] | None:
    """Everything needed to undo a delete: the row, its links and its commits."""
    row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
    if row is None:
        return None
    links = conn.execute("SELECT * FROM session_links WHERE task_id = ?", (task_id,)).fetchall()
    commits = conn.execute("SELECT * FROM task_commits WHERE task_id = ?", (task_id,)).fetchall()
    return row, links, commits


def restore_task(
    conn: sqlite3.Connection, snap: tuple[tuple[object, ...], list[tuple[object, ...]], list[tuple[object, ...]]]
) -> None:
    row, links, commits = snap
    with conn:
        conn.execute(f"INSERT INTO tasks VALUES ({', '.join('?' * len(row))})", row)  # noqa: S608 - placeholders
        conn.executemany("INSERT OR IGNORE INTO session_links VALUES (?, ?, ?, ?, ?, ?)", links)
        conn.executemany("INSERT OR IGNORE INTO task_commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)", commits)
