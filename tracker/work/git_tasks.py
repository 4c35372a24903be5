"""Tasks from git history: a merged branch or pull request is one task, other commits their own.

Only commits by the user's identities count. Reading is incremental: the tip reached last
time is remembered per repository, and only commits after it are read.

Not tasks: the root (initial) commit, merges that bring none of the user's commits (syncing
main into a branch, merging a colleague's PR), and ``git revert`` commits, which are recorded
so the work they undid is marked reverted instead.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.store.store import Store
from tracker.store.tasks import (
    ImportedTask,
    absorb_git_task,
    put_commits,
    put_git_tip,
    put_reverts,
    upsert_imported,
)
from tracker.work.git_log import Commit, GitError, config_email, is_ancestor, log, repo_scope, run_git
from tracker.work.linking import MAIN_NAMES, task_line
from tracker.work.reverts import reverted_targets
from tracker.work.ticket_keys import mentioned, scoped

_PR_MERGE = re.compile(r"^Merge pull request #(\d+) from (\S+)")
_BRANCH_MERGE = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'")
_SQUASH = re.compile(r"^(.*\S)\s*\(#(\d+)\)\s*$")
# Where a squash commit's message names the branch it was made from: GitLab's merge template
# ("Merge branch 'x' into 'main'"), a PR merge line kept in the body, or a ``Branch:`` trailer.
_NAMED_BRANCH = re.compile(
    r"^(?:Merge branch '([^']+)' into|Merge pull request #\d+ from [^/\s]+/(\S+)|Branch:\s*(\S+))", re.MULTILINE
)
_REVERT = re.compile(r'^Revert "')
# Conventional-commit types and branch prefixes -> Tokenworth's categories (core/tasks.py).
_KIND = {
    "feat": "feature", "feature": "feature", "features": "feature",
    "fix": "bug fix", "bugfix": "bug fix", "hotfix": "bug fix", "bug": "bug fix",
    "docs": "docs", "doc": "docs",
    "refactor": "refactor", "perf": "refactor", "style": "refactor", "test": "refactor", "tests": "refactor",
    "ci": "incident/ops", "build": "incident/ops", "ops": "incident/ops", "release": "incident/ops",
    "deploy": "incident/ops", "incident": "incident/ops",
    "spike": "research", "research": "research", "experiment": "research",
    "chore": "other", "deps": "other",
}  # fmt: skip
_CONVENTIONAL = re.compile(r"^(\w+)(?:\([^)]*\))?!?:\s*")
_BRANCH_WORD = re.compile(r"[/_\-.]")


@dataclass
class RepoImport:
    repo: str
    commits_read: int = 0
    tasks_new: int = 0
    tasks_updated: int = 0
    error: str | None = None
    absorbed: list[int] = field(default_factory=list)


def category_of(title: str, branch: str = "") -> str:
    """From a conventional-commit prefix (``fix(api): …``), else the branch's (``feature/…``,
    ``dev/fix-login``), else "other"."""
    m = _CONVENTIONAL.match(title)
    if m and m.group(1).lower() in _KIND:
        return _KIND[m.group(1).lower()]
    words = [w.lower() for w in _BRANCH_WORD.split(branch) if w]
    for word in words[:2]:  # "fix-login", or a user's prefix first: "dev/feat/search"
        if word in _KIND:
            return _KIND[word]
    return "other"


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
    checked_out = run_git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    line = "" if task_line(checked_out) == "" else checked_out  # commits of a feature branch are its
    try:
        mainline = log(repo, revisions, first_parent=True)
    except GitError as exc:
        result.error = str(exc)
        return result
    result.commits_read = len(mainline)
    scope = repo_scope(repo)  # this repository's "#12" is not another's
    with store.transaction() as conn:
        for c in reversed(mainline):  # oldest first, so a later merge absorbs earlier commits
            if _REVERT.match(c.subject) and (targets := reverted_targets(c.body)):
                _revert(conn, repo, c, targets)
            elif c.is_merge:
                _merge(conn, repo, c, ids, result, scope)
            elif c.email in ids and c.parents:  # the root commit sets a repository up: not a task
                _single(conn, repo, c, line, result, scope)
        put_git_tip(conn, str(repo), head, int(time.time() * 1000))
    return result


def _revert(conn: sqlite3.Connection, repo: Path, c: Commit, targets: list[str]) -> None:
    """Record what a revert undid; a reverted merge undid every commit it brought."""
    shas = []
    for target in targets:
        try:
            full = run_git(repo, "rev-parse", "--verify", "-q", f"{target}^{{commit}}").strip()
            parents = run_git(repo, "rev-list", "--parents", "-n", "1", full).split()[1:]
        except GitError:
            continue  # a revert of a commit this clone does not have
        shas.append(full)
        if len(parents) > 1:
            shas += run_git(repo, "rev-list", f"{parents[0]}..{full}").split()
    put_reverts(conn, [(str(repo), c.sha, sha, c.committed_ms) for sha in dict.fromkeys(shas)])


def squash_branch(c: Commit) -> str:
    """The branch a squash commit was made from, when its message names it ('' otherwise)."""
    m = _NAMED_BRANCH.search(c.body)
    branch = next((g for g in m.groups() if g), "") if m else ""
    return "" if task_line(branch) == "" else branch


def _single(conn: sqlite3.Connection, repo: Path, c: Commit, line: str, result: RepoImport, scope: str) -> None:
    squash = _SQUASH.match(c.subject)
    title, pr = (squash.group(1), squash.group(2)) if squash else (c.subject, None)
    external = f"{repo}#pr{pr}" if pr else f"{repo}@{c.sha}"
    line = line or squash_branch(c)  # a squash merge on main keeps its branch when the message names it
    keys = scoped(mentioned(c.subject, c.body, branch=line) + ((f"#{pr}",) if pr else ()), scope)
    task = ImportedTask("git", external, title, True, c.committed_ms, c.authored_ms, str(repo), line,
                        category_of(title, line), mentions=keys)  # fmt: skip
    task_id = _store(conn, task, result)
    _commit_rows(conn, repo, task_id, [c])


def _merge(conn: sqlite3.Connection, repo: Path, c: Commit, ids: set[str], result: RepoImport, scope: str) -> None:
    pr, branch, title = _merge_title(c)
    if branch.split("/")[-1] in MAIN_NAMES:
        return  # main merged into a branch (or a remote's main into main): a sync, not work
    merged = log(repo, f"{c.parents[0]}..{c.parents[1]}", first_parent=False)
    mine = [m for m in merged if m.email in ids]
    if not mine:
        return  # a merge of nobody's work but others': not the user's task
    external = f"{repo}#pr{pr}" if pr else f"{repo}@{c.sha}"
    started = min((m.authored_ms for m in merged), default=c.authored_ms)
    keys = mentioned(title, *(f"{m.subject}\n{m.body}" for m in reversed(mine)), branch=branch)
    keys += (f"#{pr}",) if pr else ()
    task = ImportedTask("git", external, title, True, c.committed_ms, started, str(repo), branch,
                        category_of(title, branch), mentions=scoped(keys, scope))  # fmt: skip
    task_id = _store(conn, task, result)
    # Commits already imported on their own (read while the branch was checked out) join it.
    for m in merged:
        old = absorb_git_task(conn, f"{repo}@{m.sha}", task_id)
        if old is not None:
            result.absorbed.append(old)
    _commit_rows(conn, repo, task_id, mine)


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
