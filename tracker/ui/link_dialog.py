"""Link and unlink sessions to a task by hand; the choice survives every re-import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tracker.analytics.usage_rollup import UsageRow
from tracker.services.tasks import TaskRow
from tracker.store.store import Store
from tracker.ui.formatting import money, tokens


class LinkSessionsDialog(QDialog):
    """``hints``: per session, why it is or may be linked ("automatic", "suggested", …) and the
    confidence; suggested sessions come first, best first."""

    def __init__(
        self,
        task: TaskRow,
        sessions: Sequence[tuple[UsageRow, str]],
        parent: QWidget | None = None,
        hints: Mapping[tuple[str, str], tuple[str, float]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sessions for “{task.title}”")
        self.task = task
        self.linked = set(task.sessions)
        self.list = QListWidget()
        self.keys: list[tuple[str, str]] = []
        hints = hints or {}

        def rank(pair: tuple[UsageRow, str]) -> tuple[int, float]:
            why, confidence = hints.get((pair[0].source, pair[0].session_id), ("", 0.0))
            return (0, -confidence) if why == "suggested" else (1, 0.0)

        for row, project in sorted(sessions, key=rank):  # stable: otherwise in the caller's order
            key = (row.source, row.session_id)
            why, confidence = hints.get(key, ("", 0.0))
            hint = f" · {why} {confidence:.0%}" if why and why != "by hand" else f" · {why}" if why else ""
            item = QListWidgetItem(
                f"{row.source} · {PurePath(project).name or project or '—'} · {tokens(row.totals.total_tokens)} tokens"
                f" · {money(row.totals.cost_usd)} · {row.session_id[:8]}{hint}"
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in self.linked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self.keys.append(key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Checked sessions served this task. Your choice is kept across re-imports.\n"
                "Percentages are how sure automatic linking is; suggested sessions are listed first."
            )
        )
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(680, 480)

    def change(self, store: Store) -> int:
        """Store what changed (run by the single writer); returns how many links changed."""
        changed = 0
        for i, key in enumerate(self.keys):
            checked = self.list.item(i).checkState() == Qt.CheckState.Checked
            if checked != (key in self.linked):
                store.links.set_manual(key[0], key[1], self.task.id, linked=checked)
                changed += 1
        return changed
