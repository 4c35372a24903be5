"""The main window: navigation, pages, import progress, and the live refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QWidget,
)

from tracker.core.logs import version
from tracker.core.settings_schema import AUTOSTART, CLOSE_TO_TRAY
from tracker.services.context import Context
from tracker.services.drill_down import Drill, day_drill
from tracker.services.importer import ImportSummary
from tracker.services.sources_status import SourceStatus, folder_statuses, watch_folders
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.ui.alerts_page import AlertsPage
from tracker.ui.dashboard_page import DashboardPage
from tracker.ui.day_timeline import DayTimelineDialog, DayTimelineView
from tracker.ui.export_dialog import ExportDialog
from tracker.ui.help_page import keyboard_shortcuts, what_counts
from tracker.ui.i18n import tr
from tracker.ui.import_export_dialog import ExportImports
from tracker.ui.import_worker import ImportThread
from tracker.ui.link_inbox import LinkInboxDialog
from tracker.ui.log_watcher import LogWatcher
from tracker.ui.read_worker import ReadSide, ReadThread
from tracker.ui.review_dialog import ReviewData, ReviewDialog, apply_choices, read_review
from tracker.ui.settings_dialog import SettingsDialog
from tracker.ui.sources_page import SourcesPage
from tracker.ui.task_dialog import QuickAddDialog
from tracker.ui.tasks_page import TasksImported, TasksPage
from tracker.ui.usage_table import UsageTablePage
from tracker.ui.welcome import WelcomeDialog, first_run

PAGES = ("Dashboard", "Tasks", "Sessions", "Projects", "Sources", "Alerts")
# The icon theme's name first; the style's built-in pixmap where no theme is installed.
NAV_ICONS = {
    "Dashboard": ("view-statistics", QStyle.StandardPixmap.SP_DesktopIcon),
    "Tasks": ("view-task", QStyle.StandardPixmap.SP_DialogApplyButton),
    "Sessions": ("view-list-details", QStyle.StandardPixmap.SP_FileDialogDetailedView),
    "Projects": ("folder", QStyle.StandardPixmap.SP_DirIcon),
    "Sources": ("drive-harddisk", QStyle.StandardPixmap.SP_DriveHDIcon),
    "Alerts": ("dialog-warning", QStyle.StandardPixmap.SP_MessageBoxWarning),
}


def nav_icon(style: QStyle, page: str) -> QIcon:
    theme, fallback = NAV_ICONS[page]
    return QIcon.fromTheme(theme, style.standardIcon(fallback))


class MainWindow(QMainWindow):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(tr("Tokenworth — what your AI tokens were worth"))
        self._reader: Store | None = None
        self.ui_state = QSettings(str(ctx.paths.root / "window.ini"), QSettings.Format.IniFormat)

        # Reports and table loads run here, on their own read-only store: the GUI thread only draws.
        self.reads = ReadThread(ReadSide(ctx.reader, ctx.read_helpers))
        self.reads.failed.connect(self._read_failed)
        self.dashboard = DashboardPage(ctx, self.read, self.reads, self.ui_state)
        self.dashboard.read_failed.connect(self._read_failed)
        self.dashboard.loaded.connect(self._dashboard_drawn)
        self.sessions = UsageTablePage(ctx, self.read, "session", self.ui_state, self.reads)
        self.projects = UsageTablePage(ctx, self.read, "project", self.ui_state, self.reads)
        self.sources = SourcesPage(ctx, self.read, self.reads)
        self.tasks = TasksPage(ctx, self.read, lambda change: self.importer.write.emit(change), self.reads)
        self._stale: set[QWidget] = set()  # pages whose data changed since they were drawn
        self.tasks.new_task.connect(self.log_task)
        self.tasks.review.connect(self.review_today)
        self.stack = QStackedWidget()
        self.alerts = AlertsPage(self.read, self.reads)
        self.alerts.open_day.connect(self.show_day)
        self.alerts.log_task.connect(self.log_task)
        for page in (self.dashboard, self.tasks, self.sessions, self.projects, self.sources, self.alerts):
            self.stack.addWidget(page)
        self.nav = QListWidget()
        for name in PAGES:
            self.nav.addItem(QListWidgetItem(nav_icon(self.style(), name), name))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.nav.setStyleSheet("QListWidget { padding: 6px; } QListWidget::item { padding: 6px 8px; }")
        self.nav.setMaximumWidth(180)
        self.nav.setAccessibleName("Pages")
        self.nav.currentRowChanged.connect(self._show_page)
        split = QSplitter()
        split.addWidget(self.nav)
        split.addWidget(self.stack)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([150, 1100])
        self.setCentralWidget(split)
        self.dashboard.period_changed.connect(self._refresh_tables)
        self.dashboard.device_filter.changed.connect(self._device_changed)
        self.dashboard.add_task.connect(self.log_task)
        self.dashboard.sources_changed.connect(self.start)  # "Add folder…" on the empty dashboard
        self.dashboard.open_inbox.connect(lambda keys: self.open_inbox(keys, "with no task on the dashboard"))
        self.dashboard.show_sources.connect(lambda: self.nav.setCurrentRow(PAGES.index("Sources")))
        # Drill-down: a click on the dashboard shows the sessions behind it; a session its task.
        self.dashboard.drill.connect(self.drill_sessions)
        self.dashboard.open_day.connect(self.open_day)
        self.dashboard.open_task.connect(self.open_task)
        self.projects.drill_requested.connect(self.drill_sessions)
        self.sessions.open_task.connect(self.open_task)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        self.cancel = QPushButton(tr("Cancel import"))
        self.cancel.setVisible(False)
        self.status = QLabel()
        self.tasks.status.connect(self.status.setText)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel)
        self._actions()

        self.importer = ImportThread(ctx)
        worker = self.importer.worker
        worker.started.connect(self._import_started)
        worker.progress.connect(self._import_progress)
        worker.finished.connect(self._import_finished)
        # Slots of this window, never lambdas: a lambda would run on the worker's thread.
        worker.cancelled.connect(self._import_cancelled)
        worker.failed.connect(self._import_failed)
        worker.write_failed.connect(self._write_failed)
        self.cancel.clicked.connect(worker.cancel)
        worker.written.connect(self._written)
        self.exports = ExportImports(self, ctx, self.importer)  # File ▸ Import usage export…, drops
        self.watcher = LogWatcher()
        self.watcher.changed.connect(self.import_now)
        self._restore()

    # ---- plumbing ----------------------------------------------------------------------------
    def read(self) -> Store:
        """The UI's own read connection (WAL lets it read while the worker writes)."""
        if self._reader is None:
            self._reader = self.ctx.reader()  # read-only: a redraw never waits on the import
        return self._reader

    def _actions(self) -> None:
        bar = QToolBar(tr("Main"))
        bar.setObjectName("mainToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar = bar
        self.addToolBar(bar)
        self.shortcut_rows: list[tuple[str, str]] = []  # Help ▸ Keyboard shortcuts and the README
        file_menu = self.menuBar().addMenu(tr("&File"))
        for text, key, icon, slot in (
            (tr("&Import now"), "F5", "view-refresh", self.import_now),
            (tr("Log a &task…"), "Ctrl+N", "list-add", self.log_task),
            (tr("&Link inbox…"), "Ctrl+L", "mail-mark-task", lambda: self.open_inbox()),
            (tr("&Export report…"), "Ctrl+E", "document-export", self.export_report),
            (tr("&Settings…"), "Ctrl+,", "preferences-system", self.open_settings),
        ):
            action = self._action(text, key, slot, icon)
            file_menu.addAction(action)
            bar.addAction(action)
        file_menu.addAction(self._action("Import usage e&xport…", "Ctrl+Shift+I", lambda: self.exports.choose()))
        file_menu.addSeparator()
        file_menu.addAction(self._action(tr("&Quit"), "Ctrl+Q", self.quit_app))  # in the menu, not the toolbar
        view = self.menuBar().addMenu(tr("&View"))
        for i, name in enumerate(PAGES):
            view.addAction(self._action(tr(name), f"Alt+{i + 1}", partial(self.nav.setCurrentRow, i)))
        view.addSeparator()
        view.addAction(self._action(tr("&Previous period"), "Alt+Left", lambda: self._step(-1)))
        view.addAction(self._action(tr("&Next period"), "Alt+Right", lambda: self._step(1)))
        view.addAction(self._action(tr("&Bill vs logs"), "Ctrl+Shift+B", self.show_bill_vs_logs))
        view.addAction(tr("&Day timeline…"), lambda: self.open_day(self.dashboard.day_filter))
        view.addSeparator()
        view.addAction(bar.toggleViewAction())
        help_menu = self.menuBar().addMenu(tr("&Help"))
        help_menu.addAction(self._action(tr("&What counts"), "F1", self.show_what_counts))
        help_menu.addAction(self._action(tr("&Keyboard shortcuts"), "Ctrl+/", self.show_shortcuts))
        welcome = QAction(tr("W&elcome"), self)
        welcome.triggered.connect(self.show_welcome)
        help_menu.addAction(welcome)
        help_menu.addSeparator()
        about = QAction(tr("&About Tokenworth"), self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _action(self, text: str, key: str, slot: Callable[[], object], icon: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _=False: slot())
        if icon:
            action.setIcon(QIcon.fromTheme(icon))
        self.addAction(action)  # the shortcut works with the menu bar hidden too
        self.shortcut_rows.append((key, text.replace("&", "").rstrip("…")))
        return action

    def show_day(self, day: date) -> None:
        """The dashboard on ``day`` (a day filter inside the period shown, else that day alone)."""
        self.nav.setCurrentRow(PAGES.index("Dashboard"))
        since, until = self.dashboard.selected_range()
        if since <= day <= until:
            self.dashboard.show_day(day)
        else:
            self.dashboard.show_range(day, day)

    def _step(self, direction: int) -> None:
        self.dashboard.step(direction)

    # ---- drill-down --------------------------------------------------------------------------
    def drill_sessions(self, drill: object) -> None:
        """The Sessions page, narrowed to what was clicked (a removable chip says to what)."""
        assert isinstance(drill, Drill)
        scope = self.dashboard.device_filter.scope()  # a click on one device's figures: its sessions
        self.sessions.device_scope = scope
        self.sessions.drill(replace(drill, device=scope.device), self.dashboard.selected_range())
        self._stale.discard(self.sessions)  # just read, narrowed: showing it must not read it whole
        self.nav.setCurrentRow(PAGES.index("Sessions"))
        self.sessions.table.setFocus()

    def open_task(self, task_id: int) -> None:
        """The Tasks page with ``task_id`` selected (the list widens to all tasks if needed)."""
        self.nav.setCurrentRow(PAGES.index("Tasks"))
        self.tasks.show_task(task_id)
        self.tasks.table.setFocus()

    day_window: DayTimelineDialog | None = None

    @Slot(object)
    def _refresh_day(self, change: object) -> None:
        """The day shown reads again after an import that stored usage, or any write."""
        window = self.day_window
        if window is not None and window.isVisible() and getattr(change, "changed", True):
            window.view.show_day(window.view.day())

    def _device_changed(self) -> None:
        """Another device picked: an open day timeline shows that device's sessions."""
        window = self.day_window
        if window is not None:
            window.view.device_scope = self.dashboard.device_filter.scope()
            if window.isVisible():
                window.view.show_day(window.view.day())

    def open_day(self, day: object = None) -> None:
        """A day's sessions on a time line (the calendar's "Open day"; a notification's too)."""
        if self.day_window is None:
            view = DayTimelineView(self.ctx, self.read, self.reads)
            view.open_task.connect(self.open_task)
            view.open_sessions.connect(lambda d: self.drill_sessions(day_drill(d)))
            self.day_window = DayTimelineDialog(view, self)
            self.importer.worker.finished.connect(self._refresh_day)  # new usage, or links written
            self.importer.worker.written.connect(self._refresh_day)
        self.day_window.view.device_scope = self.dashboard.device_filter.scope()
        self.day_window.view.show_day(day if isinstance(day, date) else self.dashboard.today())
        self.day_window.show()
        self.day_window.raise_()
        self.day_window.fit()

    help_dialog: QWidget | None = None

    def show_what_counts(self) -> None:
        self.help_dialog = what_counts(self)
        self.help_dialog.show()

    welcome: WelcomeDialog | None = None

    def show_welcome(self) -> None:
        """What is read and where, what counts, and three first steps (non-modal: the window
        behind stays usable). The folders are looked for on the read thread; it opens then."""
        ctx = self.ctx
        self.reads.run_read("welcome", lambda _side: folder_statuses(ctx), self._open_welcome)

    def _open_welcome(self, statuses: list[SourceStatus]) -> None:
        dialog = WelcomeDialog(statuses, self.ctx.home, self)
        dialog.log_task.connect(self.log_task)
        dialog.import_tickets.connect(self.import_tickets)
        dialog.set_budget.connect(lambda: self.open_settings("Budgets"))
        dialog.what_counts.connect(self.show_what_counts)
        dialog.show_sources.connect(lambda: self.nav.setCurrentRow(PAGES.index("Sources")))
        self.welcome = dialog
        dialog.show()

    def import_tickets(self) -> None:
        self.nav.setCurrentRow(PAGES.index("Tasks"))
        self.tasks.import_file()

    def show_bill_vs_logs(self) -> None:
        from tracker.ui.reconcile_view import ReconcileView

        self.bill_vs_logs = ReconcileView(self.ctx, self.reads, self)
        self.bill_vs_logs.show()
        self.bill_vs_logs.refresh()

    def show_shortcuts(self) -> None:
        self.help_dialog = keyboard_shortcuts(self.shortcut_rows, self)
        self.help_dialog.show()

    def _restore(self) -> None:
        geometry = self.ui_state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 860)
        page = str(self.ui_state.value("page", 0))
        self.nav.setCurrentRow(int(page) if page.isdigit() and int(page) < len(PAGES) else 0)

    quitting = False  # set by Quit: closing then ends the app, even with a tray icon

    def quit_app(self) -> None:
        """Quit for real (closing the window only hides it when the tray keeps running)."""
        self.quitting = True
        self.close()
        if self.tray_keeps_running:
            QApplication.quit()

    tray_keeps_running = False  # set when a tray icon is there to come back from

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt
        self.ui_state.setValue("geometry", self.saveGeometry())
        if self.tray_keeps_running and not self.quitting and self.ctx.settings.value(CLOSE_TO_TRAY):
            self.ui_state.setValue("page", self.nav.currentRow())
            self.hide()  # the tray keeps importing and alerting
            event.ignore()
            return
        self.ui_state.setValue("page", self.nav.currentRow())
        self.ui_state.sync()
        self.stop()
        super().closeEvent(event)

    def stop(self) -> None:
        """Stop watching and wait for the import thread (a running QThread at exit aborts)."""
        self.watcher.poll.stop()
        self.importer.stop()
        self.reads.stop()

    about_box: QMessageBox | None = None

    def about(self) -> None:
        """Help ▸ About: the version and where everything lives (the log for bug reports)."""
        paths = self.ctx.paths
        box = QMessageBox(QMessageBox.Icon.Information, "About Tokenworth", f"Tokenworth {version()}", parent=self)
        box.setInformativeText(
            "What your AI tokens were worth.\n\n"
            f"Data folder: {paths.root}\nDatabase: {paths.database}\nLog file: {paths.log}\n"
            f"{self.price_catalogue()}\n\n"
            "Attach the log file to a bug report: it holds errors and file paths, never prompts, titles or keys."
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about_box = box
        box.open()

    def price_catalogue(self) -> str:
        """Which price data the costs use (as the dashboard's last redraw reported it)."""
        data = self.dashboard.data
        return f"Prices: {data.price_source}" if data is not None and data.price_source else ""

    # ---- pages -------------------------------------------------------------------------------
    def _show_page(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if page is self.dashboard:
            if (self.dashboard.data is None and not self.reads.pending("dashboard")) or page in self._stale:
                self.refresh_current(data_changed=True)
        elif isinstance(page, UsageTablePage | TasksPage):
            shown = (
                page.range != self.dashboard.selected_range()
                or page.device_scope != self.dashboard.device_filter.scope()
            )
            if page in self._stale or not page.loads or shown:
                self.refresh_current()
        else:
            self.refresh_current()

    def refresh_current(self, data_changed: bool = False, changes: Changes | ImportSummary | None = None) -> None:
        """Redraw the page in view. With ``changes`` (what a write or an import changed),
        pages it affects are marked stale and the one in view redraws only if it is one."""
        page = self.stack.currentWidget()
        if changes is not None:
            self._stale |= self.affected(changes)
            if page not in self._stale:
                return
            # Another machine's bundle may name a new device: the whole dashboard (and its Device list) reads again.
            if page is self.dashboard and isinstance(changes, ImportSummary) and not changes.bundles_changed:
                self._stale.discard(page)
                self.dashboard.refresh_for(changes.days_touched)
                return
            data_changed = data_changed or isinstance(changes, ImportSummary)
        self._stale.discard(page)
        if page is self.dashboard:
            self.dashboard.refresh(data_changed)  # ``_dashboard_drawn`` follows
        elif page is self.sources:
            self.sources.refresh()
        elif page is self.alerts:
            self.alerts.refresh()
        else:
            self._refresh_tables()

    def affected(self, changes: Changes | ImportSummary) -> set[QWidget]:
        """The pages a change shows on. Writes from the window touch tasks, links and alerts,
        never usage: the usage tables stay as drawn. An import touches the usage of its days."""
        pages: set[QWidget] = set()
        if isinstance(changes, Changes):
            if changes.tasks or changes.links:
                pages |= {self.dashboard, self.tasks}
            if changes.alerts:
                pages.add(self.alerts)
            return pages
        if changes.changed:
            pages.add(self.sources)
        if changes.tasks_changed:
            pages |= {self.dashboard, self.tasks}
        if changes.days_touched:
            pages |= {self.dashboard, self.tasks}
            near = {d + timedelta(days=k) for d in changes.days_touched for k in (-1, 0, 1)}
            for table in (self.sessions, self.projects):
                since, until = table.range
                if since is None or any(since <= d <= until for d in near):
                    pages.add(table)
        return pages

    def _refresh_tables(self) -> None:
        since, until = self.dashboard.selected_range()
        page = self.stack.currentWidget()
        if isinstance(page, UsageTablePage | TasksPage):
            page.refresh(since, until, self.dashboard.device_filter.scope())

    def _dashboard_drawn(self) -> None:
        """Nothing stored for the period: say where logs were looked for (a small store, so
        reading the sources' status here is quick)."""
        if not self.dashboard.data or not self.dashboard.data.totals.events:
            empty = self.sources.empty_message()
            # Drawn after the read thread is done: never over a message said meanwhile.
            if empty and self.status.text() in ("", self._empty_said):
                self._empty_said = empty[0].upper() + empty[1:] + "."
                self.status.setText(self._empty_said)

    _empty_said = ""

    @Slot(str)
    def _read_failed(self, message: str) -> None:
        self.status.setText(f"Could not read the data: {message} (details in {self.ctx.paths.log})")

    # ---- import ------------------------------------------------------------------------------
    def start(self) -> None:
        """First run and every launch: show what is stored, then import in the background."""
        if not self.reads.pending():  # the page shown at construction is already being read
            self.refresh_current()
        self.watcher.watch(watch_folders(self.ctx))
        self.import_now()
        # Not when starting to the tray; after the first import, so it can say what was found
        # (and the GUI thread is free while the import runs).
        self._welcome_pending = self.isVisible() and first_run(self.ui_state)

    def import_now(self) -> None:
        if not self.importer.worker.busy:
            self.importer.request.emit()

    def _import_started(self) -> None:
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel.setVisible(True)
        self.status.setText("Reading new log lines…")

    def _import_progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 1000)

    def _import_finished(self, summary: ImportSummary) -> None:
        found = sum(s.files_seen for s in summary.sources.values())
        read = sum(s.events_read for s in summary.sources.values())
        skipped = summary.skipped
        note = f"; {skipped:,} unusable lines skipped (see Sources)" if skipped else ""
        what = f"{read:,} usage records read" if read else "nothing new"
        self._import_ended(f"{found:,} log files checked, {what}{note}.")
        if summary.changed:
            self.refresh_current(changes=summary)
        self.import_finished_count += 1

    import_finished_count = 0  # for tests and the tray: how many imports have completed

    @Slot()
    def _import_cancelled(self) -> None:
        self._import_ended("Import cancelled; what was read so far is kept.")

    @Slot(str)
    def _import_failed(self, message: str) -> None:
        self._import_ended(f"Import failed: {message} (details in {self.ctx.paths.log})")

    @Slot(str)
    def _write_failed(self, message: str) -> None:
        self.status.setText(f"Could not save the change: {message} (details in {self.ctx.paths.log})")

    @Slot(object)
    def _written(self, result: object) -> None:
        if isinstance(result, TasksImported):
            self.tasks.imported(result)
        # A write that does not say what it changed (a count, a file import) touched tasks or links.
        changes = result if isinstance(result, Changes) else Changes(links=1)
        if self._logged is not None and isinstance(result, Changes) and result.tasks:
            title, self._logged = self._logged, None
            self._stale |= {self.dashboard, self.sessions, self.projects}
            self.nav.setCurrentRow(PAGES.index("Tasks"))  # reads the list again
            self.tasks.show_task(next(iter(result.tasks)))
            self.confirm(f"Logged: {title}")
            return
        self.refresh_current(changes=changes)

    _welcome_pending = False

    def _import_ended(self, message: str) -> None:
        self.progress.setVisible(False)
        self.cancel.setVisible(False)
        self.status.setText(message)
        if self._welcome_pending:
            self._welcome_pending = False
            self.show_welcome()

    def log_task(self) -> None:
        dialog = QuickAddDialog(self, self.ctx.timezone())
        if dialog.exec() and dialog.task is not None:
            task = dialog.task
            now_ms = int(time.time() * 1000)
            self._logged = task.title.strip()
            self.importer.write.emit(lambda store: Changes(tasks=frozenset({store.tasks.add(task, now_ms)})))

    _logged: str | None = None  # the title of a task being saved, to show and select once written

    def confirm(self, message: str) -> None:
        """A confirmation the import status that follows cannot overwrite (a timed message)."""
        self.statusBar().showMessage(message, 8000)

    def export_report(self, shown: bool = True) -> None:
        """Opens on the period the dashboard shows (``shown``), else on the last one exported."""
        devices = self.dashboard.device_filter
        ExportDialog(
            self.ctx, self.read, self.ui_state, self, self.dashboard.selected_range() if shown else None, self.reads,
            devices.choices if len(devices.choices) > 2 else [], devices.scope(),
        ).exec()  # fmt: skip

    def review_today(self) -> None:
        """Today's sessions with no task are read on the read thread; the dialog opens with them."""
        today = self.dashboard.today()
        self.reads.run_read("review", partial(read_review, self.ctx, today), partial(self._review, today))

    review: ReviewDialog | None = None

    def _review(self, today: date, got: ReviewData) -> None:
        dialog = ReviewDialog(got.orphans, got.tasks, self, got.had_usage)
        dialog.open_inbox.connect(lambda keys: self.open_inbox(keys, "from today's review", (today, today)))
        # The choices are read here, on the GUI thread; the writer gets plain data.
        dialog.accepted.connect(lambda: self.importer.write.emit(apply_choices(dialog.chosen())))
        self.review = dialog
        dialog.open()

    def open_inbox(self, only: object = None, where: str = "", period: tuple[date, date] | None = None) -> None:
        """The link inbox for the dashboard's period (filtered to ``only`` when a list of
        sessions with no task opened it); it redraws each time one of its changes is written."""
        d = self.dashboard
        span = period or ((d.day_filter, d.day_filter) if d.day_filter else d.selected_range())
        keys = frozenset(only) if isinstance(only, frozenset | set | list) else None
        dialog = LinkInboxDialog(self.ctx, self.read, self.importer.write.emit, span, keys, self, where)
        self.importer.worker.written.connect(dialog.refresh)
        dialog.exec()
        self.importer.worker.written.disconnect(dialog.refresh)
        self.refresh_current()

    def open_settings(self, tab: str = "") -> None:
        from tracker.ui.keys_settings import KeysSettings  # deferred: only Settings needs it

        dialog = SettingsDialog(self.ctx.settings, str(self.ctx.paths.root), self, [(KeysSettings(self.ctx), "Keys")])
        tabs = dialog.tabs  # open on a section ("Budgets" from the welcome)
        for i in range(tabs.count() if tab else 0):
            if tabs.tabText(i) == tab:
                tabs.setCurrentIndex(i)
        if dialog.exec():
            from tracker.services.autostart import apply_autostart

            apply_autostart(self.ctx.settings.value(AUTOSTART), self.ctx.home, self.ctx.env, self.ctx.paths.root)
            # Zone, prices and budgets may have changed: every page reads again when shown.
            self._stale |= {self.dashboard, self.tasks, self.sessions, self.projects, self.sources, self.alerts}
            self.refresh_current(data_changed=True)
            self.watcher.watch(watch_folders(self.ctx))
            self.status.setText("Settings saved.")  # no modal: the change is already visible
