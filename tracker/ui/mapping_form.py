"""The shape the column-mapping dialogs share (usage files with no reader, task CSVs): a saved
mapping to start from, one column picker per field, "Remember as", a live preview table and a
line saying what would be read or skipped. Each dialog adds its own rows and fills the preview."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.core.settings_schema import Setting
from tracker.store.settings_file import SettingsFile
from tracker.ui.i18n import tr

NONE = "—"  # the picker's "no column"
PREVIEW_ROWS = 12
Saved = Mapping[str, Mapping[str, str]]


class MappingForm(QDialog):
    """Build in three steps: this constructor (the saved-mapping picker), the dialog's own rows
    and ``add_fields``, then ``finish`` (name, preview, buttons). Subclasses fill
    ``update_preview`` (with ``show_rows`` and ``say``) and may extend ``load``/``saved_form``."""

    def __init__(self, title: str, columns: Sequence[str], settings: SettingsFile, setting: Setting[Saved],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.columns, self.settings, self.setting = list(columns), settings, setting
        self.saved = QComboBox()
        self.saved.addItem("")
        names: Saved = settings.value(setting)
        self.saved.addItems(sorted(names))
        self.saved.currentTextChanged.connect(self._load)
        self.form = QFormLayout()
        self.form.addRow(tr("Saved mapping"), self.saved)
        self.fields: dict[str, QComboBox] = {}

    def add_fields(self, names: Iterable[str], label: Callable[[str], str], guess: Callable[[str], str | None]) -> None:
        """One column picker per field, set to ``guess(field)`` (a column) when there is one."""
        for name in names:
            combo = QComboBox()
            combo.addItems([NONE, *self.columns])
            if (column := guess(name)) is not None:
                combo.setCurrentText(column)
            combo.currentTextChanged.connect(self.update_preview)
            combo.setAccessibleName(tr("Column for {field}").format(field=name))
            self.fields[name] = combo
            self.form.addRow(label(name), combo)

    def finish(self, heads: Sequence[str], preview_title: str, fit: Sequence[int] = (), right_from: int | None = None,
               size: tuple[int, int] = (760, 640)) -> None:  # fmt: skip
        """The name row, the preview (columns ``fit`` sized to their text, the rest share the
        width; from ``right_from`` on numbers line up right), the problems line and OK/Cancel."""
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("Name to remember this mapping by (optional)"))
        self.form.addRow(tr("Remember as"), self.name)
        self.right_from = right_from
        self.preview = QTableWidget(0, len(heads))
        self.preview.setHorizontalHeaderLabels(list(heads))
        self.preview.verticalHeader().hide()
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in fit:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(QLabel(preview_title))
        layout.addWidget(self.preview)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(*size)
        self.update_preview()

    @property
    def ok(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def mapping(self) -> dict[str, str]:
        return {f: c.currentText() for f, c in self.fields.items() if c.currentText() != NONE}

    def saved_form(self) -> dict[str, str]:
        """The mapping as the setting keeps it."""
        return self.mapping()

    def load(self, saved: Mapping[str, str]) -> None:
        """Set the pickers from a saved mapping (a field it lacks: no column)."""
        for field, combo in self.fields.items():
            combo.setCurrentText(saved.get(field, NONE))

    def _load(self, name: str) -> None:
        saved = self.settings.value(self.setting).get(name)
        if saved:
            self.load(saved)

    def update_preview(self) -> None:
        raise NotImplementedError  # each dialog reads its own kind of file

    def show_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """The rows of what would be read (the first ``PREVIEW_ROWS``), as text."""
        self.preview.setRowCount(len(rows))
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if self.right_from is not None and j >= self.right_from:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.preview.setItem(i, j, item)

    def say(self, text: str, skipped: Sequence[tuple[int, str]] = (), skipped_count: int | None = None) -> None:
        """What would be read, and the first rows that would be skipped with their reasons."""
        count = len(skipped) if skipped_count is None else skipped_count
        if count:
            shown = "; ".join(tr("row {n}: {reason}").format(n=n, reason=r) for n, r in skipped[:5])
            text += tr("; {n} rows will be skipped: {rows}").format(n=count, rows=shown)
        self.problems.setText(text)

    def _accept(self) -> None:
        name = self.name.text().strip()
        if name:
            saved: Saved = self.settings.value(self.setting)
            self.settings.put(self.setting, {**saved, name: self.saved_form()})
        self.accept()
