"""Tasks from git history: a merged branch or pull request is one task, other commits their own.

Only commits by the user's identities count. Reading is incremental: the tip reached last
time is remembered per repository, and only commits after it are read.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.store.store import Store
from tracker.store.tasks import ImportedTask, absorb_git_task, put_commits, put_git_tip, upsert_imported
from tracker.work.git_log import Commit, GitError, config_email, is_ancestor, log, run_git

_PR_MERGE = re.compile(r"^Merge pull request #(\d+) from (\S+)")
_BRANCH_MERGE = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'")
_SQUASH = re.compile(r"^(.*\S)\s*\(#(\d+)\)\s*$")
_KIND = {"feat": "feature", "fix": "bug fix", "refactor": "refactor", "docs": "docs", "perf": "refactor"}
_CONVENTIONAL = re.compile(r"^(\w+)(?:\([^)]*\))?!?:\s*")


@dataclass
class RepoImport:
    repo: str
    commits_read: int = 0
    tasks_new: int = 0
    tasks_updated: int = 0
    error: str | None = None
    absorbed: list[int] = field(default_factory=list)


def category_of(title: str) -> str:
    m = _CONVENTIONAL.match(title)
    return _KIND.get(m.group(1).lower(), "other") if m else "other"


def _merge_title(c: Commit) -> tuple[str | None, str, str]:
    """PR number (if any), branch and title of a merge commit."""
    m = _PR_MERGE.match(c.subject)
    if m:
        branch = m.group(2).split("/", 1)[-1]
        first = next((line.strip() for line in c.body.splitlines() if line.strip()), "")
        return m.group(1), branch, first or branch
    m = _BRANCH_MERGE.match(c.subject)
    branch = m.group(1) if m else ""
    return None, branch, branch or c.subject


def import_repo(store: Store, repo: Path, identities: Iterable[str]) -> RepoImport:
    """Read the commits added to ``repo``'s checked-out branch since last time."""
    result = RepoImport(str(repo))
    ids = {e.lower() for e in identities} or {config_email(repo)} - {""}
    try:
        head = run_git(repo, "rev-parse", "--verify", "-q", "HEAD").strip()
    except GitError:
        return result  # no commits yet
    last = store.tasks.git_tip(str(repo))
    if last == head:
        return result
    revisions = f"{last}..HEAD" if last and is_ancestor(repo, last, head) else "HEAD"
    try:
        mainline = log(repo, revisions, first_parent=True)
    except GitError as exc:
        result.error = str(exc)
        return result
    result.commits_read = len(mainline)
    with store.transaction() as conn:
        for c in reversed(mainline):  # oldest first, so a later merge absorbs earlier commits
            if c.is_merge:
                _merge(conn, repo, c, ids, result)
            elif c.email in ids:
                _single(conn, repo, c, result)
        put_git_tip(conn, str(repo), head, int(time.time() * 1000))
    return result


def _single(conn: sqlite3.Connection, repo: Path, c: Commit, result: RepoImport) -> None:
    squash = _SQUASH.match(c.subject)
    title, pr = (squash.group(1), squash.group(2)) if squash else (c.subject, None)
    external = f"{repo}#pr{pr}" if pr else f"{repo}@{c.sha}"
    task = ImportedTask("git", external, title, True, c.committed_ms, c.authored_ms, str(repo), "",
                        category_of(title))  # fmt: skip
    task_id = _store(conn, task, result)
    _commit_rows(conn, repo, task_id, [c])


def _merge(conn: sqlite3.Connection, repo: Path, c: Commit, ids: set[str], result: RepoImport) -> None:
    merged = log(repo, f"{c.parents[0]}..{c.parents[1]}", first_parent=False)
    mine = [m for m in merged if m.email in ids]
    if not mine and c.email not in ids:
        return
    pr, branch, title = _merge_title(c)
    external = f"{repo}#pr{pr}" if pr else f"{repo}@{c.sha}"
    started = min((m.authored_ms for m in merged), default=c.authored_ms)
    task = ImportedTask("git", external, title, True, c.committed_ms, started, str(repo), branch,
                        category_of(title) if category_of(title) != "other" else category_of(branch))  # fmt: skip
    task_id = _store(conn, task, result)
    # Commits already imported on their own (read while the branch was checked out) join it.
    for m in merged:
        old = absorb_git_task(conn, f"{repo}@{m.sha}", task_id)
        if old is not None:
            result.absorbed.append(old)
    _commit_rows(conn, repo, task_id, mine or [c])


def _store(conn: sqlite3.Connection, task: ImportedTask, result: RepoImport) -> int:
    task_id, new = upsert_imported(conn, task)
    if new:
        result.tasks_new += 1
    else:
        result.tasks_updated += 1
    return task_id


def _commit_rows(conn: sqlite3.Connection, repo: Path, task_id: int, commits: list[Commit]) -> None:
    put_commits(
        conn,
        [
            (
                task_id,
                str(repo),
                m.sha,
                m.authored_ms,
                m.files_changed,
                m.lines_added,
                m.lines_removed,
                int(m.ai_assisted),
            )
            for m in commits
        ],
    )
