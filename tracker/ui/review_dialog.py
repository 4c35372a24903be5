"""End of day: today's AI sessions that no task explains, linked or turned into tasks in a few clicks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import PurePath

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tracker.core.tasks import NewTask
from tracker.services.tasks import TaskRow
from tracker.services.work_summary import Orphan
from tracker.store.store import Store
from tracker.ui.formatting import money, tokens

LEAVE, NEW = "— leave unlinked —", "New task from this session"


class ReviewDialog(QDialog):
    open_inbox = Signal(object)  # these sessions' keys: grouped, with suggestions, in the link inbox

    def __init__(
        self,
        orphans: Sequence[Orphan],
        tasks: Sequence[TaskRow],
        parent: QWidget | None = None,
        had_usage: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review today")
        self.orphans = list(orphans)
        self.tasks = list(tasks)
        grid = QGridLayout()
        self.choices: list[QComboBox] = []
        self.titles: list[QLineEdit] = []
        if not self.orphans:
            # Congratulate only when there was something to link.
            done = "Every session today is linked to a task." if had_usage else "No AI sessions today."
            grid.addWidget(QLabel(done), 0, 0)
        for row, o in enumerate(self.orphans):
            grid.addWidget(QLabel(f"<b>{o.source}</b> {PurePath(o.project).name or o.project or '—'}"), row, 0)
            grid.addWidget(QLabel(f"{tokens(o.tokens)} tokens · {money(o.cost_usd)}"), row, 1)
            combo = QComboBox()
            combo.addItems([LEAVE, NEW, *(f"#{t.id} {t.title}" for t in self.tasks)])
            combo.setAccessibleName(f"Task for session {o.session_id}")
            grid.addWidget(combo, row, 2)
            self.choices.append(combo)
            title = QLineEdit(f"Work in {PurePath(o.project).name or o.source}")
            title.setAccessibleName(f"Title of the new task for session {o.session_id}")
            title.setVisible(False)  # asked only when "New task" is chosen
            combo.currentTextChanged.connect(lambda text, t=title: self._ask_title(t, text == NEW))
            grid.addWidget(title, row, 3)
            self.titles.append(title)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.inbox_button = QPushButton("Open in the link inbox…")
        self.inbox_button.setToolTip("The same sessions grouped by project and branch, with suggested tasks")
        self.inbox_button.setEnabled(bool(self.orphans))
        self.inbox_button.clicked.connect(self._to_inbox)
        buttons.addButton(self.inbox_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Sessions today with no task: what were they for?"))
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def _to_inbox(self) -> None:
        self.reject()  # nothing chosen here is kept: the inbox takes over
        self.open_inbox.emit(frozenset((o.source, o.session_id) for o in self.orphans))

    def _ask_title(self, title: QLineEdit, show: bool) -> None:
        title.setVisible(show)
        if show:
            title.setFocus()
            title.selectAll()  # pre-filled, one keystroke to replace

    def _accept(self) -> None:
        for combo, title in zip(self.choices, self.titles, strict=True):
            if combo.currentText() == NEW and not title.text().strip():
                title.setPlaceholderText("A new task needs a title")
                title.setFocus()
                return
        self.accept()

    def change(self, store: Store) -> int:
        """Apply the choices (run by the single writer); returns how many sessions got a task."""
        now_ms = int(time.time() * 1000)
        done = 0
        for o, combo, title in zip(self.orphans, self.choices, self.titles, strict=True):
            choice = combo.currentText()
            if choice == LEAVE:
                continue
            if choice == NEW:
                task_id = store.tasks.add(NewTask(title.text().strip(), project=o.project), now_ms)
            else:
                task_id = self.tasks[combo.currentIndex() - 2].id
            store.links.set_manual(o.source, o.session_id, task_id, linked=True)
            done += 1
        return done
