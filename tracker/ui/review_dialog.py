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
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
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

    def change(self, store: Store) -> int:
        """Apply the choices (run by the single writer); returns how many sessions got a task."""
        now_ms = int(time.time() * 1000)
        done = 0
        for o, combo in zip(self.orphans, self.choices, strict=True):
            choice = combo.currentText()
            if choice == LEAVE:
                continue
            if choice == NEW:
                name = PurePath(o.project).name or o.source
                task_id = store.tasks.add(NewTask(f"Work in {name}", project=o.project), now_ms)
            else:
                task_id = self.tasks[combo.currentIndex() - 2].id
            store.links.set_manual(o.source, o.session_id, task_id, linked=True)
            done += 1
        return done
