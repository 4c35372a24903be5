"""The day timeline's bars: times, lanes and linked tasks, from a real store (no Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services.day_logs import CLAUDE, CODEX_ID, DAY, write_day
from tracker.services.context import Context
from tracker.services.day_timeline import MIN_BAR_H, build_day_timeline, pack_lanes
from tracker.services.importer import run_import
from tracker.sources.registry import SOURCES

SHOP, API, LATE = CLAUDE


@pytest.fixture
def day_ctx(ctx: Context, home: Path) -> Context:
    write_day(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    return ctx


def test_pack_lanes_keeps_overlapping_sessions_apart() -> None:
    spans = [("b", 1.0, 2.0), ("a", 0.0, 5.0), ("a", 1.0, 2.0), ("a", 5.0, 6.0), ("a", 1.5, 7.0)]
    lanes, tools = pack_lanes(spans, order=["a", "b"])
    assert tools == ["a", "a", "a", "b"]
    assert lanes == [3, 0, 1, 0, 2]  # 5.0 fits after 0-5 in lane 0; 1.5-7 needs a third lane


def test_a_hand_made_day(day_ctx: Context) -> None:
    store = day_ctx.store()
    conn = store.conn
    with conn:  # link the "api" session to a task by hand
        conn.execute("INSERT INTO tasks (title, status, created_ms) VALUES ('Rate limiting', 'done', 0)")
    task_id = conn.execute("SELECT id FROM tasks WHERE title = 'Rate limiting'").fetchone()[0]
    store.links.set_manual("claude-code", API, task_id, linked=True)
    t = build_day_timeline(store, "UTC", DAY, {}, order=list(SOURCES))
    got = [(b.source, b.session_id, b.lane, round(b.start_h, 4), round(b.end_h, 4), b.tokens, b.tasks) for b in t.bars]
    assert got == [
        ("claude-code", SHOP, 0, 9.0, 10.5, 330, ()),
        ("claude-code", LATE, 0, 13.0, round(13 + MIN_BAR_H, 4), 550, ()),
        ("claude-code", API, 1, 10.0, 11.0, 770, ("Rate limiting",)),
        ("codex", CODEX_ID, 2, round(10 + 9 / 3600, 4), round(10 + 9 / 3600 + MIN_BAR_H, 4), 31500, ()),
    ]  # the Codex session's requests are 10:00:09-10:03:01: drawn five minutes wide
    assert t.lanes == ["claude-code", "claude-code", "codex"]
    assert t.bars[0].project == "/home/dev/shop" and t.bars[2].project == "/home/dev/api"
    assert t.bars[2].task_ids == (task_id,)
    assert t.hours == 24.0


def test_the_day_follows_the_time_zone(day_ctx: Context) -> None:
    # In Berlin (UTC+2 in June) the same sessions start two hours later on the clock.
    t = build_day_timeline(day_ctx.store(), "Europe/Berlin", DAY, {}, order=list(SOURCES))
    assert [round(b.start_h, 4) for b in t.bars if b.source == "claude-code"] == [11.0, 15.0, 12.0]


def test_an_empty_day(day_ctx: Context) -> None:
    t = build_day_timeline(day_ctx.store(), "UTC", DAY.replace(day=4), {})
    assert t.bars == [] and t.lanes == [] and t.tokens == 0
