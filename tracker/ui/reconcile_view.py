"""View ▸ Bill vs logs: the provider's figures beside the local logs, per UTC day and model;
below, the Claude Code Analytics' day activity (the org dashboard's view of the same days) and
where Cursor's requests were billed.

The comparison is read on the window's read thread (it may load the price catalog); this
dialog only draws the rows ``services.reconcile`` returns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tracker.services.context import Context
from tracker.services.reconcile import CURSOR_NOTE, Reconciliation, reconcile
from tracker.ui.i18n import tr

COLUMNS = ("Day", "Provider", "Model", "Bill", "Logs", "Difference", "Bill $", "Logs $", "Difference $")
ACTIVITY_COLUMNS = ("Day", "Key", "Whose", "Sessions", "Lines added", "Lines removed", "Commits", "PRs")
EMPTY = (
    "No provider figures yet. Import a bill with File ▸ Import usage export… (Anthropic Console "
    "usage or cost CSV, OpenAI usage export, Copilot premium-request report), or add a usage-API key "
    "in Settings ▸ Keys and sync it."
)


class ReconcileView(QDialog):
    loaded = Signal()

    def __init__(self, ctx: Context, reads: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Bill vs logs"))
        self.resize(980, 520)
        self.ctx = ctx
        self.reads = reads
        self.header = QLabel(tr("Reading…"))
        self.header.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setAccessibleName(tr("Bill vs logs"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(False)
        self.activity = QTableWidget(0, len(ACTIVITY_COLUMNS))
        self.activity.setHorizontalHeaderLabels([tr(c) for c in ACTIVITY_COLUMNS])
        self.activity.setAccessibleName(tr("Claude Code activity"))
        self.activity.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.activity_label = QLabel(tr("Claude Code activity (the analytics report's view of these days):"))
        self.cursor_note = QLabel()
        self.cursor_note.setWordWrap(True)
        self.why = QLabel()
        self.why.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.activity_label)
        layout.addWidget(self.activity)
        layout.addWidget(self.cursor_note)
        layout.addWidget(self.why)
        layout.addWidget(buttons)
        self.data: Reconciliation | None = None
        self._show_extras(None)

    def refresh(self) -> None:
        overrides = self.ctx.price_overrides()
        self.reads.run_read(
            "reconcile", lambda side: reconcile(side.store, overrides=overrides), self.show_data, self._failed
        )

    def _failed(self, message: str) -> None:
        self.header.setText(tr("Could not compare: {message}").format(message=message))

    def show_data(self, rec: Reconciliation) -> None:
        self.data = rec
        if not rec.rows:
            self.header.setText(tr(EMPTY))
            self.table.setRowCount(0)
            self.why.setText("")
            self._show_extras(None)
            self.loaded.emit()
            return
        self.header.setText(
            tr("Per UTC day and model. Provider figures are never added to your totals.")
            + "\n"
            + "\n".join(f"{p} ↔ {what}" for p, what in rec.mappings.items())
        )
        self.table.setRowCount(len(rec.rows))
        for i, r in enumerate(rec.rows):
            if not r.compared:  # the whole organisation's rows: shown for what they are
                bill, logs, diff = f"{r.bill.tokens:,}", tr("not compared"), tr("(not yours)")
            elif r.unit == "requests":
                bill, logs, diff = (
                    tr("{n} requests").format(n=f"{r.bill.requests:,}"),
                    tr("{n} calls").format(n=f"{r.logs.requests:,}"),
                    f"{r.request_difference:+,}",
                )
            else:
                bill, logs, diff = f"{r.bill.tokens:,}", f"{r.logs.tokens:,}", f"{r.token_difference:+,}"
            bill_cost = _money(r.bill.cost) + ("" if r.bill.cost_known else tr(" (list)"))
            cells = (
                r.day,
                r.provider,
                r.model,
                bill,
                logs,
                diff,
                bill_cost,
                _money(r.logs.cost) if r.compared else "",
                f"{r.cost_difference:+,.2f}" if r.compared else "",
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self._show_extras(rec)
        self.why.setText(tr("Why they can differ:") + "\n" + "\n".join(f"• {e}" for e in rec.explanations))
        self.loaded.emit()

    def _show_extras(self, rec: Reconciliation | None) -> None:
        """The analytics' day activity and Cursor's split; hidden when there is none."""
        days = rec.activity if rec is not None else []
        self.activity.setRowCount(len(days))
        for i, a in enumerate(days):
            whose = tr("you") if a.scope == "you" else tr("organisation ({n})").format(n=a.actors)
            counts = (a.sessions, a.lines_added, a.lines_removed, a.commits, a.pull_requests)
            for j, value in enumerate((a.day, a.account, whose, *(f"{n:,}" for n in counts))):
                item = QTableWidgetItem(value)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.activity.setItem(i, j, item)
        self.activity.resizeColumnsToContents()
        self.activity.setVisible(bool(days))
        self.activity_label.setVisible(bool(days))
        split = rec.cursor if rec is not None else None
        if split is None:
            self.cursor_note.setText("")
        else:
            self.cursor_note.setText(
                tr("Cursor on these days: {own} request(s) billed to your own provider key, {plan} by Cursor.").format(
                    own=f"{split.own_key.requests:,}", plan=f"{split.cursor.requests:,}"
                )
                + " "
                + tr(CURSOR_NOTE)
            )
        self.cursor_note.setVisible(split is not None)


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"
