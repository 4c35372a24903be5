"""Copy and export for every table: Copy rows, Copy as CSV/Markdown and Export…, from a
right-click menu; and sort arrows that point the way the rows run."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QMenu,
    QMessageBox,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

from tracker.core.atomic_write import write_text
from tracker.core.errors import OutputError
from tracker.reports.escaping import csv_cell, md_text
from tracker.ui.i18n import tr

EXPORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the plain value for copies: 1234, not "1,234"

Table = tuple[list[str], list[list[str]]]


def as_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(headers)
    w.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def as_tsv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Tab-separated, as spreadsheets paste it; tabs and newlines inside cells become spaces."""

    def clean(v: Any) -> str:
        return " ".join(str(v).split())

    return "".join("\t".join(clean(v) for v in line) + "\n" for line in [list(headers), *rows])


def as_markdown(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[bool] = ()) -> str:
    def line(cells: Sequence[Any]) -> str:
        return "| " + " | ".join(md_text(str(c)) for c in cells) + " |"

    align = ["---:" if i < len(right) and right[i] else "---" for i in range(len(headers))]
    return "\n".join([line(headers), "| " + " | ".join(align) + " |", *(line(r) for r in rows)]) + "\n"


def table_of(view: QTableView, only_selected: bool) -> tuple[list[str], list[list[str]], list[bool]]:
    """The view's visible columns in their shown order, its rows in their sorted order."""
    model: QAbstractItemModel = view.model()
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not header.isSectionHidden(c)]
    rows = range(model.rowCount())
    if only_selected:
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()})  # type: ignore[assignment]
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.UserRole) or
                   model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]  # fmt: skip

    def value(r: int, c: int) -> str:
        index: QModelIndex = model.index(r, c)
        v = index.data(EXPORT_ROLE)
        return str(index.data() if v is None else v)

    right = [bool(model.index(0, c).data(Qt.ItemDataRole.TextAlignmentRole) or 0) for c in columns]
    return headers, [[value(r, c) for c in columns] for r in rows], right


class TableActions:
    """The right-click menu of ``view``; ``name`` is the export's default file name."""

    def __init__(self, view: QTableView, name: str, clipboard: Callable[[str], None] | None = None) -> None:
        self.view, self.name = view, name
        self.clipboard = clipboard or (lambda text: QGuiApplication.clipboard().setText(text))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_menu)
        self.menu = QMenu(view)
        self.actions: dict[str, QAction] = {}
        for text, slot in (
            ("Copy rows", self.copy_rows),
            ("Copy as CSV", self.copy_csv),
            ("Copy as Markdown", self.copy_markdown),
            ("Export…", self.export),
        ):
            action = self.menu.addAction(tr(text))  # the key stays the source text
            action.triggered.connect(slot)
            self.actions[text] = action
        copy = QAction(tr("Copy rows"), view)
        copy.setShortcut("Ctrl+C")
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_rows)
        view.addAction(copy)

    def show_menu(self, at: QPoint) -> None:
        selected = bool(self.view.selectionModel().selectedRows())
        self.actions["Copy rows"].setEnabled(selected)
        suffix = tr(" (selected rows)") if selected else ""
        for key in ("Copy as CSV", "Copy as Markdown"):
            self.actions[key].setText(tr(key) + suffix)
        self.menu.popup(self.view.viewport().mapToGlobal(at))

    def _table(self) -> tuple[list[str], list[list[str]], list[bool]]:
        return table_of(self.view, only_selected=bool(self.view.selectionModel().selectedRows()))

    def copy_rows(self) -> None:
        headers, rows, _ = table_of(self.view, only_selected=True)
        if rows:
            self.clipboard(as_tsv(headers, rows))

    def copy_csv(self) -> None:
        headers, rows, _ = self._table()
        self.clipboard(as_csv(headers, rows))

    def copy_markdown(self) -> None:
        headers, rows, right = self._table()
        self.clipboard(as_markdown(headers, rows, right))

    def export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self.view, tr("Export table"), str(Path.home() / f"{self.name}.csv"),
                                                   "CSV (*.csv);;Markdown (*.md)")  # fmt: skip
        if path:
            self.export_to(Path(path), markdown="Markdown" in chosen or path.endswith(".md"))

    def export_to(self, path: Path, markdown: bool = False) -> bool:
        """Every visible row (as filtered and sorted) to ``path``; says why when it cannot."""
        headers, rows, right = table_of(self.view, only_selected=False)
        text = as_markdown(headers, rows, right) if markdown else as_csv(headers, rows)
        try:
            write_text(path, text)
        except (OutputError, OSError) as e:
            QMessageBox.warning(
                self.view, tr("Export table"), tr("Could not write {path}: {reason}").format(path=path, reason=e)
            )
            return False
        return True


class SortArrowStyle(QProxyStyle):
    """Header arrows as people read them: ▼ when the biggest or newest row is on top.

    Qt draws descending order with an up arrow (an old convention of its own); every
    spreadsheet and file manager does the opposite.
    """

    def drawPrimitive(  # noqa: N802 - Qt
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            option.sortIndicator = arrow_for(option.sortIndicator)
        super().drawPrimitive(element, option, painter, widget)


def arrow_for(indicator: QStyleOptionHeader.SortIndicator) -> QStyleOptionHeader.SortIndicator:
    """Qt's indicator for a sort order, turned the way the rows run."""
    flip = {
        QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
        QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp,
    }
    return flip.get(indicator, indicator)


def arrows_follow_rows(view: QTableView) -> SortArrowStyle:
    style = SortArrowStyle(view.style().name())
    style.setParent(view)  # lives as long as the table
    view.horizontalHeader().setStyle(style)
    return style
