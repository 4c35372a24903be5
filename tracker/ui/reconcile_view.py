"""View ▸ Bill vs logs: the provider's figures beside the local logs, per UTC day and model.

The comparison is read on the window's read thread (it may load the price catalog); this
dialog only draws the rows ``services.reconcile`` returns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tracker.services.context import Context
from tracker.services.reconcile import Reconciliation, reconcile
from tracker.ui.i18n import tr

COLUMNS = ("Day", "Provider", "Model", "Bill", "Logs", "Difference", "Bill $", "Logs $", "Difference $")
EMPTY = (
    "No provider figures yet. Import a bill with File ▸ Import usage export… (Anthropic Console "
    "usage or cost CSV, OpenAI usage export, Copilot premium-request report)."
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
        self.why = QLabel()
        self.why.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.why)
        layout.addWidget(buttons)
        self.data: Reconciliation | None = None

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
            self.loaded.emit()
            return
        self.header.setText(
            tr("Per UTC day and model. Provider figures are never added to your totals.")
            + "\n"
            + "\n".join(f"{p} ↔ {what}" for p, what in rec.mappings.items())
        )
        self.table.setRowCount(len(rec.rows))
        for i, r in enumerate(rec.rows):
            if r.unit == "requests":
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
                _money(r.logs.cost),
                f"{r.cost_difference:+,.2f}",
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.why.setText(tr("Why they can differ:") + "\n" + "\n".join(f"• {e}" for e in rec.explanations))
        self.loaded.emit()


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"
