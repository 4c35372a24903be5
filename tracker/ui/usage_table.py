"""Sessions and projects as sortable, filterable tables over the store."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.usage_rollup import UsageRow
from tracker.services.context import Context
from tracker.services.device_scope import DeviceChoice
from tracker.services.drill_down import Drill, SessionKey, drilled_sessions, project_drill, session_tasks
from tracker.services.usage import UsageQuery, UsageReport, build_usage_report
from tracker.store.store import Store
from tracker.ui.device_filter import ALL, on_device
from tracker.ui.formatting import money, plural, short_model, tokens, tool_name
from tracker.ui.i18n import tr
from tracker.ui.read_worker import InlineReads, Reads, ReadSide
from tracker.ui.table_export import EXPORT_ROLE, TableActions, arrows_follow_rows

SORT_ROLE = Qt.ItemDataRole.UserRole
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2  # what the filter box matches: full model ids too
TOKEN_KINDS = ("Input", "Output", "Cache write", "Cache read")
# Numbers first: what you spent is one glance away; the long model list comes last.
COLUMNS = {
    "session": [
        "Start",
        "Tool",
        "Project",
        "Branch",
        "Total tokens",
        "Cost",
        "Duration",
        "Task",
        *TOKEN_KINDS,
        "Models",
    ],
    "project": ["Project", "Sessions", "Total tokens", "Cost", *TOKEN_KINDS, "Models"],
}
# Widths a first look needs (the user's own widths are remembered over these).
WIDTHS = {"Project": 220, "Branch": 140, "Models": 200, "Start": 130, "Task": 180}
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
        self.headers = list(COLUMNS[kind])
        self.sessions_per_project: dict[str, int] = {}
        self.tasks: dict[SessionKey, list[tuple[int, str]]] = {}  # each session's linked tasks

    def set_report(
        self, report: UsageReport, sessions_per_project: dict[str, int] | None = None,
        tasks: dict[SessionKey, list[tuple[int, str]]] | None = None,
    ) -> None:  # fmt: skip
        self.beginResetModel()
        self.report = report
        self.rows = report.rows
        self.zone = ZoneInfo(report.query.timezone)
        self.sessions_per_project = sessions_per_project or {}
        self.tasks = tasks or {}
        self.endResetModel()

    def tasks_of(self, row: UsageRow) -> list[tuple[int, str]]:
        return self.tasks.get((row.source, row.session_id), [])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self.headers[section])  # the source text stays the column's key
        if role == Qt.ItemDataRole.TextAlignmentRole and self.is_number(section):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def is_number(self, column: int) -> bool:
        return self.headers[column] in ("Sessions", "Total tokens", "Cost", "Duration", *TOKEN_KINDS)

    def info(self, row: UsageRow) -> tuple[str, str]:
        """(project, branch) of a session row."""
        if self.report is None:
            return "", ""
        return self.report.session_info.get((row.source, row.session_id), ("", ""))

    def cell(self, row: UsageRow, column: int) -> tuple[str, Any]:
        """(display text, sort key) of one cell."""
        t = row.totals
        name = self.headers[column]
        counts = dict(zip(TOKEN_KINDS, (t.input_tokens, t.output_tokens, t.cache_creation_tokens,
                                        t.cache_read_tokens), strict=True))  # fmt: skip
        if name in counts:
            return tokens(counts[name]), counts[name]
        if name == "Total tokens":
            return tokens(t.total_tokens), t.total_tokens
        if name == "Cost":
            return money(t.cost_usd) + ("*" if t.unpriced_tokens else ""), float(t.cost_usd)
        if name == "Models":
            return models_text(row), ", ".join(by_size(row))
        if name == "Project":
            project = row.period if self.kind == "project" else self.info(row)[0]
            return project, project
        if name == "Sessions":
            count = self.sessions_per_project.get(row.period, 0)
            return f"{count:,}", count
        if name == "Task":  # the linked task (Enter opens it); "+1" when the session served more
            linked = self.tasks_of(row)
            text = linked[0][1] + (f" +{len(linked) - 1}" if len(linked) > 1 else "") if linked else ""
            return text, text.lower()
        if name == "Branch":
            return self.info(row)[1], self.info(row)[1]
        if name == "Start":
            return when(row.first_ms, self.zone), row.first_ms or 0
        if name == "Duration":
            text, seconds = _duration(row)
            return text, seconds
        return tool_name(row.source), row.source  # Tool: "Claude Code" (the id in its tooltip)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        name = self.headers[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and name == "Models":
            return models_tooltip(row)
        if role == Qt.ItemDataRole.ToolTipRole and name == "Project" and self.kind == "session":
            return self.info(row)[0] or None  # the full path when the column is narrow
        if role == Qt.ItemDataRole.ToolTipRole and name == "Tool":
            return row.source
        if role == Qt.ItemDataRole.ToolTipRole and name == "Task":
            return "\n".join(title for _, title in self.tasks_of(row)) or tr("Not linked to a task")
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE, EXPORT_ROLE, FILTER_ROLE,
                        Qt.ItemDataRole.TextAlignmentRole):  # fmt: skip
            return None
        text, key = self.cell(row, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == SORT_ROLE:
            return key
        if role == EXPORT_ROLE:
            return export_value(row, name, text, key)
        if role == FILTER_ROLE:
            return f"{text} {key}" if name in ("Models", "Tool") else text
        if self.is_number(index.column()):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def by_size(row: UsageRow) -> list[str]:
    """The row's models, the most used first."""
    return [m for m, _ in sorted(row.models.items(), key=lambda kv: (-kv[1].total_tokens, kv[0]))]


