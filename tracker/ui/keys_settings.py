"""Settings ▸ Keys: the usage-API keys (names only), the keyring in use, add, remove, sync now.

Every keyring and network call runs off the GUI thread (a keyring may prompt to unlock, a
sync may wait out a rate limit): each job runs on its own short-lived thread with its own
store and reports back by a queued signal. The key typed in is held as a ``Secret`` and the
field is cleared at once; it is never shown again.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.core.errors import TokenworthError
from tracker.core.secret import Secret
from tracker.services import api_sync
from tracker.services.context import Context
from tracker.sources.usage_apis.registry import USAGE_APIS
from tracker.store.keys import KeyChain
from tracker.ui.i18n import tr

log = logging.getLogger(__name__)

Job = Callable[[], Any]
Start = Callable[[Callable[[], None]], None]

POLL_MS = 50  # how often a running job's result is looked for
COLUMNS = ("Name", "Provider", "Address", "Figures", "Last sync", "Status")
NOTE = ("Keys are kept only in the system keyring, never in files. Admin keys (Anthropic, OpenAI) show the "
        "whole organisation's usage, not only yours; figures from APIs are shown beside your logs, never added "
        "to them.")  # fmt: skip


def _thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="tokenworth-keys", daemon=True).start()


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M") if ms else tr("never")


class AddKeyDialog(QDialog):
    """Name, provider, address and the key (hidden as it is typed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a usage-API key"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("e.g. work-anthropic"))
        self.provider = QComboBox()
        for api in USAGE_APIS.values():
            self.provider.addItem(api.label, api.id)
        self.base_url = QLineEdit()
        self.actor = QLineEdit()  # whose rows to keep, for an API that reports per person
        self.actor.setAccessibleName(tr("Your rows"))
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setAccessibleName(tr("Key"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Provider"), self.provider)
        form.addRow(tr("Address"), self.base_url)
        form.addRow(tr("Your rows"), self.actor)
        self._form = form
        form.addRow(tr("Key"), self.key)
        form.addRow(self.hint)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.provider.currentIndexChanged.connect(self._explain)
        self._explain()
        self.secret: Secret | None = None

    def _explain(self) -> None:
        api = USAGE_APIS[self.provider.currentData()]
        scope = tr("Shows the whole organisation's usage.") if api.whole_org else tr("Shows your own usage.")
        self.hint.setText(tr("Needs {kind}.").format(kind=api.key_kind) + f" {scope}")
        self.base_url.setPlaceholderText(api.base_url or tr("https://your-proxy.example.com (required)"))
        self._form.setRowVisible(self.actor, api.actor_hint is not None)
        if api.actor_hint is not None:
            self.actor.setPlaceholderText(api.actor_hint)
            scope = tr("Without it, the whole organisation's rows: shown, never compared with your logs.")
            self.hint.setText(tr("Needs {kind}.").format(kind=api.key_kind) + f" {scope}")

    def _check(self) -> None:
        try:
            api = api_sync.check_provider(self.provider.currentData())
            api_sync.check_name(self.name.text().strip())
            api_sync.check_base_url(api, self.base_url.text().strip() or None)
            api_sync.check_actor(api, self.actor_text())
            self.secret = Secret(self.key.text())
        except TokenworthError as exc:
            self.error.setText(str(exc))
            return
        finally:
            self.key.clear()  # never kept in a widget longer than needed
        self.accept()

    def actor_text(self) -> str | None:
        """Whose rows to keep (None: the API does not report per person, or left empty)."""
        api = USAGE_APIS[self.provider.currentData()]
        return (self.actor.text().strip() or None) if api.actor_hint is not None else None


class KeysSettings(QWidget):
    """The Keys tab of Settings."""

    finished = Signal()  # a background job ended (and the view was updated)

    def __init__(self, ctx: Context, start: Start = _thread, chain: Callable[[], KeyChain] = KeyChain,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx, self._start, self._chain = ctx, start, chain
        self._results: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
        self._then: dict[int, tuple[Callable[[Any], None], bool]] = {}
        self._token = 0
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._collect)
        self.backend = QLabel(tr("Keyring: …"))
        self.backend.setWordWrap(True)
        note = QLabel(tr(NOTE))
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.add_button = QPushButton(tr("Add…"))
        self.remove_button = QPushButton(tr("Remove"))
        self.sync_button = QPushButton(tr("Sync now"))
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)
        self.sync_button.clicked.connect(self.sync_now)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._busy = 0  # jobs running; the buttons come back when it is 0
        row = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.sync_button):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.backend)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.refresh()

    # -- background jobs -------------------------------------------------------------------
    # A job's thread holds no Qt object (not even this widget through a bound method): the
    # last reference to a widget dropped on another thread would delete it there. Results
    # come back through a plain queue that a timer on the GUI thread empties.

    def _run(self, job: Job, then: Callable[[Any], None], busy: str = "", *, reread: bool = True) -> None:
        self._busy += 1
        self._token += 1
        self._then[self._token] = (then, reread)
        for b in (self.add_button, self.remove_button, self.sync_button):
            b.setEnabled(False)
        if busy:
            self.status.setText(busy)
        self._poll.start()
        results, token, log_path = self._results, self._token, str(self.ctx.paths.log)

        def work() -> None:
            try:
                results.put((token, True, job()))
            except TokenworthError as exc:
                results.put((token, False, str(exc)))
            except Exception as exc:  # a bug: logged with its traceback, named in the tab
                log.exception("a keys job failed")
                failed = tr("failed: {error} (details in {log})").format(error=type(exc).__name__, log=log_path)
                results.put((token, False, failed))

        self._start(work)

    def _collect(self) -> None:
        while not self._results.empty():
            token, ok, payload = self._results.get()
            then, reread = self._then.pop(token)
            if ok:
                then(payload)  # may start the next job (reading the list again)
            else:
                self.status.setText(payload)
                if reread:
                    self.refresh()
            self._settle()

    def _settle(self) -> None:
        self._busy -= 1
        if self._busy:
            return
        self._poll.stop()
        for b in (self.add_button, self.remove_button, self.sync_button):
            b.setEnabled(True)
        self.finished.emit()

    # -- what the buttons do -----------------------------------------------------------------

    def refresh(self) -> None:
        ctx, chain = self.ctx, self._chain

        def read() -> tuple[Any, list[api_sync.Account]]:
            info = chain().info()
            with ctx.reader() as store:
                return info, api_sync.accounts(store)

        self._run(read, self._show, reread=False)

    def _show(self, result: tuple[Any, list[api_sync.Account]]) -> None:
        info, accounts = result
        if info.secure:
            self.backend.setText(tr("Keyring: {name} (secure)").format(name=info.name))
        else:
            self.backend.setText(
                tr("Keyring: {name}: not secure, keys cannot be stored. To fix: {fix}").format(
                    name=info.name, fix=info.fix
                )
            )
        self.table.setRowCount(len(accounts))
        for r, a in enumerate(accounts):
            scope = (
                tr("whole organisation")
                if a.whole_org
                else tr("{actor}'s rows").format(actor=a.actor)
                if a.actor
                else tr("your own")
            )
            failed = tr("failed: {error}").format(error=a.error)
            status = failed if a.error else (tr("ok") if a.synced_ms else tr("not synced yet"))
            for c, text in enumerate((a.name, a.api.label, a.url, scope, _when(a.synced_ms), status)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def names(self) -> list[str]:
        return [self.cell(r, 0) for r in range(self.table.rowCount())]

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def add(self) -> None:
        dialog = AddKeyDialog(self)
        if dialog.exec() and dialog.secret is not None:
            self.add_key(dialog.name.text().strip(), dialog.provider.currentData(), dialog.secret,
                         dialog.base_url.text().strip() or None, dialog.actor_text())  # fmt: skip

    def add_key(self, name: str, provider: str, secret: Secret, base_url: str | None, actor: str | None = None) -> None:
        ctx, make_chain = self.ctx, self._chain

        def store_it() -> str:
            chain = make_chain()
            with ctx.store() as store:
                api_sync.set_key(store, chain, name, provider, secret, base_url, actor)
            return tr("Stored {name} in the keyring ({backend}).").format(name=name, backend=chain.info().name)

        self._run(store_it, self._said_then_refresh, tr("Storing {name}…").format(name=name))

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedItems()})
        if rows:
            self.remove(self.cell(rows[0], 0))

    def remove(self, name: str) -> None:
        ctx, chain = self.ctx, self._chain

        def delete_it() -> str:
            with ctx.store() as store:
                api_sync.delete_key(store, chain(), name)
            return tr("Removed {name} from the keyring, with its synced figures.").format(name=name)

        self._run(delete_it, self._said_then_refresh, tr("Removing {name}…").format(name=name))

    def sync_now(self) -> None:
        ctx, chain = self.ctx, self._chain

        def sync_all() -> str:
            with ctx.store() as store:
                reports = api_sync.sync(store, chain())
            lines = [
                tr("{name}: failed: {error}").format(name=r.name, error=r.error)
                if r.error
                else tr("{name}: {new} new, {updated} updated").format(name=r.name, new=r.new, updated=r.replaced)
                + (tr(", {n} skipped").format(n=len(r.skipped)) if r.skipped else "")
                for r in reports
            ]
            return "\n".join(lines) or tr("No keys to sync.")

        self._run(sync_all, self._said_then_refresh, tr("Syncing…"))

    def _said_then_refresh(self, message: str) -> None:
        self.status.setText(message)
        self.refresh()
