"""The tray companion: today's budget as an arc on the icon, a menu that opens with live rows
(today, this week, limit windows, today's alerts), and alerts delivered in time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from tracker.analytics.alert_rules import Alert, Settings, Usage, due_alerts
from tracker.analytics.value_figures import ValueFigures, summary_line
from tracker.core.timezones import get_zone
from tracker.notify.freedesktop import FreedesktopNotifier
from tracker.services import notifications
from tracker.services.context import Context
from tracker.services.limits import LimitWindow, limit_windows
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.services.work_summary import period_figures
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.ui.formatting import money, plural, week_start
from tracker.ui.i18n import tr
from tracker.ui.limits_view import row_text
from tracker.ui.main_window import MainWindow
from tracker.ui.read_worker import ReadSide
from tracker.ui.tray_icon import BudgetUse, budget_use, tooltip, tray_icon

log = logging.getLogger(__name__)
CHECK_MS = 60_000  # time-based rules (end of day, weekly report) need a clock tick; cheap
ALERT_ROWS = 3  # today's latest alerts in the menu, newest first
# What an alert row offers: look at the day it is about, or write down what the work was.
ACTS = {"budget": "open_day", "spike": "open_day", "limits": "open_day", "end_of_day": "log_task",
        "pace": "log_task", "weekly_report": "export"}  # fmt: skip


@dataclass(frozen=True)
class Week:
    """This week as the locale starts it, the dashboard's rule (Sunday in en-US, Monday in
    de-DE): what the tray shows. The alert rules keep Monday weeks, as the CLI does."""

    start: date
    tokens: int
    cost: Decimal
    active_days: int


def local_today(ctx: Context, now: datetime) -> date:
    return now.astimezone(get_zone(ctx.timezone())).date()


def week_so_far(ctx: Context, store: Store, start: date, today: date) -> Week:
    """Tokens, cost and active days from ``start`` (the locale's week start, asked on the GUI
    thread with ``formatting.week_start`` as the dashboard asks) to ``today`` (read thread)."""
    rows = build_usage_report(store, UsageQuery("daily", ctx.timezone(), start, today), ctx.price_overrides()).rows
    return Week(
        start,
        sum(r.totals.total_tokens for r in rows),
        sum((r.totals.cost_usd for r in rows), Decimal(0)),
        sum(1 for r in rows if r.totals.total_tokens > 0),
    )


@dataclass(frozen=True)
class TrayTick:
    """One minute's reads: today's usage, the rules' settings, the alerts due, the open limit
    windows, the alerts already shown today (rule, title) and the locale's week."""

    usage: Usage
    settings: Settings
    due: list[Alert]
    windows: list[LimitWindow] = field(default_factory=list)
    shown_today: list[tuple[str, str]] = field(default_factory=list)
    week: Week | None = None  # None: the rules' Monday week is shown

    @property
    def budget(self) -> BudgetUse | None:
        return budget_use(self.usage, self.settings)

    @property
    def shown(self) -> Usage:
        """The usage as the menu and tooltip show it: this week as the locale starts it."""
        w = self.week
        if w is None:
            return self.usage
        u = self.usage
        return replace(u, tokens={**u.tokens, "week": w.tokens}, cost={**u.cost, "week": w.cost},
                       active_days_week=w.active_days)  # fmt: skip


def tick(ctx: Context, store: Store, now: datetime, week_from: date | None = None) -> TrayTick:
    """The minute tick's reads (on the read thread): today's usage, once, the alerts due and
    the week since ``week_from`` (the locale's week start; the rules' Monday when None)."""
    usage = notifications.current_usage(ctx, store, now)
    settings = notifications.rule_settings(ctx)
    due = due_alerts(usage, settings, store.alerts.fired(), store.alerts.paused_until())
    now_ms = int(now.timestamp() * 1000)
    midnight = usage.now.replace(hour=0, minute=0, second=0, microsecond=0)
    since_ms = int(midnight.timestamp() * 1000)
    shown = [(rule, title) for fired, rule, title, _, _ in store.alerts.history(50) if fired >= since_ms]
    windows = limit_windows(store, now_ms, settings.block_tokens)
    today = usage.now.date()
    week = week_so_far(ctx, store, week_from, today) if week_from is not None else None
    return TrayTick(usage, settings, due, windows, shown, week)


