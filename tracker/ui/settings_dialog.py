"""The settings dialog, built from the one settings schema."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tracker.core.errors import SettingError
from tracker.core.settings_schema import SETTINGS, Setting
from tracker.store.settings_file import SettingsFile
from tracker.ui.dashboard_page import STORED_NOTE


class SettingsDialog(QDialog):
    """One editor per declared setting; values are validated by the schema on save."""

    def __init__(self, settings: SettingsFile, data_dir: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tokenworth settings")
        self.settings = settings
        self.editors: dict[str, tuple[Setting, QWidget]] = {}
        form = QFormLayout()
        for setting in SETTINGS:
            editor = self._editor(setting, settings.get(setting.name))
            editor.setToolTip(setting.help)
            editor.setAccessibleName(setting.label)
            self.editors[setting.name] = (setting, editor)
            label = QLabel(setting.label)
            label.setToolTip(setting.help)
            form.addRow(label, editor)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        about = QLabel(f"Data folder: {data_dir}\n{STORED_NOTE}")
        about.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(about)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def _editor(self, s: Setting, value: Any) -> QWidget:
        if s.kind == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if s.kind == "int":
            spin = QSpinBox()
            spin.setRange(0, 2_000_000_000)
            spin.setGroupSeparatorShown(True)
            spin.setValue(int(value))
            return spin
        if s.kind == "timezone":
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItem("")  # the system's zone
            combo.addItems(sorted(available_timezones()))
            combo.setCurrentText(str(value))
            return combo
        if s.kind == "paths":
            row = QWidget()
            line = QLineEdit(", ".join(value))
            pick = QPushButton("Add folder…")
            pick.clicked.connect(lambda: self._add_folder(line))
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(line)
            h.addWidget(pick)
            row.setProperty("line", line)
            return row
        if s.kind == "list":
            return QLineEdit(", ".join(value))
        if s.kind in ("price_overrides", "mappings"):
            text = QPlainTextEdit(json.dumps(value, indent=2) if value else "")
            if s.kind == "price_overrides":
                text.setPlaceholderText('{"claude-sonnet-4-5": {"input": 2.4, "output": 12}}')
            text.setFixedHeight(90)
            return text
        return QLineEdit(str(value))

    def _add_folder(self, line: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with logs")
        if folder:
            line.setText(", ".join(p for p in [*line.text().split(","), folder] if p.strip()))

    def text_of(self, s: Setting, editor: QWidget) -> str:
        """What the editor holds, as the text the CLI would take."""
        if isinstance(editor, QCheckBox):
            return "true" if editor.isChecked() else "false"
        if isinstance(editor, QSpinBox):
            return str(editor.value())
        if isinstance(editor, QComboBox):
            return editor.currentText().strip()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText().strip() or "{}"
        line = editor.property("line") if s.kind == "paths" else editor
        assert isinstance(line, QLineEdit)
        return line.text()

    def save(self) -> None:
        try:
            values = {name: s.parse(self.text_of(s, e)) for name, (s, e) in self.editors.items()}
        except SettingError as exc:
            self.error.setText(str(exc))
            return
        for name, (s, e) in self.editors.items():
            if values[name] != self.settings.get(name):
                self.settings.set(name, self.text_of(s, e))
        self.accept()
