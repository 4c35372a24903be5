"""The tools' own cost estimates and subscription-covered spend: stored per event (migration 7),
summed from ``events`` through a partial index, shown beside Tokenworth's priced cost."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import CliRunner
from tests.helpers.source_fixtures import install_source_fixture
from tracker.core.timezones import offset_segments
from tracker.store.queries import TOOL_COST_EVENTS, UsageFilter
from tracker.store.store import Store

DAY = 86_400_000
T0 = 20_000 * DAY  # 2024-10-04 00:00 UTC


def _event(store: Store, key: str, source: str, ts: int, cost: int | None, sub: int, tokens: int = 100) -> None:
    store.conn.execute(
        "INSERT INTO events (source, dedup_key, session_id, project, git_branch, model, ts_ms, input_tokens,"
        " output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens,"
        " total_tokens, prompt_class, tool_cost_micro, subscription)"
        " VALUES (?, ?, 's1', '/p', 'main', 'claude-sonnet-4-5', ?, ?, 10, 0, 0, 0, 0, ?, 0, ?, ?)",
        (source, key.encode(), ts, tokens, tokens + 10, cost, sub),
    )


def test_tool_cost_query_sums_only_priced_or_covered_events_by_day(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.sqlite3")
    with store.conn:
        _event(store, "a", "opencode", T0 + 1000, 1_500_000, 0)
        _event(store, "b", "opencode", T0 + 2000, 250_000, 0)
        _event(store, "c", "opencode", T0 + 3000, 0, 1)  # github-copilot via OpenCode: covered
        _event(store, "d", "claude-code", T0 + 4000, None, 0)  # the tool said nothing: not read
        _event(store, "e", "pi", T0 + DAY + 5, 70_000, 0)
    offsets = offset_segments(ZoneInfo("UTC"), T0, T0 + 2 * DAY)
    rows = store.usage.tool_cost(UsageFilter(), "day", offsets=offsets, thresholds={})
    got = sorted((r.group.key, r.group.source, r.tool_priced, r.subscription, r.group.events, r.tool_cost_micro,
                  r.group.input) for r in rows)  # fmt: skip
    assert got == [
        (20_000, "opencode", True, False, 2, 1_750_000, 200),
        (20_000, "opencode", True, True, 1, 0, 100),
        (20_001, "pi", True, False, 1, 70_000, 100),
    ]
    one_day = UsageFilter(start_ms=T0 + DAY, end_ms=T0 + 2 * DAY)
    assert [r.tool_cost_micro for r in store.usage.tool_cost(one_day, "day", offsets=offsets, thresholds={})] == [
        70_000
    ]
    sql = f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM events WHERE ts_ms >= 0 AND {TOOL_COST_EVENTS}"  # noqa: S608 - a constant
    plan = " ".join(str(r[3]) for r in store.conn.execute(sql))
    assert "events_tool_cost" in plan  # a period's sum reads only the events that have these columns
    store.close()


def _fields(row: dict[str, object]) -> tuple[object, ...]:
    return tuple(row[k] for k in ("tool_cost_usd", "tool_cost_requests", "subscription_requests",
                                  "subscription_cost_usd"))  # fmt: skip


def test_usage_json_and_table_show_tool_estimates_and_subscription_spend(cli: CliRunner, home: Path) -> None:
    for source in ("opencode", "copilot", "pi", "goose"):
        install_source_fixture(source, home)
    cli("import", check_rc=1)  # the opencode fixture's hostile rows
    doc = json.loads(cli("usage", "monthly", "--json", "--no-import", "--timezone", "UTC").stdout)
    sources = doc["totals"]["sources"]
    # Copilot: every request covered by its plan (API-equivalent cost), no estimate of its own.
    assert _fields(sources["copilot"]) == (None, 0, 4, sources["copilot"]["cost_usd"])
    # OpenCode: 6 requests with a cost, one of them github-copilot's 0 (covered by the subscription).
    assert _fields(sources["opencode"]) == (0.0583, 6, 1, 0.0012)
    assert _fields(sources["pi"]) == (0.09, 5, 2, 0.0089)
    assert _fields(sources["goose"]) == (2.2153, 2, 0, 0.0)
    assert _fields(doc["totals"]) == (2.3636, 13, 7, 0.047522)
    assert sum(r["tool_cost_requests"] for r in doc["rows"]) == 13
    assert doc["totals"]["cost_usd"] == 6.00848  # Tokenworth's own price stays the figure
    text = cli("usage", "monthly", "--no-import", "--timezone", "UTC", env={"COLUMNS": "200"}).stdout
    assert "Tool's est." in text.splitlines()[0]
    assert "Tool's est.: the tools' own estimate, $2.36 for the 13 requests they priced" in text
    assert ("† Cost $6.01: $0.05 of it covered by a subscription — not billed per token "
            "(GitHub Copilot CLI: API-equivalent cost, its plan bills requests).") in text  # fmt: skip


def test_usage_without_tool_costs_adds_null_estimates_and_no_column(cli: CliRunner, home: Path) -> None:
    install_source_fixture("claude-code", home)
    cli("import", check_rc=0)
    doc = json.loads(cli("usage", "daily", "--json", "--no-import").stdout)
    assert all(_fields(r) == (None, 0, 0, 0.0) for r in doc["rows"])
    assert _fields(doc["totals"]) == (None, 0, 0, 0.0)
    text = cli("usage", "daily", "--no-import", env={"COLUMNS": "200"}).stdout
    assert "Tool's est." not in text and "subscription" not in text