def live_rows(got: TrayTick, now_ms: int) -> list[tuple[str, str]]:
    """The menu's top rows as (text, act): today, this week, each open limit window with its
    countdown at ``now_ms`` (an act of "" is information only), then today's alerts."""
    u, use = got.shown, got.budget
    today = f"{plural(u.tokens['day'], tr('token'))} · {money(u.cost['day'])}"
    if use is not None:
        other = money(u.cost["day"]) if use.unit == "tokens" else plural(u.tokens["day"], tr("token"))
        today = f"{use.text()} · {other}"
    rows = [
        (tr("Today: {figures}").format(figures=today), "open_day"),
        (tr("This week: {figures} · {days}").format(
            figures=f"{plural(u.tokens['week'], tr('token'))} · {money(u.cost['week'])}",
            days=plural(u.active_days_week, tr("active day"))), "open_week"),
    ]  # fmt: skip
    rows += [(row_text(w, now_ms), "") for w in got.windows if w.resets_ms is None or w.resets_ms > now_ms]
    alerts = [(a.rule, a.title) for a in got.due] + got.shown_today
    seen: set[str] = set()
    for rule, title in alerts:
        act = ACTS.get(rule, "open_day")
        if title in seen or len(seen) == ALERT_ROWS:
            continue
        seen.add(title)
        label = {"open_day": tr("Open day"), "log_task": tr("Log task…"), "export": tr("Export…")}[act]
        rows.append((f"⚠ {title} — {label}", act))
    return rows


