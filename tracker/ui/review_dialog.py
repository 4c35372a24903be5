"""End of day: today's AI sessions that no task explains, linked or turned into tasks in a few clicks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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
from tracker.services.context import Context
from tracker.services.tasks import TaskRow, list_tasks
from tracker.services.work_summary import Orphan, build_work_summary
from tracker.store.store import Store
from tracker.ui.formatting import money, tokens
from tracker.ui.i18n import tr
from tracker.ui.read_worker import ReadSide

LEAVE, NEW = tr("— leave unlinked —"), tr("New task from this session")
Choice = tuple[Orphan, int | None, str]  # the session, an existing task or None, a new task's title


@dataclass(frozen=True)
class ReviewData:
    """What the review shows, read on the read thread: today's sessions with no task and the
    tasks to offer (open ones first, then those of the last two weeks)."""

    orphans: list[Orphan]
    tasks: list[TaskRow]
    had_usage: bool


def read_review(ctx: Context, today: date, side: ReadSide) -> ReviewData:
    tz, store = ctx.timezone(), side.store
    summary = build_work_summary(store, tz, today, today, ctx.price_overrides(), orphans_limit=None)
    recent = list_tasks(store, tz, {}, today - timedelta(days=14), today)
    open_tasks = [t for t in list_tasks(store, tz, {}) if t.status == "open"]
    return ReviewData(list(summary.orphans), [*open_tasks, *reversed(recent)], bool(summary.total_tokens))


def apply_choices(choices: Sequence[Choice]) -> Callable[[Store], int]:
    """The write for the single writer: plain data, no widget read off the GUI thread."""

    def change(store: Store) -> int:
        now_ms = int(time.time() * 1000)
        for o, task_id, title in choices:
            if task_id is None:
                task_id = store.tasks.add(NewTask(title, project=o.project), now_ms)
            store.links.set_manual(o.source, o.session_id, task_id, linked=True)
        return len(choices)

    return change


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
        self.setWindowTitle(tr("Review today"))
        self.orphans = list(orphans)
        self.tasks = list(tasks)
        grid = QGridLayout()
        self.choices: list[QComboBox] = []
        self.titles: list[QLineEdit] = []
        if not self.orphans:
            # Congratulate only when there was something to link.
            done = tr("Every session today is linked to a task.") if had_usage else tr("No AI sessions today.")
            grid.addWidget(QLabel(done), 0, 0)
        for row, o in enumerate(self.orphans):
            grid.addWidget(QLabel(f"<b>{o.source}</b> {PurePath(o.project).name or o.project or '—'}"), row, 0)
            grid.addWidget(QLabel(f"{tokens(o.tokens)} {tr('tokens')} · {money(o.cost_usd)}"), row, 1)
            combo = QComboBox()
            combo.addItems([LEAVE, NEW, *(f"#{t.id} {t.title}" for t in self.tasks)])
            combo.setAccessibleName(tr("Task for session {id}").format(id=o.session_id))
            grid.addWidget(combo, row, 2)
            self.choices.append(combo)
            title = QLineEdit(tr("Work in {where}").format(where=PurePath(o.project).name or o.source))
            title.setAccessibleName(tr("Title of the new task for session {id}").format(id=o.session_id))
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
        self.inbox_button = QPushButton(tr("Open in the link inbox…"))
        self.inbox_button.setToolTip(tr("The same sessions grouped by project and branch, with suggested tasks"))
        self.inbox_button.setEnabled(bool(self.orphans))
        self.inbox_button.clicked.connect(self._to_inbox)
        buttons.addButton(self.inbox_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Sessions today with no task: what were they for?")))
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
                title.setPlaceholderText(tr("A new task needs a title"))
                title.setFocus()
                return
        self.accept()

    def chosen(self) -> list[Choice]:
        """What was chosen (on the GUI thread, where the widgets live); left-unlinked rows out."""
        out: list[Choice] = []
        for o, combo, title in zip(self.orphans, self.choices, self.titles, strict=True):
            choice = combo.currentText()
            if choice == LEAVE:
                continue
            task_id = None if choice == NEW else self.tasks[combo.currentIndex() - 2].id
            out.append((o, task_id, title.text().strip()))
        return out

    def change(self, store: Store) -> int:
        """Apply the choices; returns how many sessions got a task."""
        return apply_choices(self.chosen())(store)
