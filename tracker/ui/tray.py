"""The tray companion: today's budget as a ring, a menu, and alerts delivered in time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from tracker.analytics.alert_rules import Alert, Settings, Usage, due_alerts
from tracker.analytics.value_figures import ValueFigures, summary_line
from tracker.core.resources import tray_icon_png
from tracker.core.settings_schema import BLOCK_TOKENS
from tracker.notify.freedesktop import FreedesktopNotifier
from tracker.services import notifications
from tracker.services.context import Context
from tracker.services.limits import limit_windows
from tracker.services.work_summary import period_figures
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.ui.formatting import money, plural
from tracker.ui.limits_view import row_text
from tracker.ui.main_window import MainWindow
from tracker.ui.read_worker import ReadSide

log = logging.getLogger(__name__)
CHECK_MS = 60_000  # time-based rules (end of day, weekly report) need a clock tick; cheap


def ring_icon(share: float | None) -> QIcon:
    """A ring filled to ``share`` of today's budget (None: no budget set)."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.drawPixmap(0, 0, QPixmap(str(tray_icon_png(64))))  # the coin; the ring goes around it
    rect = QRectF(8, 8, 48, 48)
    p.setPen(QPen(QColor("#9aa5b1"), 8))
    p.drawEllipse(rect)
    if share is not None:
        color = "#59a14f" if share < 0.8 else "#f28e2b" if share < 1 else "#e15759"
        pen = QPen(QColor(color), 8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawArc(rect, 90 * 16, -int(360 * 16 * min(share, 1.0)))
    p.end()
    return QIcon(pixmap)


def tick(ctx: Context, store: Store, now: datetime) -> tuple[Usage, Settings, list[Alert]]:
    """The minute tick's reads (on the read thread): today's usage, once, and the alerts due."""
    usage = notifications.current_usage(ctx, store, now)
    settings = notifications.rule_settings(ctx)
    return usage, settings, due_alerts(usage, settings, store.alerts.fired(), store.alerts.paused_until())


class TrayController(QObject):
    action_from_notification = Signal(str)
    ticked = Signal()  # the icon and tooltip show the last tick's reads

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.ctx = window.ctx
        self.tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(ring_icon(None))
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
            said.append("no system tray here: Tokenworth keeps its window instead")
        if not self.notifier.available:
            said.append(f"alerts go to the tray ({self.notifier.reason})")
        if said:
            window.status.setText("; ".join(said).capitalize() + ".")  # said once, at start
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        window.importer.worker.finished.connect(self._after_import)  # a slot: runs on this (GUI) thread

    def _menu(self) -> QMenu:
        menu = QMenu()
        self.limit_rows: list[QAction] = []  # live rows at the top, refreshed as the menu opens
        self.limits_separator = menu.addSeparator()
        self.limits_separator.setVisible(False)
        menu.aboutToShow.connect(lambda: self.refresh_limit_rows())
        entries = [
            ("Open dashboard", self.open_window),
            ("Log a task…", self.window.log_task),
            ("Today's summary", self.today_summary),
            None,
            ("Pause notifications for 1 hour", lambda: self.pause(timedelta(hours=1))),
            ("Pause notifications until tomorrow", self.pause_until_tomorrow),
            None,
            ("Export last week's report…", self.export_last_week),
            None,
            ("Quit", self.quit),
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
    def refresh_limit_rows(self, now_ms: int | None = None) -> None:
        """The limit windows with their reset countdowns, above the actions (one cheap read)."""
        if now_ms is None:
            now_ms = int(datetime.now(UTC).timestamp() * 1000)
        block = self.ctx.settings.value(BLOCK_TOKENS)
        windows = limit_windows(self.window.read(), now_ms, block)
        menu = self._menu_ref
        for action in self.limit_rows:
            menu.removeAction(action)
        self.limit_rows = []
        for w in windows:
            row = QAction(row_text(w, now_ms), menu)
            row.setEnabled(False)  # information, not a command
            menu.insertAction(self.limits_separator, row)
            self.limit_rows.append(row)
        self.limits_separator.setVisible(bool(windows))

    def open_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_window()

    def today_summary(self) -> None:
        ctx, now = self.ctx, datetime.now(UTC)

        def read(side: ReadSide) -> tuple[Usage, ValueFigures]:
            today = datetime.now(ZoneInfo(ctx.timezone())).date()
            monday = today - timedelta(days=today.weekday())
            week = period_figures(side.store, ctx.timezone(), monday, today, ctx.price_overrides())
            return notifications.current_usage(ctx, side.store, now), week

        self.window.reads.run_read("tray-summary", read, self._summary)

    def _summary(self, got: tuple[Usage, ValueFigures]) -> None:
        u, week = got
        self.show(Alert("summary", "summary", "Today so far",
                        f"{plural(u.tokens['day'], 'token')} · {money(u.cost['day'])} · "
                        f"{plural(u.active_days_week, 'active day')} this week\n"
                        f"This week: {summary_line(week)}", "low"), record=False)  # fmt: skip

    def pause(self, span: timedelta) -> None:
        until = datetime.now(UTC) + span
        self.window.importer.write.emit(lambda store: notifications.pause(store, until))
        self.window.status.setText(f"Notifications paused until {until.astimezone():%H:%M}.")

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

    def check(self) -> None:
        """Refresh the icon and tooltip; deliver the alerts that are due, once each. The
        usage is read once, on the read thread; here it is only drawn."""
        ctx, now = self.ctx, datetime.now(UTC)
        self.checks += 1
        self.window.reads.run_read("tray", lambda side: tick(ctx, side.store, now), self._ticked)

    checks = 0  # ticks asked for (tests)

    def _ticked(self, got: tuple[Usage, Settings, list[Alert]]) -> None:
        u, settings, due = got
        shares = [
            Decimal(u.tokens["day"] if "tokens" in name else u.cost["day"]) / Decimal(limit)
            for name, limit in settings.budgets.items()
            if name.startswith("daily") and limit
        ]
        self.icon.setIcon(ring_icon(float(max(shares)) if shares else None))
        self.icon.setToolTip(
            f"Tokenworth — today {plural(u.tokens['day'], 'token')}, {money(u.cost['day'])}; "
            f"{plural(u.active_days_week, 'active day')} this week"
        )
        for alert in due:
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
