"""Sessions and projects as sortable, filterable tables over the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.usage_rollup import UsageRow
from tracker.services.context import Context
from tracker.services.usage import UsageQuery, UsageReport, build_usage_report
from tracker.store.store import Store
from tracker.ui.formatting import money, tokens

SORT_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


def when(ms: int | None, zone: ZoneInfo) -> str:
    return "" if ms is None else datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _duration(row: UsageRow) -> tuple[str, int]:
    seconds = ((row.last_ms or 0) - (row.first_ms or 0)) // 1000
    h, rest = divmod(seconds, 3600)
    return (f"{h}h {rest // 60:02d}m" if h else f"{rest // 60}m {rest % 60:02d}s"), seconds


class UsageTableModel(QAbstractTableModel):
    """One row per session (or project) of a usage report; numbers sort as numbers."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.report: UsageReport | None = None
        self.rows: list[UsageRow] = []
        self.zone = ZoneInfo("UTC")
        if kind == "session":
            self.headers = ["Tool", "Project", "Branch", "Models", "Start", "Duration"]
        else:
            self.headers = ["Project", "Sessions", "Models"]
        self.headers += ["Input", "Output", "Cache write", "Cache read", "Total tokens", "Cost"]
        self.sessions_per_project: dict[str, int] = {}

    def set_report(self, report: UsageReport, sessions_per_project: dict[str, int] | None = None) -> None:
        self.beginResetModel()
        self.report = report
        self.rows = report.rows
        self.zone = ZoneInfo(report.query.timezone)
        self.sessions_per_project = sessions_per_project or {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def cell(self, row: UsageRow, column: int) -> tuple[str, Any]:
        """(display text, sort key) of one cell."""
        t = row.totals
        fixed = 6 if self.kind == "session" else 3
        if column >= fixed:
            n = column - fixed
            values = [
                t.input_tokens,
                t.output_tokens,
                t.cache_creation_tokens,
                t.cache_read_tokens,
                t.total_tokens,
            ]
            if n < len(values):
                return tokens(values[n]), values[n]
            return (money(t.cost_usd) + ("*" if t.unpriced_tokens else "")), float(t.cost_usd)
        models = ", ".join(sorted(row.models))
        if self.kind == "project":
            count = self.sessions_per_project.get(row.period, 0)
            return [(row.period, row.period), (str(count), count), (models, models)][column]
        project, branch = ("", "")
        if self.report is not None:
            project, branch = self.report.session_info.get((row.source, row.session_id), ("", ""))
        text, seconds = _duration(row)
        return [
            (row.source, row.source),
            (project, project),
            (branch, branch),
            (models, models),
            (when(row.first_ms, self.zone), row.first_ms or 0),
            (text, seconds),
        ][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        text, key = self.cell(self.rows[index.row()], index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == SORT_ROLE:
            return key
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(key, int | float) and index.column() >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class UsageTablePage(QWidget):
    """A filter box, the table and, for sessions, a detail pane."""

    def __init__(self, ctx: Context, read: Callable[[], Store], kind: str) -> None:
        super().__init__()
        self.ctx, self.read, self.kind = ctx, read, kind
        self.model = UsageTableModel(kind)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by tool, project, branch or model…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        # Newest sessions first; biggest projects first.
        self.table.sortByColumn(4 if kind == "session" else 7, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.detail = QTextBrowser()
        self.detail.setVisible(kind == "session")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.summary)
        layout.addWidget(split)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.range: tuple[Any, Any] = (None, None)

    def refresh(self, since: Any, until: Any) -> None:
        self.range = (since, until)
        query = UsageQuery(self.kind, self.ctx.timezone(), since, until)  # type: ignore[arg-type]
        store = self.read()
        report = build_usage_report(store, query, self.ctx.price_overrides())
        counts: dict[str, int] = {}
        if self.kind == "project":
            sessions = build_usage_report(store, UsageQuery("session", query.timezone, since, until), {})
            for r in sessions.rows:
                project = sessions.session_info.get((r.source, r.session_id), ("", ""))[0]
                counts[project] = counts.get(project, 0) + 1
        self.model.set_report(report, counts)
        self.table.resizeColumnsToContents()
        noun = "sessions" if self.kind == "session" else "projects"
        self.summary.setText(
            f"{len(report.rows):,} {noun} from {since} to {until} · {tokens(report.total.totals.total_tokens)} "
            f"tokens · {money(report.total.totals.cost_usd)}"
            if report.rows
            else f"No {noun} from {since} to {until}."
        )
        self.detail.setHtml("<p>Select a session to see its models and token kinds.</p>")

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.kind != "session" or not current.isValid():
            return
        row = self.model.rows[self.proxy.mapToSource(current).row()]
        project, branch = ("", "")
        if self.model.report is not None:
            project, branch = self.model.report.session_info.get((row.source, row.session_id), ("", ""))
        lines = [
            f"<h3>{escape(row.source)} session {escape(row.session_id)}</h3>",
            f"<p>Project <b>{escape(project) or '—'}</b> on branch <b>{escape(branch) or '—'}</b><br>",
            f"{when(row.first_ms, self.model.zone)} → {when(row.last_ms, self.model.zone)} "
            f"({_duration(row)[0]}), {row.totals.events:,} requests</p>",
            "<table cellpadding=4><tr><th align=left>Model</th><th>Input</th><th>Output</th>"
            "<th>Cache write</th><th>Cache read</th><th>Total</th><th>Cost</th></tr>",
        ]
        for name, t in sorted(row.models.items()):
            lines.append(
                f"<tr><td>{escape(name)}</td><td align=right>{tokens(t.input_tokens)}</td>"
                f"<td align=right>{tokens(t.output_tokens)}</td><td align=right>{tokens(t.cache_creation_tokens)}</td>"
                f"<td align=right>{tokens(t.cache_read_tokens)}</td><td align=right>{tokens(t.total_tokens)}</td>"
                f"<td align=right>{money(t.cost_usd)}{'*' if t.unpriced_tokens else ''}</td></tr>"
            )
        lines.append("</table>")
        if row.totals.reasoning_tokens:
            lines.append(f"<p>Reasoning (part of output): {tokens(row.totals.reasoning_tokens)}</p>")
        self.detail.setHtml("".join(lines))
