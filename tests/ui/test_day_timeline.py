"""The day timeline draws a hand-made day: bars where the sessions were, coloured by tool,
labelled with their task; ◀ ▶ step the day; the wheel scrolls past it, never zooms."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from tests.services.day_logs import CLAUDE, CODEX_ID, DAY, write_day
from tests.ui.xinput import wheel
from tracker.reports.charts import PALETTE
from tracker.services.context import Context
from tracker.services.day_timeline import MIN_BAR_H
from tracker.services.importer import run_import
from tracker.ui.day_timeline import DayTimelineView, bar_label, bar_text
from tracker.ui.formatting import money

SHOP, API, LATE = CLAUDE
BLUE, ORANGE = PALETTE[0], PALETTE[1]  # Claude Code and Codex CLI: the registry's first two tools


@pytest.fixture
def day_ctx(ctx: Context, home: Path) -> Context:
    write_day(home)
    store = ctx.store()
    run_import(store.conn, home=home, env={}, config=ctx.source_config())
    with store.conn as conn:
        conn.execute("INSERT INTO tasks (title, status, created_ms) VALUES ('Rate limiting', 'done', 0)")
    task_id = store.conn.execute("SELECT id FROM tasks").fetchone()[0]
    store.links.set_manual("claude-code", API, task_id, linked=True)
    store.close()
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def _view(qtbot, ctx: Context) -> DayTimelineView:
    view = DayTimelineView(ctx, ctx.reader)
    qtbot.addWidget(view)
    view.resize(1000, 360)
    view.show()
    view.show_day(DAY)
    return view


def test_bars_sit_at_their_times_in_their_tools_colour(qtbot, day_ctx: Context) -> None:
    view = _view(qtbot, day_ctx)
    opts = view.bars.opts
    codex_start = 10 + 9 / 3600  # its first request, 10:00:09
    assert [round(x, 4) for x in opts["x0"]] == [9.0, 13.0, 10.0, round(codex_start, 4)]
    assert [round(w, 4) for w in opts["width"]] == [1.5, round(MIN_BAR_H, 4), 1.0, round(MIN_BAR_H, 4)]
    assert opts["y"] == [0.0, 0.0, 1.0, 2.0]  # "api" overlaps "shop": a second Claude Code lane
    assert [b.color().name() for b in opts["brushes"]] == [BLUE, BLUE, BLUE, ORANGE]
    assert [round(b.color().alphaF(), 1) for b in opts["brushes"]] == [0.4, 0.4, 1.0, 0.4]  # solid: linked
    assert view.lane_axis.tickStrings([0.0, 1.0, 2.0], 1, 1) == ["Claude Code", "", "Codex CLI"]
    assert [label.toPlainText() for label in view.labels] == ["not linked", "not linked", "Rate limiting", "not linked"]
    cost = money(view.timeline.cost_usd)
    assert view.summary.text() == f"Wednesday 03 June 2026: 4 sessions · 33,150 tokens · {cost} · times in UTC"
    api = view.timeline.bars[2]
    assert bar_label(api) == "Rate limiting"
    assert bar_text(api, "UTC").startswith("Claude Code · 10:00–11:00 (1h 00m) · /home/dev/api (main) · 770 tokens")
    assert bar_text(api, "UTC").endswith("Task: Rate limiting")
    assert view.item.getViewBox().viewRange()[0] == [-0.25, 24.25]  # 00:00 to 24:00, with room for their ticks
    # Hovering a bar says what it is; a task's name shows inside its bar only where it fits.
    vb = view.item.getViewBox()
    view._hover(vb.mapViewToScene(QPointF(10.5, 1)))
    assert view.readout.text().endswith("Task: Rate limiting")
    px_per_hour = vb.width() / 24
    fits = 1.5 * px_per_hour >= view.fontMetrics().horizontalAdvance("not linked") + 12
    assert view.labels[0].isVisible() == fits
    assert not view.labels[1].isVisible()  # five minutes wide
    assert {b.session_id for b in view.timeline.bars} == {SHOP, API, LATE, CODEX_ID}


def test_stepping_days_and_an_empty_day(qtbot, day_ctx: Context) -> None:
    view = _view(qtbot, day_ctx)
    view.later.click()
    assert view.day() == DAY + timedelta(days=1)
    assert view.empty.isVisible() and not view.plot.isVisible()
    assert view.summary.text().startswith("Thursday 04 June 2026: 0 sessions · 0 tokens")
    view.earlier.click()
    assert view.day() == DAY and len(view.timeline.bars) == 4 and view.plot.isVisible()
    seen = []
    view.open_sessions.connect(seen.append)
    view.sessions.click()
    assert seen == [DAY]


def test_the_wheel_scrolls_past_the_timeline(qtbot, day_ctx: Context) -> None:
    holder = QWidget()
    box = QVBoxLayout(holder)
    view = DayTimelineView(day_ctx, day_ctx.reader)
    box.addWidget(view)
    filler = QWidget()
    filler.setMinimumHeight(900)
    box.addWidget(filler)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(holder)
    qtbot.addWidget(scroll)
    scroll.resize(900, 400)
    scroll.show()
    view.show_day(DAY)
    qtbot.wait(200)
    vb = view.item.getViewBox()
    before = vb.viewRange()
    wheel(view.plot)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().value() > 0)
    assert [x for axis in vb.viewRange() for x in axis] == pytest.approx([x for axis in before for x in axis])


def test_double_clicking_a_linked_bar_opens_its_task(qtbot, day_ctx: Context) -> None:
    view = _view(qtbot, day_ctx)
    opened: list[int] = []
    view.open_task.connect(opened.append)
    vb = view.item.getViewBox()
    for hour, lane in ((9.5, 0), (10.5, 1)):  # "shop" (no task), then "api"
        at = view.plot.mapFromScene(vb.mapViewToScene(QPointF(hour, lane)))
        qtbot.mouseDClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.mouseRelease(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)  # as a hand lets go
    assert opened == list(view.timeline.bars[2].task_ids)
