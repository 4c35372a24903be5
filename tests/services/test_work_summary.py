"""Tokens against tasks for a period."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import import_git
from tracker.services.work_summary import build_work_summary
from tracker.store.tasks import ImportedTask, upsert_imported


def test_work_summary(ctx: Context, home: Path) -> None:
    repo = GitRepo(home / "src" / "shop")
    repo.commit("feat: cart", "2026-06-01T11:00:00Z")
    repo.commit("fix: totals", "2026-06-09T11:00:00Z")
    w = LogWriter(home, seed=9, content_bytes=40)
    w.claude_session(datetime(2026, 6, 1, 9, tzinfo=UTC), project=str(repo.path), turns=3)
    w.claude_session(datetime(2026, 6, 9, 9, tzinfo=UTC), project=str(repo.path), turns=3)
    w.codex_session(datetime(2026, 6, 5, 9, tzinfo=UTC), project="/elsewhere", turns=3)
    store = ctx.store()
    conn = store.conn
    run_import(conn, home=home, env={}, config=ctx.source_config())
    import_git(ctx, store)
    with conn:
        upsert_imported(conn, ImportedTask("jira", "X-1", "Plan", True, 1780488000000, 1780488000000))
    conn.execute("UPDATE tasks SET hours_saved = '2.5' WHERE title = 'feat: cart'")
    s = build_work_summary(store, "UTC", date(2026, 6, 1), date(2026, 6, 14), {})
    assert [t.title for t in s.done] == ["feat: cart", "Plan", "fix: totals"]
    assert s.hours_saved == Decimal("2.5")
    assert [(wk, n) for wk, _, n, _ in s.weeks] == [("2026-W23", 2), ("2026-W24", 1)]
    assert sum(tok for _, tok, _, _ in s.weeks) == s.total_tokens
    codex_tokens = sum(o.tokens for o in s.orphans)
    assert [o.source for o in s.orphans] == ["codex"]
    codex_cost = sum((o.cost_usd for o in s.orphans), Decimal(0))
    f = s.figures
    # Both Claude sessions serve completed tasks: all but the Codex session is linked spend.
    assert f.linked.tokens == s.total_tokens - codex_tokens == sum(t.tokens for t in s.done)
    assert f.linked.cost_usd == s.total_cost - codex_cost == sum((t.cost_usd for t in s.done), Decimal(0))
    assert f.not_linked.tokens == codex_tokens and f.not_linked.cost_usd == codex_cost
    assert s.linked_share == float((s.total_cost - codex_cost) / s.total_cost)
    assert f.tasks_with_spend == 2  # the Jira ticket has no session
    assert f.cost_per_outcome == f.linked.cost_usd / 2
    assert s.top_by_spend(1)[0].cost_usd == max(t.cost_usd for t in s.tasks)
    assert "Plan" not in [t.title for t in s.top_by_spend()]
    assert [c is None for _, c in s.cost_per_outcome_by_week()] == [False, False]


def test_weekly_usage_from_days_matches_the_weekly_report(ctx: Context, home: Path) -> None:
    from tracker.services.dashboard import build_dashboard
    from tracker.services.work_summary import weeks_of_days

    w = LogWriter(home, seed=2, content_bytes=40)
    for day in (1, 4, 9, 15):
        w.claude_session(datetime(2026, 6, day, 9, tzinfo=UTC), turns=2)
    store = ctx.store()
    conn = store.conn
    run_import(conn, home=home, env={}, config=ctx.source_config())
    since, until = date(2026, 6, 1), date(2026, 6, 20)
    d = build_dashboard(store, timezone="UTC", since=since, until=until, today=until, overrides={})
    derived = build_work_summary(store, "UTC", since, until, {}, weekly_usage=weeks_of_days(d.days))
    queried = build_work_summary(store, "UTC", since, until, {})
    assert derived.weeks == queried.weeks and derived.total_tokens == queried.total_tokens
