"""Drill-downs read exactly what the dashboard showed for the bar, day, model, tool or project."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import install_fixture_logs
from tracker.analytics.buckets import Slot
from tracker.services.context import Context
from tracker.services.drill_down import (
    day_drill,
    drilled_sessions,
    model_drill,
    project_drill,
    session_tasks,
    slot_drill,
    tool_drill,
)
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report

JUNE_1, JUNE_2 = date(2026, 6, 1), date(2026, 6, 2)


@pytest.fixture
def store(ctx: Context, home: Path):
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    return ctx.store()


def _hour_tokens(store, day: date, hour: int) -> int:
    rows = build_usage_report(store, UsageQuery("hour", "UTC", day, day), {}).rows
    return sum(r.totals.total_tokens for r in rows if int(r.period) == hour)


def test_an_hour_bar(store) -> None:
    drill = slot_drill(Slot(JUNE_1, JUNE_1, 10), "UTC")
    assert drill.label == "Hour: 2026-06-01 10:00–11:00"
    report = drilled_sessions(store, drill, "UTC", {})
    assert [r.source for r in report.rows] == ["codex"]
    assert report.total.totals.total_tokens == _hour_tokens(store, JUNE_1, 10) == 31500


def test_a_day_and_a_week(store) -> None:
    day = drilled_sessions(store, day_drill(JUNE_2), "UTC", {})
    daily = build_usage_report(store, UsageQuery("daily", "UTC", JUNE_2, JUNE_2), {})
    assert day.total.totals.total_tokens == daily.total.totals.total_tokens
    assert [r.source for r in day.rows] == ["claude-code"]
    week = slot_drill(Slot(JUNE_1, JUNE_2), "UTC")
    assert week.label == "Week: 2026-06-01 – 2026-06-02"
    assert drilled_sessions(store, week, "UTC", {}).total.totals.total_tokens == 64703


def test_a_model_counts_only_its_part_of_each_session(store) -> None:
    drill = model_drill("Opus 4.1", ["claude-opus-4-1-20250805"], JUNE_1, JUNE_2)
    report = drilled_sessions(store, drill, "UTC", {})
    assert [(r.source, r.totals.total_tokens) for r in report.rows] == [("claude-code", 15)]
    assert list(report.rows[0].models) == ["claude-opus-4-1-20250805"]
    assert report.total.totals.total_tokens == 15


def test_a_tool_and_a_project(store) -> None:
    codex = drilled_sessions(store, tool_drill("Codex CLI", "codex", JUNE_1, JUNE_2), "UTC", {})
    assert [r.totals.total_tokens for r in codex.rows] == [31500]
    shop = drilled_sessions(store, project_drill("/home/dev/shop", JUNE_1, JUNE_2), "UTC", {})
    assert shop.total.totals.total_tokens == 64703 and len(shop.rows) == 2
    assert drilled_sessions(store, project_drill("/nowhere", JUNE_1, JUNE_2), "UTC", {}).rows == []


def test_session_tasks(store) -> None:
    with store.conn as conn:
        conn.execute("INSERT INTO tasks (title, status, created_ms) VALUES ('Cart', 'done', 0)")
    task_id = store.conn.execute("SELECT id FROM tasks").fetchone()[0]
    sid = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    store.links.set_manual("codex", sid, task_id, linked=True)
    assert session_tasks(store) == {("codex", sid): [(task_id, "Cart")]}
    assert session_tasks(store, [("claude-code", "x")]) == {}
