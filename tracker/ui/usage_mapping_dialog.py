"""Map the fields of a usage file Tokenworth has no reader for, with a live preview of what
would be stored; remembered by name (``sources.usage_mappings``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.core.settings_schema import USAGE_MAPPINGS
from tracker.sources.exports.mapped import FIELDS, FLAGS, MappingError, check_source, columns, read_mapped
from tracker.store.settings_file import SettingsFile
from tracker.ui.formatting import tokens
from tracker.ui.i18n import tr

NONE = "—"
LABELS = {
    "timestamp": "Time *",
    "cost_usd": "Cost (USD)",
    "request_id": "Request id",
    "cache_creation_tokens": "Cache writes",
}
PREVIEW_ROWS = 12
FLAG_LABELS = {
    "input_includes_cache": "Input counts include cached tokens (OpenAI-style APIs)",
    "reasoning_separate": "Reasoning is counted apart from output",
}
# A column whose name looks like the field is chosen for it to start with.
GUESSES = {
    "timestamp": ("timestamp", "time", "date", "created_at", "ts"),
    "model": ("model", "model_name"),
    "input_tokens": ("input_tokens", "prompt_tokens", "input"),
    "output_tokens": ("output_tokens", "completion_tokens", "output"),
    "cache_creation_tokens": ("cache_creation_tokens", "cache_write_tokens"),
    "cache_read_tokens": ("cache_read_tokens", "cached_tokens"),
    "reasoning_tokens": ("reasoning_tokens",),
    "session": ("session", "session_id", "conversation_id", "run_id"),
    "project": ("project", "repo", "workspace"),
    "cost_usd": ("cost", "cost_usd", "price"),
    "request_id": ("request_id", "id", "response_id"),
}


class UsageMappingDialog(QDialog):
    def __init__(
        self, path: Path, text: str, settings: SettingsFile, log_sources: frozenset[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Map the fields of {name}").format(name=path.name))
        self.path, self.text, self.settings, self.log_sources = path, text, settings, log_sources
        self.columns = columns(path, text)
        self.saved = QComboBox()
        self.saved.addItem("")
        self.saved.addItems(sorted(settings.value(USAGE_MAPPINGS).keys()))
        self.saved.currentTextChanged.connect(self._load)
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("the tool's id, e.g. acme-agent"))
        self.source.textChanged.connect(self.update_preview)
        form = QFormLayout()
        form.addRow(tr("Saved mapping"), self.saved)
        form.addRow(tr("Tool (source id)"), self.source)
        self.fields: dict[str, QComboBox] = {}
        lower = {c.lower().rsplit(".", 1)[-1]: c for c in self.columns}
        for name in FIELDS:
            combo = QComboBox()
            combo.addItems([NONE, *self.columns])
            guess = next((lower[g] for g in GUESSES.get(name, ()) if g in lower), None)
            if guess:
                combo.setCurrentText(guess)
            combo.currentTextChanged.connect(self.update_preview)
            combo.setAccessibleName(tr("Column for {field}").format(field=name))
            self.fields[name] = combo
            form.addRow(tr(LABELS.get(name, name.replace("_", " ").capitalize())), combo)
        self.flags = {f: QCheckBox(tr(FLAG_LABELS[f])) for f in FLAGS}
        for box in self.flags.values():
            box.toggled.connect(self.update_preview)
            form.addRow("", box)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("Name to remember this mapping by (optional)"))
        form.addRow(tr("Remember as"), self.name)
        heads = ["Time", "Model", "Input", "Output", "Cache writes", "Cache reads", "Total"]
        self.preview = QTableWidget(0, len(heads))
        self.preview.setHorizontalHeaderLabels([tr(h) for h in heads])
        self.preview.verticalHeader().hide()
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("<b>Preview</b> (what would be stored; no text is kept)")))
        layout.addWidget(self.preview)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(820, 760)
        self.update_preview()

    def mapping(self) -> dict[str, str]:
        return {f: c.currentText() for f, c in self.fields.items() if c.currentText() != NONE}

    def chosen_flags(self) -> frozenset[str]:
        return frozenset(f for f, box in self.flags.items() if box.isChecked())

    def saved_form(self) -> dict[str, str]:
        """The mapping as the setting keeps it."""
        out = {**self.mapping(), "source": self.source.text().strip()}
        if self.chosen_flags():
            out["flags"] = ",".join(sorted(self.chosen_flags()))
        return out

    def _load(self, name: str) -> None:
        saved = self.settings.value(USAGE_MAPPINGS).get(name)
        if not saved:
            return
        self.source.setText(saved.get("source", ""))
        for field, combo in self.fields.items():
            combo.setCurrentText(saved.get(field, NONE))
        chosen = {f.strip() for f in saved.get("flags", "").split(",")}
        for f, box in self.flags.items():
            box.setChecked(f in chosen)

    def update_preview(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            source = check_source(self.source.text().strip(), self.log_sources)
        except MappingError as exc:
            self.problems.setText(str(exc) if self.source.text().strip() else tr("Name the tool this usage is from."))
            self.preview.setRowCount(0)
            ok.setEnabled(False)
            return
        read = read_mapped(self.path, self.mapping(), source, self.chosen_flags(), text=self.text)
        rows = read.events[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        for i, e in enumerate(rows):
            when = datetime.fromtimestamp(e.ts_ms / 1000).strftime("%Y-%m-%d %H:%M")
            values = (
                when,
                e.model,
                *(
                    tokens(n)
                    for n in (
                        e.input_tokens,
                        e.output_tokens,
                        e.cache_creation_tokens,
                        e.cache_read_tokens,
                        e.total_tokens,
                    )
                ),
            )
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j >= 2:  # numbers line up on the right
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.preview.setItem(i, j, item)
        if read.error:
            text = read.error
        else:
            text = tr("{n} requests").format(n=f"{len(read.events):,}")
            if read.skipped_count:
                shown = "; ".join(
                    tr("row {n}: {reason}").format(n=s.line_no, reason=s.reason) for s in read.skipped[:5]
                )
                text += tr("; {n} rows will be skipped: {rows}").format(n=read.skipped_count, rows=shown)
        self.problems.setText(text)
        ok.setEnabled(bool(read.events))

    def _accept(self) -> None:
        name = self.name.text().strip()
        if name:
            saved = self.settings.value(USAGE_MAPPINGS)
            self.settings.put(USAGE_MAPPINGS, {**saved, name: self.saved_form()})
        self.accept()
