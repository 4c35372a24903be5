"""Bill vs logs with the Claude Code Analytics: real Claude Code logs imported by the CLI, two
keys synced from a real server on 127.0.0.1 (one narrowed to the user's own rows, one the
whole organisation's), then ``tokenworth reconcile --json`` and the Bill vs logs view."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.apis.fakes import MemoryChain
from tests.apis.server import ApiServer, Reply
from tests.apis.test_claude_code_analytics import ME, OTHER, PATH, SONNET, model, page, record
from tests.conftest import CliRunner
from tests.exports.test_reconcile import write_claude_logs
from tracker.core.secret import Secret
from tracker.services import api_sync
from tracker.services.context import Context
from tracker.services.reconcile import ORG_NOTE, reconcile
from tracker.sources.usage_apis.http import HttpPolicy

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
ANALYTICS = "claude-code-analytics"
MY_EMAIL = "me@example.com"


def day_30() -> Reply:  # my day matches the logs exactly (37,000 tokens); a colleague's is theirs
    return Reply(page(record("2026-11-30", ME, "vscode", [model(SONNET, 1000, 4000, 30000, 2000, 41)], 2, 120, 20, 1),
                      record("2026-11-30", OTHER, "vscode", [model(SONNET, 500, 500, 0, 0, 3)], 4, 10, 0, 0, 1)))  # fmt: skip


def day_01() -> Reply:  # the report has 500 input tokens more than the logs (another machine, say)
    return Reply(page(record("2026-12-01", ME, "vscode", [model(SONNET, 1200, 300, 9000, 0, 1.5)], 1, 5, 5)))


def synced(
    ctx: Context, api: ApiServer, keys: tuple[tuple[str, str | None], ...] = (("mine", MY_EMAIL), ("org", None))
) -> None:
    chain = MemoryChain()
    with ctx.store() as store:
        for name, actor in keys:
            api_sync.set_key(store, chain, name, ANALYTICS, Secret("sk-ant-admin01-x"), api.url, actor)  # type: ignore[arg-type]  # a fake chain
            acc = api_sync.account(store, name)
            assert acc is not None
            store.provider.save_sync_state(api_sync._state(acc.__class__(**{**acc.__dict__, "since": "2026-11-30"})))
        api.script(PATH, day_30(), day_01(), day_30(), day_01())  # 'mine' asks first, then 'org'
        reports = api_sync.sync(store, chain, now=NOW, policy=HttpPolicy(timeout_s=5), sleep=lambda s: None)  # type: ignore[arg-type]  # a fake chain
    assert [(r.name, r.error, r.new, r.whole_org) for r in reports] == [
        (name, None, 2, actor is None) for name, actor in keys
    ]


def test_your_analytics_rows_beside_the_claude_code_logs_and_the_organisations_apart(
    cli: CliRunner, home: Path, ctx: Context, api: ApiServer
) -> None:
    write_claude_logs(home)
    cli("import", check_rc=0)
    synced(ctx, api)
    out = json.loads(cli("reconcile", "--json", check_rc=0).stdout)
    got = [(r["day"], r["provider"], r["model"], r["compared"], r["bill"]["total_tokens"],
            r["logs"] and r["logs"]["total_tokens"], r["difference"] and r["difference"]["total_tokens"],
            r["logs"] and r["logs"]["sources"]) for r in out["rows"]]  # fmt: skip
    assert got == [
        ("2026-11-30", ANALYTICS, "claude-sonnet-4-5", True, 37000, 37000, 0, ["claude-code"]),
        ("2026-11-30", f"{ANALYTICS} (whole organisation)", "claude-sonnet-4-5", False, 38000, None, None, None),
        ("2026-12-01", ANALYTICS, "claude-sonnet-4-5", True, 10500, 10000, 500, ["claude-code"]),
        ("2026-12-01", f"{ANALYTICS} (whole organisation)", "claude-sonnet-4-5", False, 10500, None, None, None),
    ]
    mine_30 = out["rows"][0]
    assert (mine_30["bill"]["cost_usd"], mine_30["bill"]["cost_reported"]) == (0.41, True)  # 41 cents, Anthropic's
    assert out["mappings"] == {
        ANALYTICS: "Claude Code's local logs only (your rows of the organisation's Claude Code analytics); "
        "found: claude-code",
        f"{ANALYTICS} (whole organisation)": ORG_NOTE,
    }
    assert out["claude_code_activity"] == [
        {"day": "2026-11-30", "account": "mine", "scope": "you", "actors": 1, "sessions": 2, "lines_added": 120,
         "lines_removed": 20, "commits": 1, "pull_requests": 0},
        {"day": "2026-11-30", "account": "org", "scope": "organisation", "actors": 2, "sessions": 6,
         "lines_added": 130, "lines_removed": 20, "commits": 1, "pull_requests": 1},
        {"day": "2026-12-01", "account": "mine", "scope": "you", "actors": 1, "sessions": 1, "lines_added": 5,
         "lines_removed": 5, "commits": 0, "pull_requests": 0},
        {"day": "2026-12-01", "account": "org", "scope": "organisation", "actors": 1, "sessions": 1,
         "lines_added": 5, "lines_removed": 5, "commits": 0, "pull_requests": 0},
    ]  # fmt: skip
    assert out["cursor"] is None
    text = cli("reconcile", check_rc=0).stdout
    assert "The whole organisation's Claude Code rows (not yours: not compared with your logs):" in text
    assert "Claude Code activity (the analytics report's view of these days):" in text
    assert "organisation (2)" in text and "+130 / -20" in text
    totals = [line.split()[1:5] for line in text.splitlines() if line.startswith("total")]
    assert totals == [[ANALYTICS, "47,500", "47,000", "+500"]]  # the organisation's rows are not in it


def test_the_bill_vs_logs_view_shows_the_rows_the_activity_and_what_is_not_compared(
    qtbot, home: Path, ctx: Context, api: ApiServer, cli: CliRunner
) -> None:
    from tracker.ui.reconcile_view import ReconcileView

    write_claude_logs(home)
    cli("import", check_rc=0)
    synced(ctx, api)
    with ctx.reader() as store:
        rec = reconcile(store)
    view = ReconcileView(ctx, reads=None)
    qtbot.addWidget(view)
    view.show()
    view.show_data(rec)

    def cells(table: object, row: int) -> list[str]:
        return [table.item(row, c).text() for c in range(table.columnCount())]  # type: ignore[attr-defined]

    assert view.table.rowCount() == 4
    assert cells(view.table, 0)[:6] == ["2026-11-30", ANALYTICS, "claude-sonnet-4-5", "37,000", "37,000", "+0"]
    assert cells(view.table, 1)[3:9] == ["38,000", "not compared", "(not yours)", "$0.44", "", ""]
    assert cells(view.table, 2)[5] == "+500"
    assert view.activity.isVisible() and view.activity.rowCount() == 4
    assert cells(view.activity, 1) == ["2026-11-30", "org", "organisation (2)", "6", "130", "20", "1", "1"]
    assert not view.cursor_note.isVisible()
    assert ORG_NOTE in view.header.text()


def test_the_text_totals_are_per_provider_so_logs_beside_two_providers_count_once(
    home: Path, ctx: Context, api: ApiServer, cli: CliRunner
) -> None:
    """Claude Code's logs stand beside the Anthropic bill and the analytics report: one grand total
    summed them twice (and the analytics figures on top of the bill they are part of)."""
    from tests.exports.test_reconcile import FIXTURES

    write_claude_logs(home)
    cli("import", check_rc=0)
    cli("import", str(FIXTURES / "anthropic-usage.csv"), str(FIXTURES / "anthropic-cost.csv"), check_rc=1)  # a bad line
    synced(ctx, api)
    text = cli("reconcile", check_rc=0).stdout
    totals = {line.split()[1]: line.split()[3] for line in text.splitlines() if line.startswith("total")}
    logged = json.loads(
        cli(
            "usage", "daily", "--json", "--no-import", "--since", "2026-11-30", "--until", "2026-12-01", check_rc=0
        ).stdout
    )["totals"]["total_tokens"]
    assert set(totals) == {"anthropic", ANALYTICS}
    assert totals[ANALYTICS] == f"{logged:,}"  # each provider's logs side is the logs once
    assert totals["anthropic"] == f"{logged:,}"


def test_two_keys_synced_for_the_same_person_count_their_rows_once(
    cli: CliRunner, home: Path, ctx: Context, api: ApiServer
) -> None:
    write_claude_logs(home)
    cli("import", check_rc=0)
    synced(ctx, api, (("mine", MY_EMAIL), ("mine-too", MY_EMAIL)))  # the same rows under two account names
    out = json.loads(cli("reconcile", "--json", check_rc=0).stdout)
    got = [(r["day"], r["provider"], r["bill"]["total_tokens"], r["logs"]["total_tokens"]) for r in out["rows"]]
    assert got == [("2026-11-30", ANALYTICS, 37000, 37000), ("2026-12-01", ANALYTICS, 10500, 10000)]
    usage = json.loads(cli("usage", "daily", "--json", "--timezone", "UTC", check_rc=0).stdout)
    assert [(o["provider"], o["tokens"]) for o in usage["outside_totals"]] == [(ANALYTICS, 47500)]
