"""Tasks end to end: a real repository, sessions that worked in it, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import CliRunner, usage_json
from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter


def setup_project(home: Path) -> GitRepo:
    repo = GitRepo(home / "src" / "shop")
    repo.commit("feat: initial shop", "2026-06-01T09:30:00Z")
    repo.checkout("feature/cart", new=True)
    repo.commit("Add cart model", "2026-06-02T10:30:00Z")
    repo.checkout("main")
    repo.merge(
        "feature/cart", "Merge pull request #12 from dev/feature-cart\n\nAdd a cart page", "2026-06-02T16:00:00Z"
    )
    w = LogWriter(home, seed=3, content_bytes=80)
    w.claude_session(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), project=str(repo.path), turns=4)
    w.claude_session(datetime(2026, 6, 2, 9, 0, tzinfo=UTC), project=str(repo.path), turns=4, branch="feature-cart")
    w.codex_session(datetime(2026, 6, 20, 9, 0, tzinfo=UTC), project=str(repo.path), turns=3)  # no task near it
    return repo


def tasks(cli: CliRunner) -> list[dict]:
    return json.loads(cli("task", "list", "--json", "--timezone", "UTC", check_rc=0).stdout)


def test_import_makes_tasks_from_git_and_links_sessions(cli: CliRunner, home: Path) -> None:
    setup_project(home)
    out = cli("import", check_rc=0).stdout
    assert "2 new task(s)" in out
    listed = tasks(cli)
    assert [t["title"] for t in listed] == ["feat: initial shop", "Add a cart page"]
    first, cart = listed
    assert (
        first["status"] == "done" and first["source"] == "git" and first["completed_at"] == "2026-06-01T09:30:00+00:00"
    )
    assert len(first["sessions"]) >= 1 and len(cart["sessions"]) >= 1
    assert {
        "id",
        "title",
        "status",
        "completed_at",
        "source",
        "external_id",
        "ai_assisted",
        "sessions",
        "tokens",
        "cost_usd",
        "category",
        "impact",
        "hours_saved",
        "links",
    } <= set(first)
    sessions = {r["period"]: r for r in usage_json(cli, "session", "--timezone", "UTC", "--no-import")["rows"]}
    # Every linked session's tokens are split over its tasks: never counted twice.
    linked = {s for t in listed for s in t["sessions"]}
    assert sum(t["tokens"] for t in listed) == sum(sessions[s]["total_tokens"] for s in linked)
    # The Codex session three weeks later served neither task.
    codex = [s for s, r in sessions.items() if r["source"] == "codex"]
    assert codex and not set(codex) & linked


def test_manual_links_survive_reimport_and_deleting_tasks_keeps_usage(cli: CliRunner, home: Path) -> None:
    repo = setup_project(home)
    cli("import", check_rc=0)
    first, cart = tasks(cli)
    session = first["sessions"][0]
    cli("task", "link", str(first["id"]), "--session", session, "--unlink", check_rc=0)
    codex = next(r["period"] for r in usage_json(cli, "session", "--no-import")["rows"] if r["source"] == "codex")
    cli("task", "link", str(cart["id"]), "--session", codex, check_rc=0)
    repo.commit("feat: coupons", "2026-06-21T09:00:00Z")
    cli("import", check_rc=0)
    after = {t["title"]: t for t in tasks(cli)}
    assert session not in after["feat: initial shop"]["sessions"]
    assert codex in after["Add a cart page"]["sessions"]
    before_usage = usage_json(cli, "daily", "--no-import")["totals"]
    cli("task", "delete", str(cart["id"]), check_rc=0)
    assert usage_json(cli, "daily", "--no-import")["totals"] == before_usage
    assert "Add a cart page" not in {t["title"] for t in tasks(cli)}


def test_task_add_done_and_errors(cli: CliRunner) -> None:
    cli(
        "task",
        "add",
        "Write the design doc",
        "--open",
        "--category",
        "docs",
        "--impact",
        "Unblocked the team",
        "--hours-saved",
        "2.5",
        "--link",
        "https://example.com/T-1",
        check_rc=0,
    )
    (task,) = tasks(cli)
    assert (task["status"], task["completed_at"], task["hours_saved"], task["links"]) == (
        "open",
        None,
        2.5,
        ["https://example.com/T-1"],
    )
    cli("task", "done", str(task["id"]), check_rc=0)
    assert tasks(cli)[0]["status"] == "done"
    assert cli("task", "done", "999").returncode == 2
    assert cli("task", "add", "  ").returncode == 2
    assert cli("task", "add", "x", "--hours-saved", "-1").returncode == 2
    assert cli("task", "link", str(task["id"]), "--session", "nope").returncode == 2


def test_a_period_listing_keeps_each_sessions_split(cli: CliRunner, home: Path) -> None:
    setup_project(home)
    cli("import", check_rc=0)
    everything = {t["title"]: t for t in tasks(cli)}
    june_1 = json.loads(cli("task", "list", "--json", "--since", "2026-06-01", "--until", "2026-06-01").stdout)
    assert [t["title"] for t in june_1] == ["feat: initial shop"]
    # The same share as in the full listing, though the session also served a task not listed.
    assert june_1[0]["tokens"] == everything["feat: initial shop"]["tokens"]
