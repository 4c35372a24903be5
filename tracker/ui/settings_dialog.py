"""The settings dialog, built from the declarations: one tab per group, one editor per widget kind.

Each editor shows the type's text form (``to_str``) and hands text back, which the setting's
type parses on save; so the dialog checks values exactly as ``tokenworth config set`` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker.core.errors import SettingError, TokenworthError
from tracker.core.setting_types import Int, Widget
from tracker.core.settings_schema import GROUPS, Setting
from tracker.store.settings_file import SettingsFile
from tracker.ui.dashboard_page import STORED_NOTE
from tracker.ui.i18n import tr


class Editor:
    """A widget for one setting and the way to read its text back."""

    def __init__(self, widget: QWidget, text: Callable[[], str]) -> None:
        self.widget = widget
        self.text = text


def _check(s: Setting[Any], shown: str) -> Editor:
    box = QCheckBox()
    box.setChecked(s.parse(shown))
    return Editor(box, lambda: "true" if box.isChecked() else "false")


def _number(s: Setting[Any], shown: str) -> Editor:
    spin = QSpinBox()
    assert isinstance(s.type, Int)  # only bounded whole numbers get a spin box
    spin.setRange(s.type.min, s.type.max)
    spin.setGroupSeparatorShown(True)
    spin.setValue(int(shown))
    return Editor(spin, lambda: str(spin.value()))


def _line(s: Setting[Any], shown: str) -> Editor:
    line = QLineEdit(shown)
    line.setPlaceholderText(s.type.describe())
    return Editor(line, line.text)


def _zone(s: Setting[Any], shown: str) -> Editor:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItem("")  # the system's zone
    combo.addItems(sorted(available_timezones()))
    combo.setCurrentText(shown)
    return Editor(combo, lambda: combo.currentText().strip())


def _folders(s: Setting[Any], shown: str) -> Editor:
    row = QWidget()
    line = QLineEdit(shown)
    pick = QPushButton(tr("Add folder…"))

    def add_folder() -> None:
        folder = QFileDialog.getExistingDirectory(row, tr("Choose a folder"))
        if folder:
            line.setText(", ".join(p for p in [*line.text().split(","), folder] if p.strip()))

    pick.clicked.connect(add_folder)
    h = QHBoxLayout(row)
    h.setContentsMargins(0, 0, 0, 0)
    h.addWidget(line)
    h.addWidget(pick)
    return Editor(row, line.text)


def _json(s: Setting[Any], shown: str) -> Editor:
    value = json.loads(shown) if shown else {}
    text = QPlainTextEdit(json.dumps(value, indent=2, ensure_ascii=False) if value else "")
    text.setPlaceholderText(s.type.describe())
    text.setFixedHeight(90)
    return Editor(text, lambda: text.toPlainText().strip() or "{}")


EDITORS: dict[Widget, Callable[[Setting[Any], str], Editor]] = {
    Widget.CHECK: _check,
    Widget.NUMBER: _number,
    Widget.LINE: _line,
    Widget.ZONE: _zone,
    Widget.FOLDERS: _folders,
    Widget.JSON: _json,
}


class SettingsDialog(QDialog):
    """One editor per declared setting; values are validated by their types on save."""

    def __init__(
        self, settings: SettingsFile, data_dir: str, parent: QWidget | None = None,
        extra_tabs: Sequence[tuple[QWidget, str]] = (),  # tabs not built from declarations (Keys)
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(tr("Tokenworth settings"))
        self.settings = settings
        self.editors: dict[str, tuple[Setting[Any], QWidget]] = {}
        self._texts: dict[str, Callable[[], str]] = {}
        self._data_dir = data_dir
        self.tabs = QTabWidget()
        for group, members in groupby(settings.declarations, key=lambda s: s.group):
            self.tabs.addTab(self._page(list(members)), tr(GROUPS.get(group, group)))
        for widget, title in extra_tabs:
            self.tabs.addTab(widget, title)
        self.error = QLabel("\n".join(settings.problems))
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        about = QLabel(tr("Data folder: {folder}").format(folder=data_dir) + f"\n{tr(STORED_NOTE)}")
        about.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(about)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def _page(self, members: list[Setting[Any]]) -> QWidget:
        form = QFormLayout()
        for setting in members:
            make = EDITORS[setting.type.editor_widget()]
            editor = make(setting, setting.show(self.settings.value(setting)))
            editor.widget.setToolTip(tr(setting.help))
            editor.widget.setAccessibleName(tr(setting.label))
            self.editors[setting.name] = (setting, editor.widget)
            self._texts[setting.name] = editor.text
            label = QLabel(tr(setting.label))
            label.setToolTip(tr(setting.help))
            form.addRow(label, editor.widget)
        if members and members[0].group == "otlp":  # what to set in each tool, beside the switch
            from tracker.ui.otlp_settings import OtlpSetupText

            form.addRow(OtlpSetupText(self.settings, Path(self._data_dir)))
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def text_of(self, name: str) -> str:
        """What the editor of ``name`` holds, as the text the CLI would take."""
        return self._texts[name]()

    def save(self) -> None:
        try:
            values = {name: s.parse(self.text_of(name)) for name, (s, _) in self.editors.items()}
        except SettingError as exc:
            self.error.setText(str(exc))
            return
        try:
            for name, (s, _) in self.editors.items():
                if values[name] != self.settings.value(s):
                    self.settings.put(s, values[name])
        except TokenworthError as exc:  # a damaged or newer settings file is not written over
            self.error.setText(str(exc))
            return
        self.accept()
