"""Tasks from real git repositories made in a temp folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers.gitrepo import ME, GitRepo
from tracker.store.db import connect
from tracker.store.store import Store
from tracker.work.git_tasks import import_repo

OTHER = "colleague@example.com"


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "db.sqlite3")


def build(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "shop")
    r.commit("feat: initial shop", "2026-06-01T09:00:00Z")
    r.commit("chore: tidy", "2026-06-01T10:00:00Z", email=OTHER)
    r.checkout("feature/cart", new=True)
    r.commit("Add cart model", "2026-06-02T09:00:00Z", lines=10)
    r.commit("Add cart view\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "2026-06-02T11:00:00Z", lines=5)
    r.checkout("main")
    r.merge("feature/cart", "Merge pull request #12 from dev/feature-cart\n\nAdd a cart page", "2026-06-02T15:00:00Z")
    r.checkout("fix-login", new=True)
    r.commit("wip", "2026-06-03T09:00:00Z")
    r.checkout("main")
    r.squash("fix-login", "fix: broken login (#13)", "2026-06-03T10:00:00Z")
    r.commit("docs: readme\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)", "2026-06-03T12:00:00Z")
    r.checkout("theirs", new=True)
    r.commit("Their feature", "2026-06-04T09:00:00Z", email=OTHER)
    r.checkout("main")
    r.merge(
        "theirs", "Merge pull request #14 from colleague/theirs\n\nTheir feature", "2026-06-04T10:00:00Z", email=OTHER
    )
    return r


def tasks(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        """SELECT t.title, t.status, t.category, t.branch, COUNT(c.sha), SUM(c.lines_added), MAX(c.ai_assisted),
                  t.external_id
           FROM tasks t LEFT JOIN task_commits c ON c.task_id = t.id GROUP BY t.id ORDER BY t.completed_ms"""
    ).fetchall()


def test_merges_squashes_and_commits_become_tasks(tmp_path: Path, conn: sqlite3.Connection) -> None:
    repo = build(tmp_path)
    result = import_repo(Store(conn), repo.path, [ME])
    assert result.error is None
    got = [(t[0], t[1], t[2], t[3], t[4], t[5], t[6]) for t in tasks(conn)]
    assert got == [
        ("feat: initial shop", "done", "feature", "", 1, 3, 0),
        ("Add a cart page", "done", "feature", "feature-cart", 2, 15, 1),
        ("fix: broken login", "done", "bug fix", "", 1, 3, 0),
        ("docs: readme", "done", "docs", "", 1, 3, 1),
    ]
    ext = [t[7] for t in tasks(conn)]
    assert ext[1] == f"{repo.path}#pr12" and ext[2] == f"{repo.path}#pr13"


def test_only_new_commits_are_read(tmp_path: Path, conn: sqlite3.Connection) -> None:
    repo = build(tmp_path)
    import_repo(Store(conn), repo.path, [ME])
    again = import_repo(Store(conn), repo.path, [ME])
    assert again.commits_read == 0
    repo.commit("feat: coupons", "2026-06-05T09:00:00Z")
    more = import_repo(Store(conn), repo.path, [ME])
    assert (more.commits_read, more.tasks_new) == (1, 1)
    assert len(tasks(conn)) == 5


def test_a_branch_read_before_its_merge_joins_the_merge_task(tmp_path: Path, conn: sqlite3.Connection) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("feat: base", "2026-06-01T09:00:00Z")
    repo.checkout("feature/search", new=True)
    repo.commit("Search box", "2026-06-02T09:00:00Z")
    import_repo(Store(conn), repo.path, [ME])  # the user had the branch checked out
    assert [t[0] for t in tasks(conn)] == ["feat: base", "Search box"]
    conn.execute(
        "INSERT INTO session_links (source, session_id, task_id, confidence, manual, removed)"
        " VALUES ('claude-code', 's1', (SELECT id FROM tasks WHERE title = 'Search box'), 1, 1, 0)"
    )
    repo.checkout("main")
    repo.merge("feature/search", "Merge branch 'feature/search'", "2026-06-03T09:00:00Z")
    result = import_repo(Store(conn), repo.path, [ME])
    assert [t[0] for t in tasks(conn)] == ["feat: base", "feature/search"]
    assert len(result.absorbed) == 1
    # The manual link moved with the work.
    assert conn.execute(
        "SELECT t.title, l.manual FROM session_links l JOIN tasks t ON t.id = l.task_id"
    ).fetchall() == [("feature/search", 1)]


def test_identity_defaults_to_the_repository_email(tmp_path: Path, conn: sqlite3.Connection) -> None:
    repo = build(tmp_path)
    import_repo(Store(conn), repo.path, [])
    assert len(tasks(conn)) == 4
    other = connect(tmp_path / "other.sqlite3")
    import_repo(Store(other), repo.path, [OTHER])
    assert [t[0] for t in tasks(other)] == ["chore: tidy", "Their feature"]


def test_an_empty_repository_is_not_an_error(tmp_path: Path, conn: sqlite3.Connection) -> None:
    repo = GitRepo(tmp_path / "empty", initial=False)
    result = import_repo(Store(conn), repo.path, [ME])
    assert result.error is None and result.commits_read == 0