class TrayController(QObject):
    action_from_notification = Signal(str)
    ticked = Signal()  # the icon and tooltip show the last tick's reads

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.ctx = window.ctx
        self.last: TrayTick | None = None  # the rows and the icon draw from it; no read of their own
        self.tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(tray_icon(None))
        self.icon.setToolTip("Tokenworth")
        self.icon.activated.connect(self._activated)
        self.icon.setContextMenu(self._menu())
        self.action_from_notification.connect(self._on_action)  # queued from the D-Bus thread (a slot)
        self.notifier = FreedesktopNotifier(self.action_from_notification.emit)
        self.delivered: list[tuple[Alert, str]] = []
        if self.tray_available:
            self.icon.show()
        said = []
        if not self.tray_available:
            said.append(tr("no system tray here: Tokenworth keeps its window instead"))
        if not self.notifier.available:
            said.append(tr("alerts go to the tray ({reason})").format(reason=self.notifier.reason))
        if said:
            window.status.setText("; ".join(said).capitalize() + ".")  # said once, at start
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        window.importer.worker.finished.connect(self._after_import)  # a slot: runs on this (GUI) thread

    def _menu(self) -> QMenu:
        menu = QMenu()
        self.live: list[QAction] = []  # live rows at the top, redrawn as the menu opens
        self.live_separator = menu.addSeparator()
        self.live_separator.setVisible(False)
        menu.aboutToShow.connect(lambda: self.refresh_rows())
        entries = [
            (tr("Open dashboard"), self.open_window),
            (tr("Log a task…"), self.window.log_task),
            (tr("Today's summary"), self.today_summary),
            None,
            (tr("Pause notifications for 1 hour"), lambda: self.pause(timedelta(hours=1))),
            (tr("Pause notifications until tomorrow"), self.pause_until_tomorrow),
            None,
            (tr("Export last week's report…"), self.export_last_week),
            None,
            (tr("Quit"), self.quit),
        ]
        for entry in entries:
            if entry is None:
                menu.addSeparator()
                continue
            action = QAction(entry[0], menu)
            action.triggered.connect(entry[1])
            menu.addAction(action)
        self._menu_ref = menu  # keep it alive: the tray icon does not own its menu
        return menu

    # ---- menu ---------------------------------------------------------------------------------
    def refresh_rows(self, now_ms: int | None = None) -> None:
        """The live rows from the last tick, above the actions: no read here, the countdowns
        are only counted again to ``now_ms``."""
        if now_ms is None:
            now_ms = int(datetime.now(UTC).timestamp() * 1000)
        menu = self._menu_ref
        for action in self.live:
            menu.removeAction(action)
        self.live = []
        for text, act in live_rows(self.last, now_ms) if self.last is not None else []:
            row = QAction(text, menu)
            row.setEnabled(bool(act))  # a limit window is information, not a command
            row.setData(act)
            if act:
                row.triggered.connect(lambda _=False, a=act: self.act(a))
            menu.insertAction(self.live_separator, row)
            self.live.append(row)
        self.live_separator.setVisible(bool(self.live))

    def act(self, act: str) -> None:
        """What a live row does: open today (or this week) on the dashboard, log a task, export."""
        if act == "log_task":
            self.open_window()
            self.window.log_task()
        elif act == "export":
            self.export_last_week()
        elif act in ("open_day", "open_week"):
            self.open_day(week=act == "open_week")

    def open_day(self, week: bool = False) -> None:
        """The dashboard on today, or on this week."""
        if week:
            self.window.nav.setCurrentRow(0)
            self.window.dashboard.period.setCurrentText("This week")
        else:
            self.window.show_day(self.window.dashboard.today())
        self.open_window()

    def open_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_window()

    def today_summary(self) -> None:
        self.summary_at(datetime.now(UTC))

    def summary_at(self, now: datetime) -> None:
        """Today's summary as of ``now``: read on the read thread, then shown."""
        ctx = self.ctx
        today = local_today(ctx, now)
        start = week_start(today)  # the dashboard's "This week"

        def read(side: ReadSide) -> tuple[Usage, ValueFigures]:
            usage = notifications.current_usage(ctx, side.store, now)
            week = week_so_far(ctx, side.store, start, today)
            figures = period_figures(side.store, ctx.timezone(), start, today, ctx.price_overrides())
            return replace(usage, active_days_week=week.active_days), figures

        self.window.reads.run_read("tray-summary", read, self._summary)

    def _summary(self, got: tuple[Usage, ValueFigures]) -> None:
        u, week = got
        self.show(Alert("summary", "summary", tr("Today so far"),
                        f"{plural(u.tokens['day'], tr('token'))} · {money(u.cost['day'])} · "
                        + tr("{days} this week").format(days=plural(u.active_days_week, tr("active day")))
                        + "\n" + tr("This week: {figures}").format(figures=summary_line(week)), "low"),
                  record=False)  # fmt: skip

    def pause(self, span: timedelta) -> None:
        until = datetime.now(UTC) + span
        self.window.importer.write.emit(lambda store: notifications.pause(store, until))
        self.window.status.setText(tr("Notifications paused until {time}.").format(time=f"{until.astimezone():%H:%M}"))

    def pause_until_tomorrow(self) -> None:
        now = datetime.now().astimezone()
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        self.pause(tomorrow - now)

    def export_last_week(self) -> None:
        self.window.ui_state.setValue("report/period", "last-week")
        self.open_window()
        self.window.export_report(shown=False)

    def quit(self) -> None:
        self.window.quit_app()

    @Slot(str)
    def _on_action(self, action: str) -> None:
        if action in ("open", "default"):
            self.open_window()
        elif action == "log":
            self.open_window()
            self.window.log_task()
        elif action == "snooze":
            self.pause(timedelta(hours=1))

    # ---- alerts -------------------------------------------------------------------------------
    @Slot(object)
    def _after_import(self, _summary: object) -> None:
        self.check()

    def check(self, now: datetime | None = None) -> None:
        """Refresh the icon, tooltip and menu rows; deliver the alerts that are due, once
        each. The usage is read once, on the read thread; here it is only drawn."""
        ctx, at = self.ctx, now or datetime.now(UTC)
        start = week_start(local_today(ctx, at))  # the locale's week, as the dashboard's "This week"
        self.checks += 1
        self.window.reads.run_read("tray", lambda side: tick(ctx, side.store, at, start), self._ticked)

    checks = 0  # ticks asked for (tests)

    def _ticked(self, got: TrayTick) -> None:
        self.last = got
        use = got.budget
        self.icon.setIcon(tray_icon(use))
        self.icon.setToolTip(tooltip(got.shown, use))
        if self._menu_ref.isVisible():
            self.refresh_rows()
        for alert in got.due:
            self.show(alert)
        self.ticked.emit()

    def show(self, alert: Alert, record: bool = True) -> None:
        via = "dbus" if self.notifier.available else "tray"
        if self.notifier.available:
            try:
                self.notifier.notify(alert)
            except Exception:
                # Logged without the alert's text (it may name a task); the tray takes over.
                log.exception("desktop notification failed for rule %s; alerts go to the tray from now on", alert.rule)
                self.notifier.available = False
                via = "tray"
        if via == "tray":
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if alert.urgency == "critical"
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.icon.showMessage(alert.title, alert.body, icon, 10_000)
        if record:
            # Queued to the writer thread once delivered, so the record says how it went out. A
            # crash before the writer commits can show this one alert again at the next start.
            self.window.importer.write.emit(
                lambda store: Changes(alerts=int(notifications.record(store, alert, via, datetime.now(UTC))))
            )
        self.delivered.append((alert, via))
