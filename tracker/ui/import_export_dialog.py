"""File ▸ Import usage export… and the window as a drop target for export files.

The import runs on the app's single writer thread (``ImportThread.write``); this object only
picks files, hands them over and shows what ``import_files`` said about each one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from tracker.ui.usage_mapping_dialog import UsageMappingDialog

from tracker.services.context import Context
from tracker.services.export_import import FilesImport, UsageMapping, import_files
from tracker.services.importer import ImportSummary, SourceImport
from tracker.store.store import Store
from tracker.ui.i18n import tr

log = logging.getLogger(__name__)

FILE_FILTER = "Usage exports and bundles (*.csv *.zip *.json *.jsonl *.twbundle);;All files (*)"
MAPPABLE_BYTES = 64 << 20  # a file opened in the mapping dialog is read whole, on this thread


def run_export_import(ctx: Context, paths: list[Path], mapping: UsageMapping | None = None) -> Any:
    """What the writer thread runs: the import lock (a CLI import may be running), then the files."""

    def change(store: Store) -> FilesImport:
        with ctx.import_lock(), store.guard():
            return import_files(store, paths, mapping=mapping)

    return change


def mappable(result: FilesImport) -> list[Path]:
    """Text files no format knew: a field mapping may read them."""
    return [Path(f.path) for f in result.files if f.unrecognised and f.error and "the header is" in f.error]


def summary_text(result: FilesImport) -> tuple[str, str]:
    """The box's headline and its details (one paragraph per file)."""
    ok = [f for f in result.files if not f.error]
    head = tr("Imported {ok} of {n} file(s).").format(ok=len(ok), n=len(result.files))
    if result.unrecognised:
        head += tr(" {n} not a format Tokenworth knows.").format(n=result.unrecognised)
    elif result.skipped:
        head += tr(" Some rows were skipped (listed below).")
    return head, "\n\n".join(f.message for f in result.files)


class ExportImports(QObject):
    """Owns the menu entry's dialog, the drop target and the result box of one window."""

    imported = Signal(object)  # FilesImport, once shown (tests wait on it)

    def __init__(self, window: Any, ctx: Context, importer: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.importer = importer
        self.box: QMessageBox | None = None
        self.mapping_dialog: QWidget | None = None
        self.last: FilesImport | None = None
        importer.worker.written.connect(self._written)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.window, tr("Import usage export"), str(self.ctx.home), FILE_FILTER)
        if names:
            self.start([Path(n) for n in names])

    def start(self, paths: list[Path]) -> None:
        self.window.status.setText(tr("Importing {n} export file(s)…").format(n=len(paths)))
        self.importer.write.emit(run_export_import(self.ctx, paths))

    @Slot(object)
    def _written(self, result: object) -> None:
        if not isinstance(result, FilesImport):
            return
        self.last = result
        head, details = summary_text(result)
        self.window.status.setText(head)
        if result.changed:  # the pages showing those days and sources redraw
            touched = ImportSummary(
                sources={s: SourceImport(s, files_read=1) for s in result.sources_touched},
                days_touched=result.days_touched,
                sources_touched=result.sources_touched,
            )
            self.window.refresh_current(changes=touched)
        box = QMessageBox(self.window)
        box.setWindowTitle(tr("Import usage export"))
        box.setIcon(QMessageBox.Icon.Warning if result.unrecognised or result.skipped else QMessageBox.Icon.Information)
        box.setText(head)
        box.setInformativeText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        candidates = mappable(result)
        if candidates:
            button = box.addButton(tr("Map its fields…"), QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: self.map_fields(candidates[0]))
        self.box = box
        box.open()  # not modal to the app: the window behind keeps drawing
        self.imported.emit(result)

    def map_fields(self, path: Path) -> UsageMappingDialog | None:
        """The field-mapping dialog for ``path``; on OK its rows are imported through it."""
        from tracker.sources.exports.mapped import saved_mapping
        from tracker.sources.registry import SOURCES
        from tracker.ui.usage_mapping_dialog import UsageMappingDialog

        try:
            if path.stat().st_size > MAPPABLE_BYTES:
                self.window.status.setText(
                    tr("{name} is too big to preview; use 'tokenworth import --mapping'").format(name=path.name)
                )
                return None
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            self.window.status.setText(f"{path.name}: {exc.strerror or exc}")
            return None
        dialog = UsageMappingDialog(path, text, self.ctx.settings, frozenset(SOURCES), self.window)

        def accepted() -> None:
            fields, source, flags = saved_mapping(dialog.saved_form(), frozenset(SOURCES))
            mapping = UsageMapping(dialog.name.text().strip() or tr("this file"), fields, source, flags)
            self.window.status.setText(tr("Importing {name} as {source} usage…").format(name=path.name, source=source))
            self.importer.write.emit(run_export_import(self.ctx, [path], mapping))

        dialog.accepted.connect(accepted)
        self.mapping_dialog = dialog
        dialog.open()
        return dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if watched is self.window and event.type() == QEvent.Type.DragEnter:
            drag: QDragEnterEvent = event  # type: ignore[assignment] # the type says which event it is
            if _local_files(drag):
                drag.acceptProposedAction()
                return True
        if watched is self.window and event.type() == QEvent.Type.Drop:
            drop: QDropEvent = event  # type: ignore[assignment] # the type says which event it is
            paths = _local_files(drop)
            if paths:
                drop.acceptProposedAction()
                self.start(paths)
                return True
        return super().eventFilter(watched, event)


def _local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


__all__ = ["ExportImports", "QWidget", "run_export_import", "summary_text"]