def models_text(row: UsageRow) -> str:
    """``Sonnet 4.5 +2``: the biggest model by name, and how many more."""
    names = by_size(row)
    if not names:
        return ""
    return short_model(names[0]) + (f" +{len(names) - 1}" if len(names) > 1 else "")


def models_tooltip(row: UsageRow) -> str:
    line = tr("{model}: {tokens} tokens, {cost}")
    models = row.models
    return "\n".join(
        line.format(model=m, tokens=tokens(models[m].total_tokens), cost=money(models[m].cost_usd))
        for m in by_size(row)
    )


def export_value(row: UsageRow, name: str, text: str, key: Any) -> str:
    """Plain values for copies: ``1234``, ``12.35``, every model id, the tool's id."""
    if name == "Cost":
        return money(row.totals.cost_usd).replace("$", "").replace(",", "")
    if name == "Models":
        return ", ".join(by_size(row))
    if name == "Tool":
        return row.source  # the id, as the CLI's --source and the JSON say it
    if isinstance(key, int) and name not in ("Start", "Duration"):
        return str(key)
    return text


Loaded = tuple[UsageReport, dict[str, int], dict[SessionKey, list[tuple[int, str]]]]


def load_table(store: Store, query: UsageQuery, overrides: Any, drill: Drill | None = None) -> Loaded:
    """A table's report (narrowed to ``drill``) and, for projects, the sessions per project;
    for sessions, each one's linked tasks (on the read thread)."""
    if drill is not None and query.period == "session":
        report = drilled_sessions(store, drill, query.timezone, overrides)
    else:
        report = build_usage_report(store, query, overrides)
    counts: dict[str, int] = {}
    if query.period == "session":
        return report, counts, session_tasks(store, [(r.source, r.session_id) for r in report.rows])
    if query.period == "project":
        every = UsageQuery("session", query.timezone, query.since, query.until, device=query.device)
        sessions = build_usage_report(store, every, {})
        for r in sessions.rows:
            project = sessions.session_info.get((r.source, r.session_id), ("", ""))[0]
            counts[project] = counts.get(project, 0) + 1
    return report, counts, {}


