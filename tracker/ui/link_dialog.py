"""Link and unlink sessions to a task by hand; the choice survives every re-import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.usage_rollup import UsageRow
from tracker.services.tasks import TaskRow
from tracker.store.store import Store
from tracker.ui.formatting import money, tokens
from tracker.ui.i18n import tr


class LinkSessionsDialog(QDialog):
    """``hints``: per session, why it is or may be linked ("automatic", "suggested", …) and the
    confidence. Suggested sessions come first (best first), then the linked ones, then the rest.
    ``branches``: each session's git branch; ``titles``: its own title, read from the tool's file
    for this dialog only (``services.link_inbox.session_titles``), never stored."""

    def __init__(
        self,
        task: TaskRow,
        sessions: Sequence[tuple[UsageRow, str]],
        parent: QWidget | None = None,
        hints: Mapping[tuple[str, str], tuple[str, float]] | None = None,
        branches: Mapping[tuple[str, str], str] | None = None,
        titles: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Sessions for “{title}”").format(title=task.title))
        self.task = task
        self.linked = set(task.sessions)
        self.list = QListWidget()
        self.keys: list[tuple[str, str]] = []
        hints, branches, titles = hints or {}, branches or {}, titles or {}

        def rank(pair: tuple[UsageRow, str]) -> tuple[int, float]:
            key = (pair[0].source, pair[0].session_id)
            why, confidence = hints.get(key, ("", 0.0))
            return (0, -confidence) if why == "suggested" else (1, 0.0) if key in self.linked else (2, 0.0)

        for row, project in sorted(sessions, key=rank):  # stable: otherwise in the caller's order
            key = (row.source, row.session_id)
            why, confidence = hints.get(key, ("", 0.0))
            hint = f" · {why} {confidence:.0%}" if why and why != "by hand" else f" · {why}" if why else ""
            start = (
                datetime.fromtimestamp(row.first_ms / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M · ")
                if row.first_ms
                else ""
            )
            branch = branches.get(key, "")
            title = f" · “{titles[key]}”" if key in titles else ""
            item = QListWidgetItem(
                f"{start}{row.source} · {project or '—'}{f' · {branch}' if branch else ''} · "
                + tr("{n} tokens").format(n=tokens(row.totals.total_tokens))
                + f" · {money(row.totals.cost_usd)} · {row.session_id[:8]}"
                f"{title}{hint}"
            )
            item.setToolTip(
                tr("{project}\nbranch: {branch}\nsession: {session}").format(
                    project=project or tr("no project folder"), branch=branch or "—", session=row.session_id
                )
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in self.linked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self.keys.append(key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Filter by date, tool, project, branch, title or session id"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                tr(
                    "Checked sessions served this task. Your choice is kept across re-imports.\n"
                    "Percentages are how sure automatic linking is; suggested sessions are listed first."
                )
            )
        )
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(900, 520)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            haystack = f"{item.text()} {item.toolTip()}".lower()
            item.setHidden(not all(w in haystack for w in words))

    def change(self, store: Store) -> int:
        """Store what changed (run by the single writer); returns how many links changed."""
        changed = 0
        for i, key in enumerate(self.keys):
            checked = self.list.item(i).checkState() == Qt.CheckState.Checked
            if checked != (key in self.linked):
                store.links.set_manual(key[0], key[1], self.task.id, linked=checked)
                changed += 1
        return changed
