"""The dashboard: a period's tokens, cost and mix, with charts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, cast
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QEvent, QLocale, QSettings, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.usage_rollup import Totals
from tracker.analytics.value_figures import DEFINITIONS
from tracker.core.display_names import day_range_label
from tracker.core.settings_schema import BLOCK_TOKENS, DEVICE_NAME, WEEKLY_ACTIVE_DAYS
from tracker.services.chart_series import SlotUsage, usage_by_slot
from tracker.services.context import Context
from tracker.services.dashboard import (
    DEFAULT_PERIOD,
    PERIODS,
    Dashboard,
    build_dashboard,
    period_range,
    previous_totals,
    step_period,
    stored_days,
    whole_period,
    year_of_days,
)
from tracker.services.device_scope import DeviceChoice, bundle_day, device_choices
from tracker.services.drill_down import day_drill, model_drill, slot_drill, tool_drill
from tracker.services.limits import limit_windows
from tracker.services.outside_totals import outside_line, outside_totals
from tracker.services.sources_status import reading_line
from tracker.services.work_summary import WorkSummary, build_work_summary
from tracker.store.store import Store
from tracker.ui.charts import (
    CalendarHeatmap,
    ChartSeries,
    ElidedLabel,
    HourChart,
    ShareBars,
    TokensPerDayChart,
    follow_palette,
    repaint_plot,
)
from tracker.ui.device_filter import NOT_FILTERED, DeviceFilter
from tracker.ui.empty_states import EmptyActions, EmptyFacts, empty_facts, no_logs_html, period_empty_html
from tracker.ui.formatting import locale, model_name, money, plural, short_tokens, tokens, tool_name, week_start
from tracker.ui.help_page import CARD_HELP
from tracker.ui.i18n import tr
from tracker.ui.limits_view import LimitsView
from tracker.ui.read_worker import InlineReads, Reads, ReadSide
from tracker.ui.work_charts import WorkSection

WHERE = re.compile(r" \((?:~|/)[^)]*\)")  # " (~/.claude/projects)" after a tool's name

STORED_NOTE = (
    "Tokenworth stores usage metadata only (tool, model, time, session, project folder, branch, "
    "token counts) — never prompts, replies or code."
)


@dataclass(frozen=True)
class DashboardAsk:
    """What one redraw needs read, taken on the GUI thread (settings, the chosen period)."""

    since: date
    until: date
    timezone: str
    today: date
    overrides: Any
    weekly_target: int
    day_filter: date | None
    heatmap: dict[date, int] | None  # the year to today, kept from the last redraw
    calendar: dict[date, int] | None  # the year to ``until``, kept from the last redraw
    block_tokens: int = 0  # the Claude Code 5-hour block's token limit (limits view)
    all_time: bool = False  # "All time": the read thread spans the stored days (since/until a guess)
    device: str | None = None  # one machine's usage (``UsageQuery.device``); None: every machine's
    device_name: str = ""  # this machine's name as set (``general.device_name``)


@dataclass(frozen=True)
class DashboardLoad:
    ask: DashboardAsk
    data: Dashboard
    slot_usage: SlotUsage
    calendar: dict[date, int]
    work: WorkSummary
    sources_line: str
    limits: list[Any] = field(default_factory=list)  # rate-limit windows and the 5-hour block
    now_ms: int = 0
    previous: Any = None  # the period of the same length just before (card deltas)
    empty: EmptyFacts | None = None  # what the placeholder says when the period has no usage
    stored: tuple[date, date] | None = None  # the first and last stored day, read for "All time"
    devices: list[DeviceChoice] = field(default_factory=list)  # the Device selector's choices


def has_usage(usage: SlotUsage) -> bool:
    """Whether the chart has a bar to draw (else it shows the empty state)."""
    return any(t.total_tokens for row in usage.rows if row is not None for t in row.sources.values())


def load_dashboard(
    side: ReadSide, ask: DashboardAsk, reading: Callable[[], str] = str, ctx: Context | None = None
) -> DashboardLoad:
    """Every report of one redraw (runs on the read thread; touches no widget)."""
    store, helpers, device = side.store, side.helpers(), ask.device
    stored = None
    if ask.all_time:  # the data's first and last instant (an index min/max): read here, not on the GUI thread
        stored = stored_days(store, ask.timezone)
        span = picker_range("All time", ask.today, stored=stored)
        if span != (ask.since, ask.until):
            ask = replace(ask, since=span[0], until=span[1], calendar=None)
    data = build_dashboard(
        store, timezone=ask.timezone, since=ask.since, until=ask.until, today=ask.today, overrides=ask.overrides,
        weekly_target=ask.weekly_target, day_filter=ask.day_filter, heatmap=ask.heatmap, helpers=helpers,
        device=device,
    )  # fmt: skip
    usage = usage_by_slot(
        store, ask.timezone, data.since, data.until, ask.overrides, helpers, days=data.days, device=device
    )
    calendar = ask.calendar
    if calendar is None:  # the year to today is the heat map already read
        calendar = data.heatmap if ask.until == ask.today else year_of_days(store, ask.timezone, ask.until, device)
    work = data.work  # the value figures' summary, read with the dashboard (the day filter applied)
    if work is None:
        w_since, w_until = (ask.day_filter, ask.day_filter) if ask.day_filter else (ask.since, ask.until)
        work = build_work_summary(store, ask.timezone, w_since, w_until, ask.overrides, device=device)
    now_ms = int(time.time() * 1000)
    previous = previous_totals(
        store, timezone=ask.timezone, since=data.since, until=data.until, overrides=ask.overrides, helpers=helpers,
        device=device,
    )  # fmt: skip
    limits = limit_windows(store, now_ms, ask.block_tokens)
    devices = device_choices(store, ask.device_name)
    line = device_line(devices, device, reading)
    # Bills, usage APIs and estimates are the account's, on every machine: beside all devices only.
    if device is None and (outside := outside_line(outside_totals(store, data.since, data.until))):
        line = f"{line} {outside}" if line else outside
    empty = None
    if ctx is not None and not has_usage(usage):
        empty = empty_facts(ctx, store, ask.timezone, data.since, data.until)
    return DashboardLoad(ask, data, usage, calendar, work, line, limits, now_ms, previous, empty, stored, devices)


def device_line(devices: list[DeviceChoice], device: str | None, reading: Callable[[], str]) -> str:
    """The reading line: where this machine's usage is read from, or, for another machine,
    that its usage comes from its bundles (and the day of the last one)."""
    if device is None or device == "":
        line = reading()
        others = [c.name for c in devices if c.device]
        if device is None and others:  # the logs read here are this machine's; the figures are all
            also = tr("Also the usage of {names}, from bundles.").format(names=", ".join(others))
            line = f"{line} · {also}" if line else also
        elif device == "":
            this = next((c.name for c in devices if c.device == ""), "this machine")
            line = tr("Showing {name} only.").format(name=this) + (f" {line}" if line else "")
        return line
    d = next((c for c in devices if c.device == device), None)
    name = d.name if d is not None else tr("one device")
    last = bundle_day(d.last_bundle_ms if d is not None else 0)
    return tr("Showing {name} only: its usage comes from the bundles it wrote (the last on {day}).").format(
        name=name, day=last
    )


class Card(QFrame):
    """A headline number with a caption, a "?" with its definition and the change since the
    previous period."""

    def __init__(self, caption: str, definition: str = "") -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # a number too wide for a narrow window is cut short, whole in its tooltip; a short one never
        self.value = ElidedLabel("0", keep=7)
        self.value.setObjectName("cardValue")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)  # "Prompt served from cache" in a narrow window
        self.help = QToolButton()
        self.help.setText("?")
        self.help.setAutoRaise(True)
        self.help.setAccessibleName(tr("What {caption} means").format(caption=caption))
        self.help.clicked.connect(self.explain)
        self.set_definition(definition)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.caption, 1)
        head.addWidget(self.help)
        self.delta = QLabel("")
        self.delta.setObjectName("cardDelta")
        self.delta.setWordWrap(True)  # six cards must fit a 1024-px window
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.box = QVBoxLayout(self)
        self.box.addLayout(head)
        self.box.addWidget(self.value)
        self.box.addWidget(self.delta)
        self.box.addWidget(self.detail)

    def set_definition(self, definition: str) -> None:
        self.definition = definition
        self.help.setToolTip(definition)
        self.help.setVisible(bool(definition))

    def explain(self) -> None:
        """The "?": the one-line definition at once, without hovering and waiting."""
        QToolTip.showText(self.help.mapToGlobal(self.help.rect().bottomLeft()), self.definition, self.help)

    def show_value(self, value: str, detail: str = "", tip: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip(tip)

    def show_delta(self, text: str, tip: str = "") -> None:
        self.delta.setText(text)
        self.delta.setToolTip(tip)
        self.delta.setVisible(bool(text))


class DashboardPage(QWidget):
    """Reads through its own connection; ``refresh`` redraws from the store."""

    period_changed = Signal()
    add_task = Signal()
    sources_changed = Signal()  # a folder was added from the empty state: watch and import again
    show_sources = Signal()  # "What is read?"
    open_inbox = Signal(object)  # sessions with no task (keys) were clicked: the link inbox, filtered
    loaded = Signal()  # what was read is on screen
    previous: Any = None  # the totals of the period just before, read with the last redraw
    empty: EmptyFacts | None = None  # what the empty state says, read with the last redraw
    read_failed = Signal(str)  # a read failed (logged with its traceback)
    drill = Signal(object)  # a bar, day, model or tool was clicked: its sessions (a ``Drill``)
    open_day = Signal(object)  # a day's timeline was asked for (a date)
    open_task = Signal(int)  # a task was clicked (Top tasks by spend)

    def __init__(
        self, ctx: Context, read: Callable[[], Store], reads: Reads | None = None, state: QSettings | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.read = read
        self.state = state  # remembers the last period across launches
        self.day_filter: date | None = None
        self.data: Dashboard | None = None
        self.stored_span: tuple[date, date] | None = None  # "All time", as the last read found it
        self._heat_day: date | None = None
        self.reads: Reads = reads or InlineReads(ReadSide(read, ctx.read_helpers))
        self.slot_usage: SlotUsage | None = None
        self._calendar: tuple[tuple[date, str], dict[date, int]] | None = None
        self.empty_actions = EmptyActions(self, ctx)
        self.empty_actions.added.connect(self.sources_changed)
        self.empty_actions.sources.connect(self.show_sources)

        self.period = QComboBox()
        self.period.addItems(PERIODS)
        self.period.setAccessibleName(tr("Period"))
        self.since = QDateEdit()
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setVisible(False)
            edit.dateChanged.connect(self._changed)
        self.earlier = QPushButton("◀")
        self.later = QPushButton("▶")
        steps = (
            (self.earlier, -1, tr("Previous period of the same length"), tr("Previous period")),
            (self.later, 1, tr("Next period of the same length"), tr("Next period")),
        )
        for button, direction, tip, name in steps:
            button.setToolTip(tip)
            button.setAccessibleName(name)
            button.setFixedWidth(28)
            button.clicked.connect(lambda _=False, d=direction: self.step(d))
        self._restore_period()
        # Whose usage every view shows (hidden until a bundle from another machine is stored).
        self.device_filter = DeviceFilter(state)
        self.device_filter.changed.connect(self._device_changed)
        self.stack_by = QComboBox()
        self.stack_by.addItems(["by tool", "by model"])
        self.stack_by.setAccessibleName(tr("Stack tokens"))
        self.filter_label = QLabel()
        self.clear_filter = QPushButton(tr("Show the whole period"))
        self.clear_filter.setVisible(False)
        self.clear_filter.clicked.connect(self._clear_day)
        self.open_day_button = QPushButton(tr("Open day"))
        self.open_day_button.setToolTip(tr("This day's sessions on a time line, with their tasks"))
        self.open_day_button.clicked.connect(lambda: self.open_day.emit(self.day_filter))
        self.day_sessions = QPushButton(tr("Sessions of this day"))
        self.day_sessions.clicked.connect(lambda: self.day_filter and self.drill.emit(day_drill(self.day_filter)))
        for button in (self.open_day_button, self.day_sessions):
            button.setVisible(False)
        self.zone_label = QLabel()
        self.loading = QLabel(tr("Loading…"))  # while the read thread builds the reports
        self.loading.setObjectName("loading")
        self.loading.setVisible(False)
        self.period.currentTextChanged.connect(self._period_picked)
        self.stack_by.currentTextChanged.connect(self._redraw_chart)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Period:")))
        top.addWidget(self.earlier)
        top.addWidget(self.period)
        top.addWidget(self.later)
        top.addWidget(self.since)
        top.addWidget(self.until)
        top.addSpacing(12)
        top.addWidget(QLabel(tr("Tokens per day:")))
        top.addWidget(self.stack_by)
        top.addStretch(1)
        top.addWidget(self.loading)
        top.addWidget(self.zone_label)

        self.cards = {
            "tokens": Card(tr("Tokens")),
            "cost": Card(tr("Cost")),
            "tasks": Card(tr("Tasks completed")),
            "linked": Card(tr("Linked to outcomes")),
            "per_outcome": Card(tr("Cost per outcome")),
            "active": Card(tr("Active days")),
            "cache": Card(tr("Prompt served from cache")),
        }
        for key, card in self.cards.items():
            card.set_definition(CARD_HELP.get(key, ""))
        self.log_task = QPushButton(tr("Log a task…"))
        self.log_task.setToolTip(tr("Record what you got done (Ctrl+N)"))
        self.log_task.clicked.connect(self.add_task)
        self.cards["tasks"].box.addWidget(self.log_task)
        cards = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)
        self.sources_line = QLabel()
        self.sources_line.setWordWrap(True)
        self.sources_line.setObjectName("sourcesLine")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setObjectName("notice")
        self.limits = LimitsView()
        self.chart = TokensPerDayChart()
        self.heatmap = CalendarHeatmap()
        self.heatmap.day_clicked.connect(self.show_day)
        self.heatmap.day_opened.connect(self.open_day)
        self.chart.slot_clicked.connect(self._slot_drill)
        self.by_model = ShareBars(tr("By model"))
        self.by_tool = ShareBars(tr("By tool"))
        self.by_model.row_clicked.connect(self._model_drill)
        self.by_tool.row_clicked.connect(self._tool_drill)
        self.hours = HourChart()
        mix = QGridLayout()
        mix.addWidget(self.by_model, 0, 0)
        mix.addWidget(self.by_tool, 0, 1)
        mix.addWidget(QLabel(tr("<b>Hour of day</b>")), 1, 0, 1, 2)
        mix.addWidget(self.hours, 2, 0, 1, 2)

        # The picked day on a line of its own: beside the period it widened a 1024-px window.
        day_line = QHBoxLayout()
        for widget in (self.filter_label, self.clear_filter, self.open_day_button, self.day_sessions):
            day_line.addWidget(widget)
        day_line.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addLayout(day_line)
        # Whose usage, beside the line saying where it is read from (the period's row is full).
        reading = QHBoxLayout()
        reading.addWidget(self.device_filter)
        reading.addWidget(self.sources_line, 1)
        layout.addLayout(reading)
        layout.addWidget(self.notice)
        layout.addWidget(self.limits)
        layout.addLayout(cards)
        self.chart_title = QLabel(tr("<b>Tokens and cost per {bucket}</b>").format(bucket=tr("day")))
        layout.addWidget(self.chart_title)
        layout.addWidget(self.chart)
        self.calendar_title = QLabel()
        layout.addWidget(self.calendar_title)
        layout.addWidget(self.heatmap)
        layout.addLayout(mix)
        self.work = WorkSection()
        self.work.open_inbox.connect(self.open_inbox.emit)
        self.work.slot_clicked.connect(self._slot_drill)
        self.work.open_task.connect(self.open_task.emit)
        layout.addWidget(QLabel(tr("<b>Work</b> — tokens set against the tasks they served")))
        layout.addWidget(self.work)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.PaletteChange:  # the system switched light/dark
            follow_palette(self.palette())
            self.chart.recolor(self.palette())
            for plot in (self.hours, self.work.weekly.plot, self.work.cost_per_task, self.work.scatter.plot):
                repaint_plot(plot, self.palette())
        super().changeEvent(event)

    # ---- state ------------------------------------------------------------------------------
    def timezone(self) -> str:
        return self.ctx.timezone()

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone())).date()

    def selected_range(self) -> tuple[date, date]:
        custom = (cast(date, self.since.date().toPython()), cast(date, self.until.date().toPython()))
        choice = self.period.currentText()
        stored = self.stored_span if choice == "All time" else None  # read with the redraw
        return picker_range(choice, self.today(), custom, stored)

    def _period_picked(self, text: str) -> None:
        custom = text == "Custom"
        if custom:
            since, until = period_range(DEFAULT_PERIOD, self.today())
            self._set_custom(since, until)
        self.since.setVisible(custom)
        self.until.setVisible(custom)
        self._changed()

    def _set_custom(self, since: date, until: date) -> None:
        """Fill the two date edits without a redraw per edit."""
        with QSignalBlocker(self.since), QSignalBlocker(self.until):
            self.since.setDate(QDate(since.year, since.month, since.day))
            self.until.setDate(QDate(until.year, until.month, until.day))

    def show_range(self, since: date, until: date) -> None:
        """Show ``since..until`` as a custom period (◀ ▶, "Show the latest usage")."""
        self._set_custom(since, until)
        with QSignalBlocker(self.period):
            self.period.setCurrentText("Custom")
        self.since.setVisible(True)
        self.until.setVisible(True)
        self._changed()

    def step(self, direction: int) -> None:
        """◀ / ▶: the period of the same length before or after the one shown."""
        since, until = whole_period(self.period.currentText(), *self.selected_range())
        self.show_range(*step_period(since, until, direction))

    def _changed(self) -> None:
        self.day_filter = None
        self._save_period()
        self.refresh()
        self.period_changed.emit()

    def _save_period(self) -> None:
        if self.state is None:
            return
        self.state.setValue("dashboard/period", self.period.currentText())
        since, until = self.selected_range()
        self.state.setValue("dashboard/custom", f"{since.isoformat()}/{until.isoformat()}")

    def _restore_period(self) -> None:
        """The period of the last session (a bad or missing value falls back to the default)."""
        choice = str(self.state.value("dashboard/period", DEFAULT_PERIOD)) if self.state else DEFAULT_PERIOD
        if choice not in PERIODS:
            choice = DEFAULT_PERIOD
        custom = str(self.state.value("dashboard/custom", "")) if self.state else ""
        try:
            since, until = (date.fromisoformat(part) for part in custom.split("/"))
        except ValueError:
            since, until = period_range(DEFAULT_PERIOD, self.today())
        self._set_custom(since, until)
        with QSignalBlocker(self.period):
            self.period.setCurrentText(choice)
        self.since.setVisible(choice == "Custom")
        self.until.setVisible(choice == "Custom")

    def show_day(self, day: date) -> None:
        self.day_filter = day
        self.refresh()

    def device(self) -> str | None:
        """Whose usage is shown: ``UsageQuery.device`` (None: every machine's)."""
        return self.device_filter.device()

    def _device_changed(self) -> None:
        """Another device picked: every figure, the calendar and the tables read again."""
        self.refresh(data_changed=True)
        self.period_changed.emit()

    def _clear_day(self) -> None:
        self.day_filter = None
        self.refresh()

    # ---- drill-down: a click shows the sessions behind what was clicked --------------------
    def shown_days(self) -> tuple[date, date]:
        """The days the model and tool shares cover: the clicked day, else the period."""
        if self.data is None:
            return self.selected_range()
        return (self.day_filter, self.day_filter) if self.day_filter else (self.data.since, self.data.until)

    def _slot_drill(self, i: int) -> None:
        usage = self.slot_usage
        if usage is not None and 0 <= i < len(usage.slots):
            self.drill.emit(slot_drill(usage.slots[i], self.timezone()))

    def _model_drill(self, ids: object) -> None:
        models = cast(tuple[str, ...], ids)
        self.drill.emit(model_drill(model_name(models[0]), models, *self.shown_days()))

    def _tool_drill(self, ids: object) -> None:
        source = cast(tuple[str, ...], ids)[0]
        self.drill.emit(tool_drill(tool_name(source), source, *self.shown_days()))

    # ---- loading (on the read thread) and drawing (here) -----------------------------------
    def refresh(self, data_changed: bool = False) -> None:
        """Redraw for the chosen period; the year maps are kept unless the data changed.
        The reports are built on the read thread; this only asks and shows "Loading…"."""
        since, until = self.selected_range()
        tz, today, ctx = self.timezone(), self.today(), self.ctx
        keep = self.data is not None and not data_changed and self.data.timezone == tz and self._heat_day == today
        calendar = self._calendar
        if calendar is not None and (data_changed or calendar[0] != (until, tz)):
            calendar = None
        ask = DashboardAsk(
            since, until, tz, today, self.ctx.price_overrides(), self.ctx.settings.value(WEEKLY_ACTIVE_DAYS),
            self.day_filter, self.data.heatmap if keep and self.data is not None else None,
            calendar[1] if calendar is not None else None, self.ctx.settings.value(BLOCK_TOKENS),
            self.period.currentText() == "All time",
            self.device(), self.ctx.settings.value(DEVICE_NAME),
        )  # fmt: skip
        self.loading.setVisible(True)
        reading = partial(reading_line, self.ctx)
        self.reads.run_read(
            "dashboard", lambda side: load_dashboard(side, ask, reading, ctx), self._show, self._read_failed
        )

    def refresh_for(self, days: frozenset[date]) -> str:
        """Redraw what an import that touched ``days`` (UTC) affects: "all" when the period
        or this week holds one (or an empty period's placeholder no longer says what is stored),
        "calendar" when only the year maps do, else "none"."""
        since, until = self.selected_range()
        today = self.today()
        near = {d + timedelta(days=k) for d in days for k in (-1, 0, 1)}  # any zone is within a day of UTC
        week = week_start(today)
        # An empty period's placeholder says no logs were found, or where the latest usage is:
        # rows from a first import, or later than that latest, make it wrong wherever they are.
        empty = self.empty if self.chart.showing_empty else None
        stale = empty is not None and bool(near) and (empty.latest is None or max(near) > empty.latest[1])
        if self.data is None or stale or any(since <= d <= until or week <= d <= today for d in near):
            self.refresh(data_changed=True)
            return "all"
        years = (until - timedelta(days=364), until), (today - timedelta(days=364), today)
        if any(a <= d <= b for d in near for a, b in years):
            self.refresh_calendar()
            return "calendar"
        return "none"

    def refresh_calendar(self) -> None:
        """Read the year maps again (the calendar and this week's active days), nothing else."""
        _, until = self.selected_range()
        tz, today, device = self.timezone(), self.today(), self.device()

        def load(side: ReadSide) -> tuple[dict[date, int], dict[date, int]]:
            heat = year_of_days(side.store, tz, today, device)
            return heat, heat if until == today else year_of_days(side.store, tz, until, device)

        def show(maps: tuple[dict[date, int], dict[date, int]]) -> None:
            heat, calendar = maps
            self._calendar = ((until, tz), calendar)
            self._heat_day = today
            if self.data is not None:
                self.data.heatmap = heat
                self._show_active(self.data)
            self.heatmap.set_values(calendar, until, self.day_filter)
            self.loaded.emit()

        self.reads.run_read("dashboard-calendar", load, show, self._read_failed)

    def _read_failed(self, message: str) -> None:
        self.loading.setVisible(False)
        self.read_failed.emit(message)

    def _show(self, got: DashboardLoad) -> None:
        """Draw what the read thread built (the GUI thread only draws)."""
        self.loading.setVisible(False)
        if got.devices and self.device_filter.set_choices(got.devices):
            self.device_filter.changed.emit()  # the device read is no longer known (or no other is): all
            return
        self.data, self.slot_usage, self.previous = got.data, got.slot_usage, got.previous
        self.empty = got.empty
        ask = got.ask
        if ask.all_time and got.stored != self.stored_span:  # "All time" spans other days now
            self.stored_span = got.stored
            self.period_changed.emit()
        self._calendar = ((ask.until, ask.timezone), got.calendar)
        self._heat_day = ask.today
        tz, until = ask.timezone, ask.until
        self.zone_label.setText(tr("Times in {zone}").format(zone=tz))
        self.limits.set_windows(got.limits, got.now_ms)
        filtered = ask.device is not None
        self.limits.setToolTip(tr(NOT_FILTERED) if filtered else "")
        self.sources_line.setText(WHERE.sub("", got.sources_line))  # the folders: tooltip and Sources
        self.sources_line.setToolTip(got.sources_line)
        d = self.data
        self.filter_label.setText(
            tr("Showing {day} only").format(day=f"{ask.day_filter:%a %Y-%m-%d}") if ask.day_filter else ""
        )
        for button in (self.clear_filter, self.open_day_button, self.day_sessions):
            button.setVisible(ask.day_filter is not None)
        t = d.totals
        self.cards["tokens"].show_value(
            short_tokens(t.total_tokens),
            tr("{tokens} in {n} requests").format(tokens=tokens(t.total_tokens), n=f"{t.events:,}"),
            tr("input {input} · output {output} · cache write {write} · cache read {read}").format(
                input=tokens(t.input_tokens),
                output=tokens(t.output_tokens),
                write=tokens(t.cache_creation_tokens),
                read=tokens(t.cache_read_tokens),
            ),
        )
        unpriced = tr("; {n} tokens unpriced").format(n=tokens(t.unpriced_tokens)) if t.unpriced_tokens else ""
        self.cards["cost"].show_value(  # where the prices come from: in the tooltip, not on the card
            money(d.cost), unpriced.removeprefix("; "), tr("Prices: {source}").format(source=d.price_source)
        )
        v = d.figures  # one definition of each value figure: analytics/value_figures.py
        n = v.tasks_completed
        tasks_tip = DEFINITIONS["tasks_completed"][1]
        if filtered:  # a task is the person's, whichever machine served it
            tasks_tip += "\n" + tr("Tasks are yours on every device; their spend here is {name}'s.").format(
                name=self.device_filter.scope().name
            )
        self.cards["tasks"].show_value(str(n), tr("in this period") if n else tr("none logged in this period"),
                                       tasks_tip)  # fmt: skip
        self.cards["linked"].show_value(
            f"{100 * v.linked_share:.0f}%",
            tr("{linked} of {all}; {not_linked} not linked to any outcome").format(
                linked=money(v.linked.cost_usd), all=money(v.all.cost_usd), not_linked=money(v.not_linked.cost_usd)
            ),
            f"{DEFINITIONS['linked_share'][1]}\n{DEFINITIONS['not_linked'][1]}",
        )
        per_outcome = v.cost_per_outcome
        if per_outcome is None:
            self.cards["per_outcome"].show_value("—", tr("No completed task has linked sessions yet."),
                                                 DEFINITIONS["cost_per_outcome"][1])  # fmt: skip
        else:
            k = v.tasks_with_spend
            self.cards["per_outcome"].show_value(
                money(per_outcome),
                tr("linked spend ÷ {tasks} with linked sessions").format(tasks=plural(k, tr("task"))),
                DEFINITIONS["cost_per_outcome"][1],
            )  # fmt: skip
        active = self._show_active(d)
        self.cards["cache"].show_value(f"{100 * d.cache_read_share:.0f}%", tr("of prompt tokens were cache reads"))
        self.notice.setText(
            tr("⚠ Unpriced models (tokens counted, cost unknown): ")
            + ", ".join(f"{m} ({tokens(n)})" for m, n in d.unpriced.items())
            if d.unpriced
            else ""
        )
        self.notice.setVisible(bool(d.unpriced))
        self._redraw_chart()
        self.heatmap.set_values(got.calendar, until, ask.day_filter)
        self.calendar_title.setText(
            tr(
                "<b>The year to {day}</b> (shaded by quartile; click a day to see only that day, "
                "double-click for its timeline)"
            ).format(day=f"{until:%d %b %Y}")
        )
        self.show_comparison(d, active)
        self.by_model.set_rows(*named_groups(d.by_model, model_name))
        self.by_model.setToolTip(raw_ids(d.by_model, model_name))
        self.by_tool.set_rows(*named_groups(d.by_source, tool_name))
        self.by_tool.setToolTip(raw_ids(d.by_source, tool_name))
        self.hours.set_hours(d.hours)
        self.work.set_summary(got.work, got.slot_usage, tz)
        self.loaded.emit()

    def _show_active(self, d: Dashboard) -> int:
        """Active days in the period (this week's in the tooltip, the week as the locale starts
        it); returns the period's count."""
        active = sum(1 for _, row in d.days if row is not None and row.totals.total_tokens > 0)
        target = tr("; target {n} a week").format(n=d.weekly_target) if d.weekly_target else ""
        start = week_start(self._heat_day or self.today())
        d.active_days_this_week = sum(1 for day, n in d.heatmap.items() if day >= start and n > 0)
        since = locale().dayName(start.isoweekday(), QLocale.FormatType.LongFormat)
        self.cards["active"].show_value(
            tr("{active} of {days}").format(active=active, days=len(d.days)),
            tr("days with AI use in this period{target}").format(target=target),
            tr("{n} since {weekday}").format(n=d.active_days_this_week, weekday=since),
        )  # fmt: skip
        return active

    def show_comparison(self, d: Dashboard, active: int) -> None:
        """Δ against the period of the same length just before (▲ more, ▼ less)."""
        before = self.previous
        if before is None:
            return
        self.comparison = before
        vs = day_range_label(before.since, before.until)
        b, t = before.totals, d.totals
        cards = self.cards
        cards["tokens"].show_delta(*change(t.total_tokens, b.total_tokens, vs, tokens))
        cards["cost"].show_delta(*change(float(t.cost_usd), float(b.cost_usd), vs, lambda x: money(Decimal(str(x)))))
        cards["tasks"].show_delta(*change(d.tasks_completed, before.tasks_completed, vs, str))
        cards["active"].show_delta(*change(active, before.active_days, vs, str, relative=False))
        share_before = cache_share(b)
        cards["cache"].show_delta(
            *change(round(100 * d.cache_read_share), round(100 * share_before), vs, lambda x: f"{x:.0f}%", False)
        )
        for key in set(cards) - {"tokens", "cost", "tasks", "active", "cache"}:
            cards[key].show_delta("")  # figures without a stored previous value

    def sources_text(self) -> str:
        """Where usage is read from, or where nothing was found: always in view."""
        return reading_line(self.ctx)

    def _redraw_chart(self) -> None:
        d, usage = self.data, self.slot_usage
        if d is None or usage is None:
            return
        by_model = self.stack_by.currentText() == "by model"
        names = sorted(d.by_model if by_model else d.by_source)
        n = len(usage.slots)
        stacks = {name: [0] * n for name in names}
        cost = [0.0] * n
        for i, row in enumerate(usage.rows):
            if row is None:
                continue
            parts = row.models if by_model else row.sources
            for name, t in parts.items():
                stacks.setdefault(name, [0] * n)[i] = t.total_tokens
            cost[i] = float(row.totals.cost_usd)
        self.chart_title.setText(tr("<b>Tokens and cost per {bucket}</b>").format(bucket=tr(usage.bucket)))
        self.chart.set_series(ChartSeries(usage.slots, stacks, cost, by_model))
        self.show_empty_state()

    def show_empty_state(self) -> None:
        """Next steps in place of an empty chart: where logs were looked for, or that the
        period is empty while the store is not."""
        if not self.chart.showing_empty or self.data is None:
            return
        facts = self.empty
        if facts is not None and facts.latest is None:
            self.chart.empty.set_message(no_logs_html(facts.statuses, self.ctx.home), self.empty_actions.buttons())
        else:
            self.show_latest_usage()

    def show_latest_usage(self) -> None:
        """An empty period while the store is not: say where the latest usage is and offer it
        (read with the redraw, on the read thread)."""
        d = self.data
        latest = self.empty.latest if self.empty is not None else None
        if d is None or latest is None or self.day_filter is not None or d.since <= latest[1] <= d.until:
            if d is not None:
                self.chart.empty.set_message(period_empty_html(d.since, d.until))
            return
        first, last = latest
        span = f"{first:%d %b %Y}" if first == last else f"{first:%d %b} – {last:%d %b %Y}"
        self.chart.empty.set_message(
            period_empty_html(d.since, d.until)
            + "<br><br>"
            + tr("Your latest usage is on <b>{day}</b>.").format(day=f"{last:%a %d %b %Y}"),
            [(tr("Show {span}").format(span=span), lambda: self.show_range(first, last))],
        )


def picker_range(
    choice: str, today: date, custom: tuple[date, date] | None = None, stored: tuple[date, date] | None = None
) -> tuple[date, date]:
    """The picker's period: ``period_range`` with "This week" and "Last week" as the locale
    starts a week (Sunday in en-US, Monday in de-DE). The CLI and reports keep Monday weeks."""
    if choice in ("This week", "Last week"):
        start = week_start(today)
        return (start, today) if choice == "This week" else (start - timedelta(days=7), start - timedelta(days=1))
    return period_range(choice, today, custom, stored)


def change(now: float, before: float, span: str, fmt: Callable[[Any], str], relative: bool = True) -> tuple[str, str]:
    """The card's Δ line and its tooltip: "▲ 12% vs 1-31 May" (an amount when not ``relative``)."""
    tip = tr("{before} in the previous period ({span})").format(before=fmt(before), span=span)
    if now == before == 0:
        return "", tip  # nothing then, nothing now: no line to read
    if now == before:
        return tr("= same as {span}").format(span=span), tip
    arrow = "▲" if now > before else "▼"
    if not relative:
        return tr("{arrow} {change} vs {span}").format(arrow=arrow, change=fmt(abs(now - before)), span=span), tip
    if before == 0:
        return tr("{arrow} new vs {span}").format(arrow=arrow, span=span), tip
    if now >= 10 * before > 0:  # "▲ 12790%" shouts; a multiple reads at a glance
        return tr("{arrow} {change} vs {span}").format(arrow=arrow, change=f"{now / before:,.0f}×", span=span), tip
    change_text = f"{abs(now - before) / before:.0%}"
    return tr("{arrow} {change} vs {span}").format(arrow=arrow, change=change_text, span=span), tip


def cache_share(t: Totals) -> float:
    prompt = t.input_tokens + t.cache_creation_tokens + t.cache_read_tokens
    return t.cache_read_tokens / prompt if prompt else 0.0


def named_rows(parts: dict[str, Totals], name: Callable[[str], str]) -> list[tuple[str, int, float]]:
    """Share-bar rows by display name; ids that share a name (dated releases) are one row."""
    rows: dict[str, list[float]] = {}
    for key, v in parts.items():
        row = rows.setdefault(name(key), [0, 0.0])
        row[0] += v.total_tokens
        row[1] += float(v.cost_usd)
    return [(label, int(n), cost) for label, (n, cost) in rows.items()]


def named_groups(
    parts: dict[str, Totals], name: Callable[[str], str]
) -> tuple[list[tuple[str, int, float]], list[tuple[str, ...]], list[str]]:
    """``named_rows`` with each row's ids (what a click drills into) and its tooltip."""
    rows = named_rows(parts, name)
    ids = {label: tuple(sorted(k for k in parts if name(k) == label)) for label, _, _ in rows}
    keys = [ids[label] for label, _, _ in rows]
    tips = [f"{label}: {', '.join(ids[label])}\n" + tr("Click for its sessions") for label, _, _ in rows]
    return rows, keys, tips


def raw_ids(parts: dict[str, Totals], name: Callable[[str], str]) -> str:
    """The tooltip: each display name with the ids as the tools logged them."""
    return "\n".join(f"{name(key)}: {key}" for key in sorted(parts, key=name))