class UsageTablePage(QWidget):
    """A filter box, the totals of what it shows, the table and, for sessions, a detail pane."""

    loaded = Signal()  # the rows read are on screen
    open_task = Signal(int)  # a session's "Open task": its (biggest) linked task
    drill_requested = Signal(object)  # a project row opened: its sessions (a ``Drill``)

    def __init__(
        self, ctx: Context, read: Callable[[], Store], kind: str, state: QSettings | None = None,
        reads: Reads | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.ctx, self.read, self.kind = ctx, read, kind
        self.reads: Reads = reads or InlineReads(ReadSide(read))
        self.loads = 0  # reads asked for (tests: a task write must not reload the tables)
        # The window's UI state file: column widths and order survive a restart.
        self.state = state or QSettings(str(ctx.paths.root / "window.ini"), QSettings.Format.IniFormat)
        self.model = UsageTableModel(kind)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterRole(FILTER_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("Filter by tool, project, branch or model…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        # Newest sessions first; biggest projects first.
        self.table.sortByColumn(self.model.headers.index("Start" if kind == "session" else "Total tokens"),
                                Qt.SortOrder.DescendingOrder)  # fmt: skip
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.arrows = arrows_follow_rows(self.table)
        self.copying = TableActions(self.table, f"tokenworth-{kind}s")
        self._sized = self._restore_header()
        header.sectionResized.connect(self._save_header)
        header.sectionMoved.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)
        self.summary = QLabel()
        self.drilled: Drill | None = None  # what a click elsewhere narrowed the rows to
        self.chip = QPushButton()  # "Day: 2026-11-30  ✕": what narrows the rows; a click removes it
        self.chip.setObjectName("filterChip")
        self.chip.setVisible(False)
        self.chip.clicked.connect(self.clear_drill)
        self.table.activated.connect(self.activate)  # Enter or a double-click
        first = self.copying.menu.actions()[0]
        self.open_action = QAction(tr("Open task") if kind == "session" else tr("Show its sessions"), self.table)
        self.open_action.triggered.connect(lambda: self.activate(self.table.currentIndex()))
        self.copying.menu.insertAction(first, self.open_action)
        self.copying.menu.insertSeparator(first)
        self.table.customContextMenuRequested.connect(self._menu_shown)
        self.detail = QTextBrowser()
        self.detail.setVisible(kind == "session")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        line = QHBoxLayout()
        line.addWidget(self.chip)
        line.addWidget(self.summary, 1)
        layout.addLayout(line)
        layout.addWidget(split)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.range: tuple[Any, Any] = (None, None)
        self.device_scope: DeviceChoice = ALL  # whose sessions: the dashboard's Device choice

    # ---- column state --------------------------------------------------------------------
    def _state_key(self) -> str:
        return f"tables/{self.kind}/header"

    def _restore_header(self) -> bool:
        saved = self.state.value(self._state_key())
        if not isinstance(saved, QByteArray | bytes):
            return False
        return self.table.horizontalHeader().restoreState(QByteArray(saved))

    def _save_header(self, *_args: object) -> None:
        if self._sized:  # not the widths of an empty table before its first load
            self.state.setValue(self._state_key(), self.table.horizontalHeader().saveState())

    def _first_widths(self) -> None:
        """Fit the columns to the first rows, then keep the text columns within bounds."""
        self.table.resizeColumnsToContents()
        for name, width in WIDTHS.items():
            if name in self.model.headers:
                column = self.model.headers.index(name)
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), width))
        self._sized = True
        self._save_header()

    # ---- data ----------------------------------------------------------------------------
    def refresh(self, since: Any, until: Any, scope: DeviceChoice | None = None) -> None:
        """Load the period's rows (of ``scope``'s device) on the read thread; draw them when
        they come back. Another period or device drops the drill-down (it was a part of the one shown)."""
        scope = scope or self.device_scope
        if (since, until) != self.range or scope != self.device_scope:
            self.drilled = None
        self.range, self.device_scope = (since, until), scope
        self._load()

    def drill(self, drill: Drill, period: tuple[Any, Any] | None = None) -> None:
        """Show only the sessions ``drill`` covers (``period``: the dashboard's, kept for later)."""
        if period is not None:
            self.range = period
        self.drilled = drill
        self._load()

    def clear_drill(self) -> None:
        self.drilled = None
        self._load()

    def _load(self) -> None:
        since, until = self.range
        device = self.device_scope.device
        drill = replace(self.drilled, device=device) if self.drilled else None
        label = self.chip_label()
        self.chip.setText(f"{label}  ✕" if drill else "")
        self.chip.setToolTip(tr("Show every session of the period again") if drill else "")
        self.chip.setAccessibleName(tr("Remove the filter {label}").format(label=label) if drill else "")
        self.chip.setVisible(drill is not None)
        # An export of one device's rows says whose in its default file name.
        self.copying.name = f"tokenworth-{self.kind}s" + (
            "" if device is None else "-" + re.sub(r"[^\w.-]+", "-", self.device_scope.name).strip("-")
        )
        query = UsageQuery(self.kind, self.ctx.timezone(), since, until, device=device)  # type: ignore[arg-type]
        overrides = self.ctx.price_overrides()
        self.loads += 1
        self.summary.setText(tr("Loading…"))
        self.reads.run_read(f"{self.kind}s", lambda side: load_table(side.store, query, overrides, drill), self._show,
                            self.summary.setText)  # fmt: skip

    def chip_label(self) -> str:
        """The drill-down's chip: what was clicked, and on which device ("Day: 2026-11-30 · laptop")."""
        if self.drilled is None:
            return ""
        if self.device_scope.device is None:
            return self.drilled.label
        return f"{self.drilled.label} · {self.device_scope.name}"

    def _show(self, got: Loaded) -> None:
        report, counts, tasks = got
        self.model.set_report(report, counts, tasks)
        if not self._sized and report.rows:
            self._first_widths()
        self.update_summary()
        self.detail.setHtml("<p>{}</p>".format(tr("Select a session to see its models and token kinds.")))
        self.loaded.emit()

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.update_summary()

    def update_summary(self) -> None:
        """``12 of 381 sessions match · 1,234 tokens · $1.00`` for what the filter leaves."""
        since, until = self.range
        noun = tr("session") if self.kind == "session" else tr("project")
        total = len(self.model.rows)
        if not total:
            where = (
                tr("for {label}").format(label=self.chip_label())
                if self.drilled
                else tr("from {since} to {until}").format(since=since, until=until) + on_device(self.device_scope)
            )
            empty = tr("No sessions {where}.") if self.kind == "session" else tr("No projects {where}.")
            self.summary.setText(empty.format(where=where))
            return
        shown = [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                 for r in range(self.proxy.rowCount())]  # fmt: skip
        n_tokens = sum(r.totals.total_tokens for r in shown)
        cost = sum((r.totals.cost_usd for r in shown), Decimal(0))
        if self.filter.text() and len(shown) != total:
            head = tr("{shown} of {total} match").format(shown=f"{len(shown):,}", total=plural(total, noun))
        elif self.drilled is not None:
            head = plural(total, noun)
        else:
            head = tr("{total} from {since} to {until}").format(total=plural(total, noun), since=since, until=until)
            head += on_device(self.device_scope)
        self.summary.setText(
            tr("{head} · {tokens} tokens · {cost}").format(head=head, tokens=tokens(n_tokens), cost=money(cost))
        )

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.kind != "session" or not current.isValid():
            return
        row = self.model.rows[self.proxy.mapToSource(current).row()]
        project, branch = ("", "")
        if self.model.report is not None:
            project, branch = self.model.report.session_info.get((row.source, row.session_id), ("", ""))
        lines = [
            "<h3>{}</h3>".format(
                tr("{tool} session {id}").format(tool=escape(tool_name(row.source)), id=escape(row.session_id))
            ),
            "<p>{}<br>".format(
                tr("Project <b>{project}</b> on branch <b>{branch}</b>").format(
                    project=escape(project) or "—", branch=escape(branch) or "—"
                )
            ),
            f"{task_line(self.model.tasks_of(row))}<br>",
            f"{when(row.first_ms, self.model.zone)} → {when(row.last_ms, self.model.zone)} "
            f"({_duration(row)[0]}), {plural(row.totals.events, tr('request'))}</p>",
            "<table cellpadding=4><tr><th align=left>{}</th>".format(tr("Model"))
            + "".join(f"<th>{tr(h)}</th>" for h in ("Input", "Output", "Cache write", "Cache read", "Total", "Cost"))
            + "</tr>",
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
            lines.append(
                "<p>{}</p>".format(tr("Reasoning (part of output): {n}").format(n=tokens(row.totals.reasoning_tokens)))
            )
        self.detail.setHtml("".join(lines))

    # ---- drill-down and "Open task" ------------------------------------------------------
    def row_at(self, index: QModelIndex | QPersistentModelIndex) -> UsageRow | None:
        if not index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(self.proxy.index(index.row(), 0)).row()]

    def activate(self, index: QModelIndex | QPersistentModelIndex) -> None:
        """Enter, a double-click or the menu: a session opens its task, a project its sessions."""
        row = self.row_at(index)
        if row is None:
            return
        if self.kind == "project":
            since, until = self.range
            self.drill_requested.emit(project_drill(row.period, since, until))
        elif tasks := self.model.tasks_of(row):
            self.open_task.emit(tasks[0][0])

    def _menu_shown(self, _at: object) -> None:
        row = self.row_at(self.table.currentIndex())
        linked = row is not None and (self.kind == "project" or bool(self.model.tasks_of(row)))
        self.open_action.setEnabled(linked)
        if self.kind == "session":
            self.open_action.setText(tr("Open task") if linked or row is None else tr("Open task (not linked)"))


def task_line(tasks: list[tuple[int, str]]) -> str:
    """The detail pane's task line: what the session served, or that it is not linked."""
    if not tasks:
        return tr("Task: <i>not linked</i>")
    more = tr(" (and {n} more)").format(n=len(tasks) - 1) if len(tasks) > 1 else ""
    return tr("Task: <b>{title}</b>{more} — Enter or double-click opens it").format(
        title=escape(tasks[0][1]), more=more
    )
