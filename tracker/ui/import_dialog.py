"""Importing tasks from a tracker export; any other CSV through a column mapping with a
live preview, remembered by name for next time."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.core.settings_schema import CSV_MAPPINGS
from tracker.core.tasks import MAPPABLE
from tracker.store.settings_file import SettingsFile
from tracker.ui.i18n import tr
from tracker.work.trackers import parse_csv, read_text

NONE = "—"
PREVIEW_ROWS = 12


class CsvMappingDialog(QDialog):
    def __init__(self, path: Path, settings: SettingsFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Import tasks from {name}").format(name=path.name))
        self.text = read_text(path)
        self.settings = settings
        header = next(csv.reader(io.StringIO(self.text)), [])
        self.columns = [h.strip() for h in header]
        self.saved = QComboBox()
        self.saved.addItem("")
        saved = settings.value(CSV_MAPPINGS)
        self.saved.addItems(sorted(saved))
        self.saved.currentTextChanged.connect(self._load)
        self.fields: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(tr("Saved mapping"), self.saved)
        for name in MAPPABLE:
            combo = QComboBox()
            combo.addItems([NONE, *self.columns])
            guess = next((c for c in self.columns if c.lower().replace(" ", "_") in (name, name.split("_")[0])), None)
            if guess:
                combo.setCurrentText(guess)
            combo.currentTextChanged.connect(self.update_preview)
            combo.setAccessibleName(tr("Column for {field}").format(field=name))
            self.fields[name] = combo
            form.addRow(tr(name.replace("_", " ").capitalize()), combo)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("Name to remember this mapping by (optional)"))
        form.addRow(tr("Remember as"), self.name)
        self.preview = QTableWidget(0, 4)
        self.preview.setHorizontalHeaderLabels([tr("Title"), tr("Status"), tr("Completed"), tr("Id")])
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>{}</b>".format(tr("Preview"))))
        layout.addWidget(self.preview)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(760, 640)
        self.update_preview()

    def mapping(self) -> dict[str, str]:
        return {f: c.currentText() for f, c in self.fields.items() if c.currentText() != NONE}

    def _load(self, name: str) -> None:
        mapping = self.settings.value(CSV_MAPPINGS).get(name)
        if not mapping:
            return
        for field, combo in self.fields.items():
            combo.setCurrentText(mapping.get(field, NONE))

    def update_preview(self) -> None:
        result = parse_csv(self.text, "csv", self.mapping(), int(time.time() * 1000))
        rows = result.tasks[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        for i, t in enumerate(rows):
            done = datetime.fromtimestamp(t.completed_ms / 1000, UTC).strftime("%Y-%m-%d") if t.completed_ms else ""
            for j, value in enumerate((t.title, tr("done") if t.done else tr("open"), done, t.external_id)):
                self.preview.setItem(i, j, QTableWidgetItem(value))
        bad = result.bad_rows
        skipped = "; ".join(tr("row {n}: {reason}").format(n=n, reason=r) for n, r in bad[:5])
        self.problems.setText(
            tr("{n} tasks").format(n=len(result.tasks))
            + (tr("; {n} rows will be skipped: {rows}").format(n=len(bad), rows=skipped) if bad else "")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(result.tasks))

    def _accept(self) -> None:
        name = self.name.text().strip()
        if name:
            saved = self.settings.value(CSV_MAPPINGS)
            self.settings.put(CSV_MAPPINGS, {**saved, name: self.mapping()})
        self.accept()
