"""``store.tasks``: the task journal, tasks imported from git and trackers, and their commits."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from tracker.core.tasks import NewTask
from tracker.store.changes import Changes

if TYPE_CHECKING:
    from tracker.store.store import Store

# the row, its links, its commits, its ticket keys
TaskSnapshot = tuple[tuple[object, ...], list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]
# task id, repo, sha, authored_ms, files_changed, lines_added, lines_removed, ai_assisted
CommitRow = tuple[int, str, str, int, int, int, int, int]
# id, title, status, completed_ms, source, external_id, category, impact, hours_saved, links (JSON),
# project, branch, include_in_report, then over its commits: ai_assisted, files, lines added, removed;
# then outcome_of (the task this one is the same outcome as), reverted_ms, created_ms
TaskListRow = tuple[int, str, str, int | None, str, str | None, str, str, str | None, str, str, str, int,
                    int, int, int, int, int | None, int | None, int]  # fmt: skip
# A task as linking sees it: id, repo ('' for a tracker's), branch, status, created_ms, completed_ms,
# outcome_of, source, earliest commit authored_ms (or None), own keys, keys it names (in order)
LinkableTask = tuple[int, str, str, str, int, int | None, int | None, str, int | None, tuple[str, ...],
                     tuple[str, ...]]  # fmt: skip


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
    own_key: str = ""  # the ticket key this task is known by (a Jira key, "#12" for a GitHub PR)
    mentions: tuple[str, ...] = ()  # ticket keys its branch, title or commits name, first first


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


class TaskStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    # ---- reads -----------------------------------------------------------------------------
    def exists(self, task_id: int) -> bool:
        return self._store.conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is not None

    def flagged(self) -> set[int]:
        """Tasks the user wants in reports."""
        return {int(r[0]) for r in self._store.conn.execute("SELECT id FROM tasks WHERE include_in_report = 1")}

    def completed_count(self, start_ms: int, end_ms: int) -> int:
        """Outcomes completed in ``[start_ms, end_ms)`` and not reverted: a ticket and the PR
        that did it (``outcome_of``) count once, when the ticket was done (else the PR merged)."""
        row = self._store.conn.execute(
            """WITH outcomes AS (
                   SELECT COALESCE(outcome_of, id) AS outcome,
                          COALESCE(MAX(CASE WHEN outcome_of IS NULL AND status = 'done' THEN completed_ms END),
                                   MAX(CASE WHEN status = 'done' THEN completed_ms END)) AS done_ms,
                          MAX(CASE WHEN outcome_of IS NULL THEN reverted_ms END) AS reverted_ms
                   FROM tasks GROUP BY COALESCE(outcome_of, id))
               SELECT COUNT(*) FROM outcomes WHERE done_ms >= ? AND done_ms < ? AND reverted_ms IS NULL""",
            (start_ms, end_ms),
        ).fetchone()
        return int(row[0])

    def listing(self, completed: tuple[int, int] | None = None) -> list[TaskListRow]:
        """Tasks (completed in ``[lo, hi)`` when given) with their commits' sums, oldest first."""
        where, params = ("WHERE t.completed_ms >= ? AND t.completed_ms < ?", list(completed)) if completed else ("", [])
        return self._store.conn.execute(
            f"""SELECT t.id, t.title, t.status, t.completed_ms, t.source, t.external_id, t.category, t.impact,
                       t.hours_saved, t.links, t.project, t.branch, t.include_in_report,
                       COALESCE(MAX(c.ai_assisted), 0), COALESCE(SUM(c.files_changed), 0),
                       COALESCE(SUM(c.lines_added), 0), COALESCE(SUM(c.lines_removed), 0),
                       t.outcome_of, t.reverted_ms, t.created_ms
                FROM tasks t LEFT JOIN task_commits c ON c.task_id = t.id {where}
                GROUP BY t.id ORDER BY COALESCE(t.completed_ms, t.created_ms), t.id""",  # noqa: S608 - fixed fragments
            params,
        ).fetchall()

    def commits_between(self, start_ms: int, end_ms: int) -> list[CommitRow]:
        """Commits of tasks authored in ``[start_ms, end_ms)`` (one row per repository and sha)."""
        rows = self._store.conn.execute(
            """SELECT task_id, repo, sha, authored_ms, files_changed, lines_added, lines_removed, ai_assisted
               FROM task_commits WHERE authored_ms >= ? AND authored_ms < ? ORDER BY authored_ms, repo, sha""",
            (start_ms, end_ms),
        ).fetchall()
        return [cast(CommitRow, tuple(r)) for r in rows]

    def linkable(self) -> list[LinkableTask]:
        """Every task with what linking needs: where and when its work happened and its ticket keys."""
        conn = self._store.conn
        own: dict[int, list[str]] = {}
        ref: dict[int, list[str]] = {}
        for task_id, kind, key in conn.execute("SELECT task_id, kind, key FROM task_keys ORDER BY task_id, position"):
            (own if kind == "own" else ref).setdefault(int(task_id), []).append(str(key))
        rows = conn.execute(
            """SELECT t.id, t.project, t.branch, t.status, t.created_ms, t.completed_ms, t.outcome_of, t.source,
                      (SELECT MIN(c.authored_ms) FROM task_commits c WHERE c.task_id = t.id)
               FROM tasks t ORDER BY t.id"""
        ).fetchall()
        return [
            (int(i), str(p), str(b), str(st), int(cr), co, oo, str(src), first,
             tuple(own.get(int(i), ())), tuple(ref.get(int(i), ())))
            for i, p, b, st, cr, co, oo, src, first in rows
        ]  # fmt: skip

    def commits_by_task(self) -> dict[int, list[tuple[str, str]]]:
        """Task id -> ``(repo, sha)`` of each of its commits."""
        out: dict[int, list[tuple[str, str]]] = {}
        for task_id, repo, sha in self._store.conn.execute("SELECT task_id, repo, sha FROM task_commits"):
            out.setdefault(int(task_id), []).append((str(repo), str(sha)))
        return out

    def reverts(self) -> list[tuple[str, str, str, int]]:
        """``(repo, revert sha, reverted sha, when)`` of every revert commit read."""
        return self._store.conn.execute("SELECT repo, sha, target, reverted_ms FROM git_reverts").fetchall()

    def snapshot(self, task_id: int) -> TaskSnapshot | None:
        """Everything needed to undo a delete: the row, its links and its commits."""
        conn = self._store.conn
        row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            return None
        links = conn.execute("SELECT * FROM session_links WHERE task_id = ?", (task_id,)).fetchall()
        commits = conn.execute("SELECT * FROM task_commits WHERE task_id = ?", (task_id,)).fetchall()
        keys = conn.execute("SELECT * FROM task_keys WHERE task_id = ?", (task_id,)).fetchall()
        return row, links, commits, keys

    def git_tip(self, repo: str) -> str:
        """The commit a repository's last import reached ('' before the first)."""
        row = self._store.conn.execute("SELECT last_tip FROM git_repos WHERE repo = ?", (repo,)).fetchone()
        return str(row[0]) if row else ""

    # ---- writes ----------------------------------------------------------------------------
    def add(self, task: NewTask, now_ms: int) -> int:
        """Log a task; returns its id. A done task counts when it says it was done
        (``task.done_ms``, logged after the fact), else now."""
        with self._store.transaction() as conn:
            cur = conn.execute(
                """INSERT INTO tasks (title, notes, status, created_ms, completed_ms, project, category,
                       impact, hours_saved, links)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    task.title.strip(), task.notes, "done" if task.done else "open", now_ms,
                    (task.done_ms or now_ms) if task.done else None, task.project, task.category, task.impact.strip(),
                    None if task.hours_saved is None else str(task.hours_saved), json.dumps(list(task.links)),
                ),
            )  # fmt: skip
        return int(cur.lastrowid or 0)

    def set_done(self, task_id: int, now_ms: int) -> Changes:
        with self._store.transaction() as conn:
            n = conn.execute(
                "UPDATE tasks SET status = 'done', completed_ms = COALESCE(completed_ms, ?) WHERE id = ?",
                (now_ms, task_id),
            ).rowcount
        return _changed({task_id} if n == 1 else set())

    def delete(self, task_id: int) -> Changes:
        """Remove a task and its links; usage is never touched."""
        with self._store.transaction() as conn:
            links = conn.execute("SELECT COUNT(*) FROM session_links WHERE task_id = ?", (task_id,)).fetchone()[0]
            n = conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,)).rowcount
        return _changed({task_id} if n == 1 else set(), int(links) if n == 1 else 0)

    def notes(self, task_id: int) -> str:
        row = self._store.conn.execute("SELECT notes FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return str(row[0] or "") if row else ""

    def set_completion(self, task_id: int, done: bool, completed_ms: int | None) -> Changes:
        """Open again, or done at ``completed_ms`` (the task dialog's status and time)."""
        with self._store.transaction() as conn:
            n = conn.execute(
                "UPDATE tasks SET status = ?, completed_ms = ? WHERE id = ?",
                ("done" if done else "open", completed_ms if done else None, task_id),
            ).rowcount
        return _changed({task_id} if n == 1 else set())

    def update(self, task_id: int, edit: TaskEdit) -> Changes:
        with self._store.transaction() as conn:
            n = conn.execute(
                """UPDATE tasks SET title = ?, category = ?, impact = ?, hours_saved = ?, links = ?, notes = ?,
                       include_in_report = ? WHERE id = ?""",
                (edit.title.strip(), edit.category, edit.impact.strip(), edit.hours_saved,
                 json.dumps(list(edit.links)), edit.notes, int(edit.include_in_report), task_id),
            ).rowcount  # fmt: skip
        return _changed({task_id} if n == 1 else set())

    def restore(self, snap: TaskSnapshot) -> Changes:
        row, links, commits, keys = snap
        with self._store.transaction() as conn:
            conn.execute(f"INSERT INTO tasks VALUES ({', '.join('?' * len(row))})", row)  # noqa: S608 - placeholders
            conn.executemany("INSERT OR IGNORE INTO session_links VALUES (?, ?, ?, ?, ?, ?, ?)", links)
            conn.executemany("INSERT OR IGNORE INTO task_commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)", commits)
            conn.executemany("INSERT OR IGNORE INTO task_keys VALUES (?, ?, ?, ?)", keys)
        return _changed({int(str(row[0]))}, len(links))

    def import_all(self, tasks: Iterable[ImportedTask]) -> tuple[int, int]:
        """Insert or update tasks from a tracker, in one transaction; returns (new, updated)."""
        new = updated = 0
        with self._store.transaction() as conn:
            for task in tasks:
                if upsert_imported(conn, task)[1]:
                    new += 1
                else:
                    updated += 1
        return new, updated

    def set_outcomes(self, outcome_of: dict[int, int | None]) -> Changes:
        """Which task each task is the same outcome as (None: its own); returns the tasks that moved."""
        with self._store.transaction() as conn:
            before = dict(conn.execute("SELECT id, outcome_of FROM tasks").fetchall())
            moved = {t for t, o in outcome_of.items() if t in before and before[t] != o}
            conn.executemany("UPDATE tasks SET outcome_of = ? WHERE id = ?", [(outcome_of[t], t) for t in moved])
        return _changed(moved)

    def set_reverted(self, reverted_ms: dict[int, int | None]) -> Changes:
        """When each task was reverted (None: it stands); returns the tasks that changed."""
        with self._store.transaction() as conn:
            before = dict(conn.execute("SELECT id, reverted_ms FROM tasks").fetchall())
            moved = {t for t, when in reverted_ms.items() if t in before and before[t] != when}
            conn.executemany("UPDATE tasks SET reverted_ms = ? WHERE id = ?", [(reverted_ms[t], t) for t in moved])
        return _changed(moved)


# ---- statements a git import runs inside its own transaction (``store.transaction()``) ------
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
        _put_keys(conn, int(row[0]), task)
        return int(row[0]), False
    cur = conn.execute(
        """INSERT INTO tasks (title, notes, status, created_ms, completed_ms, project, branch, category,
               links, tags, source, external_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (task.title, task.notes, status, task.created_ms, task.completed_ms, task.project, task.branch,
         task.category, json.dumps(list(task.links)), json.dumps(list(task.tags)), task.source, task.external_id),
    )  # fmt: skip
    _put_keys(conn, int(cur.lastrowid or 0), task)
    return int(cur.lastrowid or 0), True


def _put_keys(conn: sqlite3.Connection, task_id: int, task: ImportedTask) -> None:
    conn.execute("DELETE FROM task_keys WHERE task_id = ?", (task_id,))
    rows = [(task_id, "own", task.own_key, 0)] if task.own_key else []
    rows += [(task_id, "ref", key, n) for n, key in enumerate(task.mentions) if key != task.own_key]
    conn.executemany("INSERT OR IGNORE INTO task_keys VALUES (?, ?, ?, ?)", rows)


def put_reverts(conn: sqlite3.Connection, rows: Sequence[tuple[str, str, str, int]]) -> None:
    """``(repo, revert sha, reverted sha, when)``: what a revert commit undid."""
    conn.executemany("INSERT OR IGNORE INTO git_reverts VALUES (?, ?, ?, ?)", rows)


def absorb_git_task(conn: sqlite3.Connection, external_id: str, into: int) -> int | None:
    """A commit imported on its own that a merge now covers: its links move to the merge's
    task ``into`` and it is removed. Returns its id, or None when there is none."""
    old = conn.execute(
        "SELECT id FROM tasks WHERE source = 'git' AND external_id = ? AND id != ?", (external_id, into)
    ).fetchone()
    if old is None:
        return None
    conn.execute(
        """INSERT OR IGNORE INTO session_links (source, session_id, task_id, confidence, manual, removed, share)
           SELECT source, session_id, ?, confidence, manual, removed, share FROM session_links WHERE task_id = ?""",
        (into, old[0]),
    )
    conn.execute("DELETE FROM tasks WHERE id = ?", (old[0],))
    return int(old[0])


def put_commits(conn: sqlite3.Connection, rows: Sequence[CommitRow]) -> None:
    """A task's commits (a commit read again moves to the task now holding it)."""
    conn.executemany(
        """INSERT INTO task_commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(repo, sha) DO UPDATE SET task_id = excluded.task_id""",
        rows,
    )


def put_git_tip(conn: sqlite3.Connection, repo: str, head: str, now_ms: int) -> None:
    conn.execute(
        """INSERT INTO git_repos (repo, last_tip, last_import_ms) VALUES (?, ?, ?)
           ON CONFLICT(repo) DO UPDATE SET last_tip = excluded.last_tip,
               last_import_ms = excluded.last_import_ms, error = NULL""",
        (repo, head, now_ms),
    )


def _changed(tasks: set[int], links: int = 0) -> Changes:
    return Changes(tasks=frozenset(tasks), links=links)
