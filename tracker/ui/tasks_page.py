"""The task journal: tasks with their sessions' tokens and cost; add, edit, complete,
delete (with undo), search, import, and the end-of-day review."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.services.context import Context
from tracker.services.device_scope import DeviceChoice
from tracker.services.link_inbox import session_titles
from tracker.services.tasks import FileImport, TaskRow, import_task_file, list_tasks, session_hints
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.store.store import Store
from tracker.ui.device_filter import ALL, on_device
from tracker.ui.formatting import money, tokens
from tracker.ui.i18n import tr
from tracker.ui.import_dialog import CsvMappingDialog
from tracker.ui.link_dialog import LinkSessionsDialog
from tracker.ui.read_worker import InlineReads, Reads, ReadSide
from tracker.ui.task_dialog import TaskDialog
from tracker.ui.usage_table import SORT_ROLE, when
from tracker.work.trackers import guess_format

Index = QModelIndex | QPersistentModelIndex
Write = Callable[[Callable[[Store], object]], None]
HEADERS = ["Title", "Status", "Completed", "Category", "AI", "Sessions", "Tokens", "Cost", "Hours saved", "Impact"]


@dataclass(frozen=True)
class TasksImported:
    """What a task file import sent to the writer returns (shown by ``TasksPage.imported``)."""

    name: str
    result: FileImport


class TasksModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TaskRow] = []
        self.zone_fmt: Callable[[int | None], str] = lambda ms: ""

    def set_rows(self, rows: list[TaskRow], fmt: Callable[[int | None], str]) -> None:
        self.beginResetModel()
        self.rows, self.zone_fmt = rows, fmt
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self.rows[index.row()]
        cells: list[tuple[str, Any]] = [
            (t.title, t.title.lower()),
            (t.status, t.status),
            (self.zone_fmt(t.completed_ms), t.completed_ms or 0),
            (t.category, t.category),
            (tr("yes") if t.ai_assisted else "", int(t.ai_assisted)),
            (str(len(t.sessions)), len(t.sessions)),
            (tokens(t.tokens), t.tokens),
            (money(t.cost_usd), float(t.cost_usd)),
            ("" if t.hours_saved is None else f"{t.hours_saved} h", float(t.hours_saved or 0)),
            (t.impact, t.impact),
        ]
        text, key = cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == SORT_ROLE:
            return key
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return "\n".join([t.title, *t.links, *(f"{s}: {i}" for s, i in t.sessions)])
        return None


class TasksPage(QWidget):
    """Reads through the UI's connection; every change goes to the single writer."""

    status = Signal(str)
    new_task = Signal()
    review = Signal()

    loaded = Signal()  # the tasks read are on screen

    def __init__(self, ctx: Context, read: Callable[[], Store], write: Write, reads: Reads | None = None) -> None:
        super().__init__()
        self.ctx, self.read, self.write = ctx, read, write
        self.reads: Reads = reads or InlineReads(ReadSide(read))
        self.loads = 0  # reads asked for (tests)
        self.model = TasksModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search tasks…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.scope = QComboBox()
        self.scope.addItems(["Completed in the period", "All tasks", "Open tasks"])
        self.scope.currentTextChanged.connect(lambda _: self.refresh(*self.range))
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.summary = QLabel()
        self.undo = QPushButton(tr("Undo delete"))
        self.undo.setVisible(False)
        self.undo.clicked.connect(self.undo_delete)
        self._deleted: Any = None
        buttons = QHBoxLayout()
        for text, slot in (
            ("New…", self.new_task.emit),
            ("Edit…", self.edit_selected),
            ("Mark done", self.done_selected),
            ("Delete", self.delete_selected),
            ("Sessions…", self.link_selected),
            ("Review today…", self.review.emit),
            ("Import…", lambda: self.import_file()),  # not clicked(bool) as the path
        ):
            b = QPushButton(tr(text))
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.undo)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.range: tuple[date, date] = (date.today(), date.today())
        self.device_scope: DeviceChoice = ALL  # whose usage the tasks' spend counts: the dashboard's Device

    def refresh(self, since: date, until: date, device: DeviceChoice | None = None) -> None:
        """Load the tasks on the read thread; draw them when they come back. Each task's spend
        is its sessions' on ``device`` (the tasks themselves are the person's, on every machine)."""
        self.range = (since, until)
        self.device_scope = device or self.device_scope
        scope = self.scope.currentText()
        tz = self.ctx.timezone()
        overrides = self.ctx.price_overrides()
        first, last = (since, until) if scope.startswith("Completed") else (None, None)
        on = self.device_scope.device

        def load(side: ReadSide) -> list[TaskRow]:
            rows = list_tasks(side.store, tz, overrides, first, last, device=on)
            return [t for t in rows if t.status == "open"] if scope == "Open tasks" else rows

        self.loads += 1
        self.reads.run_read("tasks", load, lambda rows: self._show(rows, tz), self.summary.setText)

    def _show(self, rows: list[TaskRow], tz: str) -> None:
        zone = ZoneInfo(tz)
        self.model.set_rows(rows, lambda ms: when(ms, zone))
        self.table.resizeColumnsToContents()
        spent = sum((t.cost_usd for t in rows), Decimal(0))
        self.summary.setText(
            tr("{n} tasks · {tokens} tokens · {cost}").format(
                n=f"{len(rows):,}", tokens=tokens(sum(t.tokens for t in rows)), cost=money(spent)
            )
            + on_device(self.device_scope)
        )
        if self._select_when_loaded is not None and self._select(self._select_when_loaded):
            self._select_when_loaded = None
        self.loaded.emit()

    def import_file(self, path: Path | None = None) -> None:
        """Tasks from a Jira/Linear CSV, gh JSON, or any CSV through a mapping dialog."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Import tasks", "", "Exports (*.csv *.json);;All files (*)")
            if not name:
                return
            path = Path(name)
        fmt = guess_format(path)
        mapping = None
        if fmt == "csv":
            dialog = CsvMappingDialog(path, self.ctx.settings, self)
            if not dialog.exec():
                return
            mapping = dialog.mapping()
        now_ms, ctx = int(time.time() * 1000), self.ctx
        # The writer runs this on its thread: it captures no widget; the window hands the
        # result back to ``imported`` on the GUI thread.
        self.write(lambda store: TasksImported(path.name, import_task_file(ctx, store, path, fmt, mapping, now_ms)))

    def imported(self, done: TasksImported) -> None:
        result = done.result
        bad = tr("; {n} rows skipped").format(n=len(result.bad_rows)) if result.bad_rows else ""
        self.status.emit(
            tr("{name}: {new} new tasks, {updated} updated{bad}.").format(
                name=done.name, new=result.new, updated=result.updated, bad=bad
            )
        )

    def selected(self) -> TaskRow | None:
        index = self.table.currentIndex()
        return self.model.rows[self.proxy.mapToSource(index).row()] if index.isValid() else None

    def edit_selected(self) -> None:
        task = self.selected()
        if task is None:
            return
        sessions = [f"{source} · {session_id}" for source, session_id in task.sessions]
        notes = self.read().tasks.notes(task.id)
        dialog = TaskDialog(self, self.ctx.timezone(), task, sessions, notes=notes)
        if dialog.exec() and dialog.edit is not None:
            edit, completion = dialog.edit, dialog.completion

            def change(store: Store) -> object:
                if completion is not None:
                    store.tasks.set_completion(task.id, *completion)
                return store.tasks.update(task.id, edit)

            self.write(change)

    def show_task(self, task_id: int) -> bool:
        """Select ``task_id`` (a task just logged), widening the list to all tasks if the
        period hides it. The list is read on the read thread: a task not in the rows shown yet
        is selected when the next read is on screen. True when selected now."""
        if self._select(task_id):
            return True
        self._select_when_loaded = task_id
        if self.scope.currentText() != "All tasks":
            self.scope.setCurrentText("All tasks")  # reads again
        return False

    _select_when_loaded: int | None = None

    def _select(self, task_id: int) -> bool:
        for row, t in enumerate(self.model.rows):
            if t.id == task_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if not index.isValid():  # hidden by the search text
                    self.search.clear()
                    index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                self.table.scrollTo(index)
                return True
        return False

    def link_selected(self) -> None:
        """Choose by hand which sessions served the selected task."""
        task = self.selected()
        if task is None:
            return
        since, until = self.range
        if task.completed_ms:  # sessions around the task, and those already linked to it
            done = datetime.fromtimestamp(task.completed_ms / 1000, UTC).date()
            since, until = min(since, done - timedelta(days=7)), max(until, done)
        query = UsageQuery("session", self.ctx.timezone(), since, until)
        report = build_usage_report(self.read(), query, self.ctx.price_overrides())
        known = {(r.source, r.session_id) for r in report.rows}
        rows = list(report.rows)
        hints = session_hints(self.ctx, self.read(), task.id, int(time.time() * 1000))
        if missing := frozenset(s for src, s in [*task.sessions, *hints] if (src, s) not in known):
            extra = UsageQuery("session", self.ctx.timezone(), sessions=missing)
            rows += build_usage_report(self.read(), extra, self.ctx.price_overrides()).rows
        info = report.session_info
        sessions = [
            (r, info.get((r.source, r.session_id), ("", ""))[0]) for r in sorted(rows, key=lambda r: -(r.first_ms or 0))
        ]
        keys = [(r.source, r.session_id) for r, _ in sessions]
        branches = {k: info.get(k, ("", ""))[1] for k in keys}
        titles = session_titles(self.ctx, self.read(), keys)  # read for this dialog, never stored
        dialog = LinkSessionsDialog(task, sessions, self, hints, branches, titles)
        if dialog.exec():
            self.write(dialog.change)

    def done_selected(self) -> None:
        task = self.selected()
        if task is not None:
            now_ms = int(time.time() * 1000)
            self.write(lambda store: store.tasks.set_done(task.id, now_ms))

    def delete_selected(self) -> None:
        task = self.selected()
        if task is None:
            return

        def delete(snap: object) -> None:  # the undo's copy was read on the read thread
            self._deleted = snap
            self.write(lambda store: store.tasks.delete(task.id))
            self.undo.setVisible(True)
            self.status.emit(tr("Deleted “{title}” (its sessions' usage is kept).").format(title=task.title))

        self.reads.run_read("delete-snapshot", lambda side: side.store.tasks.snapshot(task.id), delete)

    def undo_delete(self) -> None:
        snap, self._deleted = self._deleted, None
        self.undo.setVisible(False)
        if snap is not None:
            self.write(lambda store: store.tasks.restore(snap))
            self.status.emit(tr("Task restored."))
