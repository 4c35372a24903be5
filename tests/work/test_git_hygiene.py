"""Git task hygiene: no setup or merge-only tasks, categories from prefixes, reverts marked,
and the period's spend split into productive / reverted / abandoned / not linked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers.gitrepo import ME, GitRepo
from tests.work.sessions import claude_log
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import import_git, list_tasks, period_yield, yield_json
from tracker.store.db import connect
from tracker.store.store import Store
from tracker.work.git_tasks import category_of, import_repo
from tracker.work.reverts import mark_reverted

OTHER = "colleague@example.com"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(connect(tmp_path / "db.sqlite3"))


def titles(store: Store) -> list[str]:
    return [t.title for t in list_tasks(store, "UTC", {})]


def test_the_initial_commit_and_merges_of_no_own_work_are_not_tasks(tmp_path: Path, store: Store) -> None:
    repo = GitRepo(tmp_path / "r", initial=False)
    repo.commit("Initial commit", "2026-06-01T08:00:00Z", lines=40)  # the root: a repository set up
    repo.commit("feat: search", "2026-06-01T09:00:00Z")
    repo.checkout("feature/cart", new=True)
    repo.commit("Cart", "2026-06-01T10:00:00Z", name="cart.txt")
    repo.checkout("main")
    repo.commit("fix: search ranking", "2026-06-01T11:00:00Z", name="rank.txt")
    repo.checkout("feature/cart")
    repo.merge("main", "Merge branch 'main' into feature/cart", "2026-06-01T12:00:00Z")  # a sync
    repo.commit("Cart totals", "2026-06-01T13:00:00Z", name="totals.txt")
    repo.checkout("main")
    repo.checkout("theirs", new=True)
    repo.commit("Their thing", "2026-06-01T14:00:00Z", email=OTHER, name="theirs.txt")
    repo.checkout("main")
    repo.merge("theirs", "Merge pull request #3 from colleague/theirs\n\nTheir thing", "2026-06-01T15:00:00Z")
    repo.merge("feature/cart", "Merge pull request #4 from dev/feature/cart\n\nA cart", "2026-06-01T16:00:00Z")
    import_repo(store, repo.path, [ME])
    assert titles(store) == ["feat: search", "fix: search ranking", "A cart"]
    cart = list_tasks(store, "UTC", {})[-1]
    assert cart.category == "feature" and cart.branch == "feature/cart"


@pytest.mark.parametrize(
    ("title", "branch", "category"),
    [
        ("fix(api): null id", "", "bug fix"),
        ("feat!: new login", "", "feature"),
        ("docs: install guide", "", "docs"),
        ("refactor: split module", "", "refactor"),
        ("perf: cache prices", "", "refactor"),
        ("test: cover totals", "", "refactor"),
        ("ci: cache uv", "", "incident/ops"),
        ("chore: bump deps", "", "other"),
        ("Login page", "hotfix/login", "bug fix"),
        ("Guide", "dev/docs-guide", "docs"),
        ("Search", "dev/feat/search", "feature"),
        ("Something", "topic/x", "other"),
        ("fix: typo", "feature/x", "bug fix"),  # the commit's own prefix first
    ],
)
def test_categories_from_conventional_commits_and_branch_prefixes(title: str, branch: str, category: str) -> None:
    assert category_of(title, branch) == category


def test_a_revert_marks_the_task_reverted_and_a_revert_of_the_revert_brings_it_back(
    tmp_path: Path, store: Store
) -> None:
    repo = GitRepo(tmp_path / "r")
    coupons = repo.commit("feat: coupons", "2026-06-01T09:00:00Z", name="coupons.txt")
    repo.commit("feat: menu", "2026-06-01T10:00:00Z", name="menu.txt")
    repo.git("revert", "--no-edit", coupons, date="2026-06-02T09:00:00Z")
    import_repo(store, repo.path, [ME])
    mark_reverted(store)
    tasks = {t.title: t for t in list_tasks(store, "UTC", {})}
    assert set(tasks) == {"feat: coupons", "feat: menu"}  # the revert commit is no task
    assert tasks["feat: coupons"].reverted and tasks["feat: coupons"].spend == "reverted"
    assert tasks["feat: coupons"].reverted_ms == 1_780_390_800_000  # 2026-06-02T09:00Z
    assert not tasks["feat: menu"].reverted and tasks["feat: menu"].spend == "productive"
    day = 86_400_000
    assert store.tasks.completed_count(1_780_272_000_000, 1_780_272_000_000 + day) == 1  # reverted work is no outcome
    revert = repo.git("rev-parse", "HEAD")
    repo.git("revert", "--no-edit", revert, date="2026-06-03T09:00:00Z")
    import_repo(store, repo.path, [ME])
    mark_reverted(store)
    assert not any(t.reverted for t in list_tasks(store, "UTC", {}))


def test_a_reverted_pr_merge_marks_the_pr_reverted(tmp_path: Path, store: Store) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.checkout("feature/cart", new=True)
    repo.commit("Cart", "2026-06-01T10:00:00Z", name="cart.txt")
    repo.commit("Cart view", "2026-06-01T11:00:00Z", name="view.txt")
    repo.checkout("main")
    merge = repo.merge("feature/cart", "Merge pull request #4 from dev/feature/cart\n\nA cart", "2026-06-01T16:00:00Z")
    repo.git("revert", "--no-edit", "-m", "1", merge, date="2026-06-02T09:00:00Z")
    import_repo(store, repo.path, [ME])
    mark_reverted(store)
    assert [(t.title, t.reverted) for t in list_tasks(store, "UTC", {})] == [("A cart", True)]


def test_the_periods_spend_is_productive_reverted_abandoned_or_not_linked(ctx: Context, home: Path) -> None:
    repo = GitRepo(home / "src" / "shop")
    coupons = repo.commit("feat: coupons", "2026-06-01T12:00:00Z", name="coupons.txt")
    repo.commit("feat: menu", "2026-06-02T12:00:00Z", name="menu.txt")
    repo.git("revert", "--no-edit", coupons, date="2026-06-03T09:00:00Z")
    project = str(repo.path)
    claude_log(home, "coupons", project, "main", [("2026-06-01T10:00:00Z", 10_000, 0)])
    claude_log(home, "menu", project, "main", [("2026-06-02T10:00:00Z", 20_000, 0)])
    claude_log(home, "spike", project, "spike/graphql", [("2026-06-04T10:00:00Z", 4_000, 0)])  # never landed
    claude_log(home, "later", project, "main", [("2026-06-05T10:00:00Z", 1_000, 0)])  # not committed yet
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    with ctx.store() as store:
        import_git(ctx, store)
        now_ms = 1_782_000_000_000  # 2026-06-21: the spike branch has been quiet for over two weeks
        got = period_yield(store, "UTC", {}, date(2026, 6, 1), date(2026, 6, 30), now_ms)
        assert got.tokens == {"productive": 20_000, "reverted": 10_000, "in progress": 0, "abandoned": 4_000,
                              "not work": 0, "not linked": 1_000}  # fmt: skip
        assert set(yield_json(got)["reverted"]) == {"tokens", "cost_usd"}
        soon = period_yield(store, "UTC", {}, date(2026, 6, 1), date(2026, 6, 30), 1_780_700_000_000)  # 06-06
        assert soon.tokens["abandoned"] == 0 and soon.tokens["not linked"] == 5_000
        assert sum(got.tokens.values()) == 35_000
        store.links.set_not_work([("claude-code", "later"), ("claude-code", "menu")], now_ms)
        marked = period_yield(store, "UTC", {}, date(2026, 6, 1), date(2026, 6, 30), now_ms)
        # The unlinked session marked not work is its own part; the linked one stays productive.
        assert (marked.tokens["not work"], marked.tokens["not linked"], marked.tokens["productive"]) == (
            1_000,
            0,
            20_000,
        )
        assert marked.total_tokens == 35_000


def test_reverts_table_survives_a_reimport(tmp_path: Path, store: Store) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit("feat: coupons", "2026-06-01T09:00:00Z", name="c.txt")
    repo.git("revert", "--no-edit", sha, date="2026-06-02T09:00:00Z")
    import_repo(store, repo.path, [ME])
    import_repo(store, repo.path, [ME])
    assert len(store.tasks.reverts()) == 1
