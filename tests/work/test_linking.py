"""Linking that is right by itself: real repositories, real session logs, exact tokens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers.gitrepo import GitRepo
from tests.work.sessions import claude_log
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import TaskRow, import_git, import_task_file, link_session, list_tasks
from tracker.work.linking import LEAD_MAIN_MS, SessionSpan, TaskSpan, by_time

H = 3_600_000


def imported(ctx: Context, home: Path) -> list[TaskRow]:
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    with ctx.store() as store:
        import_git(ctx, store)
        return list_tasks(store, "UTC", {})


def by_title(tasks: list[TaskRow]) -> dict[str, TaskRow]:
    return {t.title: t for t in tasks}


def rate_limit_repo(home: Path) -> GitRepo:
    """The issue's scenario: a PR whose session ended before it merged, and the next day's fix on main."""
    repo = GitRepo(home / "src" / "api")
    repo.commit("feat: health check", "2026-06-01T08:00:00Z")
    repo.checkout("feature/rate-limit", new=True)
    repo.commit("Rate limiter", "2026-06-01T12:00:00Z", name="limit.txt")
    repo.commit("Rate limiter tests", "2026-06-01T15:00:00Z", name="limit_test.txt")
    repo.checkout("main")
    repo.commit("fix: typo in the health check", "2026-06-02T11:00:00Z", name="health.txt")
    repo.merge(
        "feature/rate-limit",
        "Merge pull request #7 from dev/feature/rate-limit\n\nRate limit the API",
        "2026-06-02T17:00:00Z",
    )
    return repo


def test_a_feature_branch_session_goes_to_its_pr_only_with_all_its_tokens(ctx: Context, home: Path) -> None:
    repo = rate_limit_repo(home)
    project = str(repo.path)
    claude_log(home, "feature", project, "feature/rate-limit",
               [("2026-06-01T10:00:00Z", 50_000, 2_000), ("2026-06-01T13:00:00Z", 50_000, 2_000),
                ("2026-06-01T15:30:00Z", 50_000, 2_000)])  # fmt: skip
    claude_log(home, "mainfix", project, "main", [("2026-06-02T10:00:00Z", 9_000, 1_000)])
    got = by_title(imported(ctx, home))
    pr, fix = got["Rate limit the API"], got["fix: typo in the health check"]
    assert [s for _, s in pr.sessions] == ["feature"] and pr.tokens == 156_000  # not 98,547
    assert [s for _, s in fix.sessions] == ["mainfix"] and fix.tokens == 10_000
    assert got["feat: health check"].sessions == []
    assert pr.category == "feature" and fix.category == "bug fix"


def test_a_session_that_switched_branch_is_split_by_its_tokens_on_each(ctx: Context, home: Path) -> None:
    repo = rate_limit_repo(home)
    claude_log(home, "both", str(repo.path), "",
               [("2026-06-01T13:00:00Z", 29_000, 1_000, "feature/rate-limit"),
                ("2026-06-01T14:00:00Z", 30_000, 0, "feature/rate-limit"),
                ("2026-06-02T10:00:00Z", 20_000, 0, "main")])  # fmt: skip
    got = by_title(imported(ctx, home))
    assert got["Rate limit the API"].tokens == 60_000
    assert got["fix: typo in the health check"].tokens == 20_000


def test_a_main_branch_session_serves_the_next_task_completed_on_main(ctx: Context, home: Path) -> None:
    repo = GitRepo(home / "src" / "web")
    repo.commit("feat: menu", "2026-06-03T09:00:00Z")
    repo.commit("feat: footer", "2026-06-03T14:00:00Z")
    repo.commit("docs: readme", "2026-06-04T09:00:00Z")
    claude_log(home, "s1", str(repo.path), "main", [("2026-06-03T10:00:00Z", 4_000, 500),
                                                    ("2026-06-03T11:00:00Z", 4_000, 500)])  # fmt: skip
    got = by_title(imported(ctx, home))
    assert got["feat: footer"].tokens == 9_000
    assert got["feat: menu"].tokens == 0 and got["docs: readme"].tokens == 0


def test_a_session_that_served_two_tasks_is_split_by_time_not_evenly(ctx: Context, home: Path) -> None:
    repo = GitRepo(home / "src" / "web")
    repo.commit("feat: menu", "2026-06-03T11:00:00Z")
    repo.commit("feat: footer", "2026-06-03T14:00:00Z")
    # 09:00 → 12:00: two hours before the menu was committed, one hour towards the footer.
    claude_log(home, "s1", str(repo.path), "main", [("2026-06-03T09:00:00Z", 29_000, 1_000),
                                                    ("2026-06-03T12:00:00Z", 29_000, 1_000)])  # fmt: skip
    got = by_title(imported(ctx, home))
    assert (got["feat: menu"].tokens, got["feat: footer"].tokens) == (40_000, 20_000)


def test_overlap_shares_are_exact() -> None:
    menu = TaskSpan(1, "/r", "", 11 * H, 11 * H, 1)
    footer = TaskSpan(2, "/r", "", 14 * H, 14 * H, 2)
    span = SessionSpan("claude-code", "s", "/r", "main", 9 * H, 12 * H - 1)  # 09:00 up to 12:00
    served = by_time(span, {"": [menu, footer]})
    assert [(s.task_id, s.share) for s in served] == [(1, 0.666667), (2, 0.333333)]
    # A session more than the lead time before the next task on main served nothing.
    early = SessionSpan("claude-code", "s", "/r", "main", 11 * H - LEAD_MAIN_MS - 2 * H, 11 * H - LEAD_MAIN_MS - H)
    assert by_time(early, {"": [menu, footer]}) == []


def test_a_session_on_a_branch_not_merged_yet_stays_unlinked(ctx: Context, home: Path) -> None:
    repo = GitRepo(home / "src" / "web")
    repo.commit("feat: menu", "2026-06-03T09:00:00Z")
    repo.commit("fix: menu colours", "2026-06-03T18:00:00Z")
    claude_log(home, "wip", str(repo.path), "feature/search", [("2026-06-03T10:00:00Z", 1_000, 100)])
    got = imported(ctx, home)
    assert all(t.sessions == [] for t in got)  # never the main branch's fix


JIRA = """Summary,Issue key,Issue Type,Status,Created,Resolved
Rate limit the public API,PROJ-123,Story,Done,2026-05-30 09:00,2026-06-03 10:00
Unrelated ticket,PROJ-124,Bug,Done,2026-05-30 09:00,2026-06-03 11:00
"""


@pytest.mark.parametrize("tracker_first", [False, True])
def test_a_ticket_key_in_the_branch_joins_the_jira_task_and_its_pr_into_one_outcome(
    ctx: Context, home: Path, tmp_path: Path, tracker_first: bool
) -> None:
    repo = GitRepo(home / "src" / "api")
    repo.commit("feat: health check", "2026-06-01T08:00:00Z")
    repo.checkout("dev/proj-123-rate-limit", new=True)
    repo.commit("Rate limiter", "2026-06-01T12:00:00Z", lines=7, name="limit.txt")
    repo.checkout("main")
    repo.merge("dev/proj-123-rate-limit", "Merge pull request #9 from dev/dev/proj-123-rate-limit\n\nRate limiting",
               "2026-06-02T17:00:00Z")  # fmt: skip
    claude_log(home, "s1", str(repo.path), "dev/proj-123-rate-limit", [("2026-06-01T11:00:00Z", 20_000, 1_000)])
    export = tmp_path / "jira.csv"
    export.write_text(JIRA, encoding="utf-8")
    if tracker_first:
        with ctx.store() as store:
            import_task_file(ctx, store, export, "jira", None, 0)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    with ctx.store() as store:
        import_git(ctx, store)
        if not tracker_first:
            import_task_file(ctx, store, export, "jira", None, 0)
        tasks = by_title(list_tasks(store, "UTC", {}))
        assert set(tasks) == {"Rate limit the public API", "Unrelated ticket", "feat: health check"}
        outcome = tasks["Rate limit the public API"]
        assert (outcome.source, outcome.external_id, outcome.tokens, outcome.lines_added) == ("jira", "PROJ-123",
                                                                                            21_000, 7)  # fmt: skip
        assert len(outcome.members) == 1 and outcome.branch == "dev/proj-123-rate-limit"
        june = list_tasks(store, "UTC", {}, date(2026, 6, 3), date(2026, 6, 3))  # done when the ticket was
        assert {t.title for t in june} == {"Rate limit the public API", "Unrelated ticket"}
        day = 86_400_000
        start = 1_780_444_800_000  # 2026-06-03T00:00Z
        assert store.tasks.completed_count(start, start + day) == 2
        assert store.tasks.completed_count(start - day, start) == 0  # the PR merged the day before: not again


def test_manual_decisions_win_over_automatic_links(ctx: Context, home: Path) -> None:
    repo = GitRepo(home / "src" / "web")
    repo.commit("feat: menu", "2026-06-03T09:00:00Z")
    repo.commit("feat: footer", "2026-06-03T14:00:00Z")
    claude_log(home, "s1", str(repo.path), "main", [("2026-06-03T10:00:00Z", 1_000, 0)])
    claude_log(home, "s2", str(repo.path), "main", [("2026-06-03T11:00:00Z", 2_000, 0)])
    got = by_title(imported(ctx, home))
    menu, footer = got["feat: menu"], got["feat: footer"]
    assert footer.tokens == 3_000
    with ctx.store() as store:
        link_session(store, "s1", menu.id, linked=True)  # the user says s1 was the menu
        link_session(store, "s2", footer.id, linked=False)  # and s2 was not the footer
        import_git(ctx, store)  # relinks
        again = by_title(list_tasks(store, "UTC", {}))
    assert (again["feat: menu"].tokens, again["feat: footer"].tokens) == (1_000, 0)
    assert again["feat: footer"].sessions == []
