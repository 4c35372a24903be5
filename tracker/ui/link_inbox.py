"""The link inbox: sessions no task explains, grouped by day, project and branch, cleared in a
click each: accept a suggestion, make a task from them, or mark them not work."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.task_metrics import SessionKey
from tracker.core.timezones import get_zone
from tracker.services.context import Context
from tracker.services.link_inbox import (
    Inbox,
    InboxSession,
    accept,
    build_inbox,
    default_title,
    mark_not_work,
    new_task_from,
    session_titles,
)
from tracker.store.store import Store
from tracker.ui.formatting import money, plural, tokens
from tracker.ui.i18n import tr

Write = Callable[[Callable[[Store], object]], None]
KEY_ROLE = Qt.ItemDataRole.UserRole
NOT_WORK_GROUP = "Marked not work"


def groups_of(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    return [item for n in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(n)) is not None]


def children_of(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for c in range(item.childCount()) if (child := item.child(c)) is not None]


class LinkInboxDialog(QDialog):
    """``only``: show just these sessions (a "sessions with no task" list elsewhere opened it).
    Every change goes to ``write`` (the app's single writer); ``refresh`` redraws from ``read``."""

    def __init__(
        self,
        ctx: Context,
        read: Callable[[], Store],
        write: Write,
        period: tuple[date, date],
        only: Collection[SessionKey] | None = None,
        parent: QWidget | None = None,
        where: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Link inbox — sessions with no task"))
        self.ctx, self.read, self.write, self.period = ctx, read, write, period
        self.only = frozenset(only) if only is not None else None
        self.inbox = Inbox()
        self.sessions: dict[SessionKey, InboxSession] = {}
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setAccessibleName(tr("Unlinked and not-work figures"))
        self.filtered = QLabel()
        self.show_all = QPushButton(tr("Show every unlinked session"))
        self.show_all.clicked.connect(self._show_all)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Filter by date, project, branch, tool, title or session id"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Session"), tr("Tokens"), tr("Cost"), tr("Suggested task (click to link)")])
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.setAlternatingRowColors(True)
        self.accept_button = QPushButton(tr("Accept suggestion  (Ctrl+Enter)"))
        self.accept_button.clicked.connect(self.accept_selected)
        self.new_button = QPushButton(tr("New task from these…  (Ctrl+N)"))
        self.new_button.clicked.connect(lambda: self.new_task())
        self.not_work_button = QPushButton(tr("Not work  (Ctrl+D)"))
        self.not_work_button.setToolTip(tr("Experiments, play: out of the unlinked figure, counted as not work"))
        self.not_work_button.clicked.connect(self.not_work_selected)
        self.back_button = QPushButton(tr("Back to the inbox"))
        self.back_button.setToolTip(tr("Undo “not work” for the selected sessions"))
        self.back_button.clicked.connect(self.back_to_inbox)
        for b in (self.accept_button, self.new_button, self.not_work_button, self.back_button):
            b.setAutoDefault(False)  # Return in the list must not press a button
        top = QHBoxLayout()
        top.addWidget(self.filtered, 1)
        top.addWidget(self.show_all)
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.new_button, self.not_work_button, self.back_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._where = where
        self.resize(1040, 600)
        self.refresh()

    # ---- drawing -----------------------------------------------------------------------------
    def refresh(self, _result: object = None) -> None:
        """Read the inbox again (after a change was written)."""
        since, until = self.period
        self.inbox = build_inbox(self.ctx, self.read(), since, until, int(time.time() * 1000), self.only)
        every = [*self.inbox.sessions, *self.inbox.not_work]
        self.sessions = {s.key: s for s in every}
        titles = session_titles(self.ctx, self.read(), self.sessions)  # read now, shown, never stored
        zone = get_zone(self.ctx.timezone())
        i = self.inbox
        self.figures.setText(
            tr(
                "<b>Not linked to any task:</b> {sessions} · {tokens} tokens · {cost} &nbsp;&nbsp; "
                "<b>Marked not work:</b> {not_work} · {not_work_tokens} tokens · {not_work_cost}"
            ).format(
                sessions=plural(len(i.sessions), tr("session")),
                tokens=tokens(i.unlinked_tokens),
                cost=money(i.unlinked_cost),
                not_work=plural(len(i.not_work), tr("session")),
                not_work_tokens=tokens(i.not_work_tokens),
                not_work_cost=money(i.not_work_cost),
            )
        )
        filtered = self.only is not None
        self.filtered.setText(
            tr("Showing the {sessions} {where} ({since} – {until})").format(
                sessions=plural(len(self.only or ()), tr("session")),
                where=self._where or tr("you opened"),
                since=f"{since:%d %b}",
                until=f"{until:%d %b %Y}",
            )
            if filtered
            else tr("Every session from {since} to {until} that no task explains.").format(
                since=f"{since:%d %b}", until=f"{until:%d %b %Y}"
            )
        )
        self.show_all.setVisible(filtered)
        collapsed = {g.text(0) for g in groups_of(self.tree) if not g.isExpanded()}
        self.tree.clear()
        for group in i.groups:
            where = group.project or tr("no project folder")
            label = f"{group.day:%a %d %b %Y} · {where} · {group.branch or tr('no branch')}"
            parent = QTreeWidgetItem([label, tokens(group.tokens), money(group.cost_usd), ""])
            parent.setToolTip(0, group.project or tr("no project folder"))
            self.tree.addTopLevelItem(parent)
            for s in group.sessions:
                self._session_item(parent, s, titles.get(s.key), zone)
            parent.setExpanded(label not in collapsed)
        if i.not_work:
            parent = QTreeWidgetItem([tr(NOT_WORK_GROUP), tokens(i.not_work_tokens), money(i.not_work_cost), ""])
            self.tree.addTopLevelItem(parent)
            for s in i.not_work:
                self._session_item(parent, s, titles.get(s.key), zone, with_day=True)
            parent.setExpanded(tr(NOT_WORK_GROUP) not in collapsed)
        if not i.groups:
            done = tr("Nothing to link here.") if filtered else tr("Every session in this period is linked or marked.")
            self.tree.addTopLevelItem(QTreeWidgetItem([done, "", "", ""]))
        for col in (1, 2):
            self.tree.resizeColumnToContents(col)
        self.tree.setColumnWidth(0, 560)
        self._filter(self.search.text())

    def _session_item(
        self, parent: QTreeWidgetItem, s: InboxSession, title: str | None, zone: Any, with_day: bool = False
    ) -> None:
        start = datetime.fromtimestamp(s.first_ms / 1000, UTC).astimezone(zone)
        end = datetime.fromtimestamp(s.last_ms / 1000, UTC).astimezone(zone)
        when = f"{start:%d %b %H:%M}" if with_day else f"{start:%H:%M}"
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%d %b %H:%M}"  # past midnight
        text = f"{when}–{until} · {s.source} · {title or s.session_id[:8]}"
        item = QTreeWidgetItem(parent, [text, tokens(s.tokens), money(s.cost_usd), ""])
        item.setData(0, KEY_ROLE, s.key)
        item.setToolTip(0, f"{s.project or tr('no project folder')} · {s.branch or tr('no branch')} · {s.session_id}")
        item.setData(1, KEY_ROLE, f"{s.project} {s.branch} {s.session_id} {title or ''}")  # what search reads
        if s.suggestions:
            best = s.suggestions[0]
            button = QPushButton(
                tr("Link to #{id} {title} · {confidence}").format(
                    id=best.task_id, title=best.title, confidence=f"{best.confidence:.0%}"
                )
            )
            button.setFlat(True)
            button.setStyleSheet("text-align: left")
            button.setToolTip(
                "\n".join(f"#{x.task_id} {x.title}: {x.confidence:.0%}, {x.reason}" for x in s.suggestions)
            )
            button.setAccessibleName(
                tr("Link session {session} to task {id}").format(session=s.session_id, id=best.task_id)
            )
            button.clicked.connect(lambda _=False, k=s.key, t=best.task_id: self.link([k], t))
            self.tree.setItemWidget(item, 3, button)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt
        """Ctrl+Enter accepts, Ctrl+N makes a task, Ctrl+D marks not work (from the list, too)."""
        actions = {Qt.Key.Key_Return: self.accept_selected, Qt.Key.Key_Enter: self.accept_selected,
                   Qt.Key.Key_N: self.new_task, Qt.Key.Key_D: self.not_work_selected}  # fmt: skip
        action = actions.get(Qt.Key(event.key()))
        if action is not None and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            action()
            return
        super().keyPressEvent(event)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for group in groups_of(self.tree):
            shown = 0
            for child in children_of(group):
                haystack = f"{group.text(0)} {child.text(0)} {child.data(1, KEY_ROLE)}".lower()
                child.setHidden(not all(w in haystack for w in words))
                shown += not child.isHidden()
            group.setHidden(bool(words) and group.childCount() > 0 and not shown)

    # ---- what is chosen ----------------------------------------------------------------------
    def selected(self) -> list[InboxSession]:
        """The chosen sessions: a chosen group stands for all its shown sessions."""
        keys: dict[SessionKey, None] = {}
        for item in self.tree.selectedItems():
            for child in children_of(item) or [item]:
                key = child.data(0, KEY_ROLE)
                if key is not None and not child.isHidden():
                    keys[(str(key[0]), str(key[1]))] = None
        return [self.sessions[k] for k in keys if k in self.sessions]

    def _apply(self, change: Callable[[Store], object]) -> None:
        self.write(change)
        self.refresh()  # the app's writer also calls refresh when the write lands

    def link(self, keys: list[SessionKey], task_id: int) -> None:
        self._apply(lambda store: accept(store, keys, task_id))

    def accept_selected(self) -> None:
        """Each chosen session to its best suggestion (sessions with none are left)."""
        pairs = [(s.key, s.suggestions[0].task_id) for s in self.selected() if s.suggestions]
        if pairs:
            self._apply(lambda store: [accept(store, [k], t) for k, t in pairs])

    def new_task(self, title: str | None = None) -> None:
        chosen = [s for s in self.selected() if s.key not in {x.key for x in self.inbox.not_work}]
        if not chosen:
            return
        if title is None:
            title, ok = QInputDialog.getText(self, tr("New task"), tr("What did these sessions produce?"),
                                             text=default_title(chosen))  # fmt: skip
            if not ok or not title.strip():
                return
        name, now_ms = title, int(time.time() * 1000)
        self._apply(lambda store: new_task_from(store, name, chosen, now_ms))

    def not_work_selected(self) -> None:
        keys = [s.key for s in self.selected()]
        if keys:
            now_ms = int(time.time() * 1000)
            self._apply(lambda store: mark_not_work(store, keys, now_ms))

    def back_to_inbox(self) -> None:
        marked = {s.key for s in self.inbox.not_work}
        keys = [s.key for s in self.selected() if s.key in marked]
        if keys:
            self._apply(lambda store: mark_not_work(store, keys, 0, not_work=False))

    def _show_all(self) -> None:
        self.only = None
        self.refresh()

    def _menu(self, pos: Any) -> None:
        chosen = self.selected()
        if not chosen:
            return
        menu = QMenu(self)
        for s in chosen[0].suggestions if len(chosen) == 1 else ():
            action = menu.addAction(
                tr("Link to #{id} {title} ({confidence}, {reason})").format(
                    id=s.task_id, title=s.title, confidence=f"{s.confidence:.0%}", reason=s.reason
                )
            )
            action.triggered.connect(partial(self.link, [chosen[0].key], s.task_id))
        menu.addAction(tr("New task from these…"), lambda: self.new_task())
        menu.addAction(tr("Not work"), self.not_work_selected)
        menu.addAction(tr("Back to the inbox"), self.back_to_inbox)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
