"""Export a report: options, a live preview of its pages, and the last choice remembered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QSettings, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tracker.analytics.value_figures import summary_line
from tracker.reports.pdf import default_page_size, preview_pages, write_pdf
from tracker.reports.text_formats import markdown, write_csv, write_json
from tracker.services.context import Context
from tracker.services.device_scope import DeviceChoice
from tracker.services.report import (
    PERIOD_LABELS,
    PERIODS,
    Report,
    ReportOptions,
    build_report,
    named_period,
    period_named,
)
from tracker.store.store import Store
from tracker.ui.i18n import tr
from tracker.ui.read_worker import InlineReads, Reads, ReadSide

FORMATS = {"PDF": "pdf", "CSV (zip)": "zip", "JSON": "json", "Markdown": "md"}
AUDIENCES = {"summary": "Summary", "detailed": "Detailed (per project, per day, sessions)"}
CUSTOM = "custom"


class ExportDialog(QDialog):
    def __init__(self, ctx: Context, read: Callable[[], Store], state: QSettings,
                 parent: QWidget | None = None, shown: tuple[date, date] | None = None,
                 reads: Reads | None = None, devices: list[DeviceChoice] | None = None,
                 device: DeviceChoice | None = None) -> None:  # fmt: skip
        """``shown``: the period the dashboard shows; the dialog opens on it (else on the last
        choice). ``reads``: where the report is built (the window's read thread); without it,
        at once on a store from ``read``. ``devices``: the Device choices (none: one machine,
        no choice shown); it opens on ``device``, the one the dashboard shows."""
        super().__init__(parent)
        self.setWindowTitle(tr("Export a report"))
        self.ctx, self.read, self.state = ctx, read, state
        self.reads: Reads = reads if reads is not None else InlineReads(ReadSide(read))
        self.period = QComboBox()
        for name in PERIODS:
            self.period.addItem(PERIOD_LABELS[name], name)
        self.period.addItem(tr("Custom"), CUSTOM)
        self.since, self.until = QDateEdit(), QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.audience = QComboBox()
        for name, label in AUDIENCES.items():
            self.audience.addItem(label, name)
        self.redact = QCheckBox(tr("Hide project paths, repository names and ticket titles"))
        self.all_tasks = QCheckBox(tr("Include tasks not marked for reports"))
        self.page_size = QComboBox()
        self.page_size.addItems(["A4", "Letter"])
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        self.devices = list(devices or [])
        self.device = QComboBox()  # a report of one machine's usage, or of all of them
        self.device.setAccessibleName(tr("Device"))
        for c in self.devices:
            self.device.addItem(c.label, c.device)
        if device is not None and device.device is not None:
            self.device.setCurrentIndex(max(self.device.findData(device.device), 0))
        self._restore(shown)
        form = QFormLayout()
        form.addRow(tr("Period"), self.period)
        dates = QHBoxLayout()
        dates.addWidget(self.since)
        dates.addWidget(QLabel(tr("to")))
        dates.addWidget(self.until)
        form.addRow("", dates)
        if self.devices:
            form.addRow(tr("Device"), self.device)
        form.addRow(tr("Audience"), self.audience)
        form.addRow("", self.redact)
        form.addRow("", self.all_tasks)
        form.addRow(tr("Page size"), self.page_size)
        form.addRow(tr("Format"), self.format)
        self.page = QSpinBox()
        self.page.setPrefix(tr("Page "))
        self.page.valueChanged.connect(self._show_page)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(520)
        self.export = QPushButton(tr("Export…"))
        self.export.clicked.connect(self.save)
        self.status = QLabel()
        left = QVBoxLayout()
        left.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        left.addLayout(form)
        left.addStretch(1)
        left.addWidget(self.status)
        left.addWidget(self.export)
        right = QVBoxLayout()
        right.addWidget(self.page)
        right.addWidget(scroll)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self.resize(1100, 800)
        self.pages: list[QPixmap] = []
        self.report: Report | None = None
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        for signal in (self.period.currentTextChanged, self.audience.currentTextChanged, self.redact.toggled,
                       self.all_tasks.toggled, self.page_size.currentTextChanged, self.since.dateChanged,
                       self.until.dateChanged, self.device.currentIndexChanged):  # fmt: skip
            signal.connect(self._debounce.start)
        self.refresh()

    # ---- options ----------------------------------------------------------------------------
    def _restore(self, shown: tuple[date, date] | None) -> None:
        s = self.state
        today = self.today()
        period = str(s.value("report/period", "last-week"))
        if shown is not None:
            period = period_named(*shown, today) or CUSTOM
        self._select(self.period, period)
        self._select(self.audience, str(s.value("report/audience", "summary")))
        self.redact.setChecked(str(s.value("report/redact", "false")) == "true")
        self.all_tasks.setChecked(str(s.value("report/all_tasks", "false")) == "true")
        self.page_size.setCurrentText(str(s.value("report/page_size", default_page_size())))
        self.format.setCurrentText(str(s.value("report/format", "PDF")))
        first, last = shown if shown is not None else (today.replace(day=1), today)
        self.since.setDate(QDate(first.year, first.month, first.day))
        self.until.setDate(QDate(last.year, last.month, last.day))

    @staticmethod
    def _select(combo: QComboBox, name: str) -> None:
        """Select the item whose data is ``name`` (an older state's label is matched too)."""
        i = combo.findData(name)
        combo.setCurrentIndex(i if i >= 0 else max(combo.findText(name), 0))

    def period_name(self) -> str:
        return str(self.period.currentData())

    def remember(self) -> None:
        s = self.state
        s.setValue("report/period", self.period_name())
        s.setValue("report/audience", str(self.audience.currentData()))
        s.setValue("report/redact", "true" if self.redact.isChecked() else "false")
        s.setValue("report/all_tasks", "true" if self.all_tasks.isChecked() else "false")
        s.setValue("report/page_size", self.page_size.currentText())
        s.setValue("report/format", self.format.currentText())
        s.sync()

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.ctx.timezone())).date()

    def options(self) -> ReportOptions:
        custom = self.period_name() == CUSTOM
        self.since.setEnabled(custom)
        self.until.setEnabled(custom)
        if custom:
            since = cast(date, self.since.date().toPython())
            until = cast(date, self.until.date().toPython())
            since, until = min(since, until), max(since, until)
        else:  # the disabled fields show the days the named period resolves to
            since, until = named_period(self.period_name(), self.today())
            for edit, day in ((self.since, since), (self.until, until)):
                blocked = edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(blocked)
        chosen = self.devices[self.device.currentIndex()] if self.devices else None
        device, name = (chosen.device, chosen.name) if chosen else (None, "")
        return ReportOptions(since, until, self.ctx.timezone(), str(self.audience.currentData()),  # type: ignore[arg-type]
                             self.redact.isChecked(), not self.all_tasks.isChecked(),
                             device=device, device_name=name)  # fmt: skip

    # ---- preview ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Build the report on the read thread; the preview is drawn when it comes back."""
        ctx, options = self.ctx, self.options()
        self.export.setEnabled(False)  # saved only once the report for these options is here
        self.status.setText(tr("Reading…"))
        self.reads.run_read("export", lambda side: build_report(ctx, side.store, options), self._show, self._failed)

    _closed = False  # a result that arrives after the dialog closed is not drawn

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def _failed(self, message: str) -> None:
        if not self._closed:
            self.status.setText(tr("Could not read the data: {message}").format(message=message))

    def _show(self, report: Report) -> None:
        if self._closed:
            return
        self.report = report
        images = preview_pages(report, self.page_size.currentText(), scale=0.75)  # paints: GUI thread
        self.pages = [QPixmap.fromImage(i) for i in images]
        self.page.setRange(1, len(self.pages))
        self.page.setSuffix(tr(" of {n}").format(n=len(self.pages)))
        self._show_page(self.page.value())
        o = report.options
        on = tr(" ({name} only)").format(name=o.device_name) if o.device is not None else ""
        self.status.setText(f"{report.period_label}{on}: {summary_line(report.figures)}")
        self.status.setWordWrap(True)
        self.export.setEnabled(True)

    def _show_page(self, n: int) -> None:
        if self.pages:
            self.image.setPixmap(self.pages[max(1, min(n, len(self.pages))) - 1])

    def save(self, path: Path | None = None) -> Path | None:
        if self.report is None:
            return None
        kind = FORMATS[self.format.currentText()]
        if path is None:
            suggested = f"tokenworth-{self.report.options.since}-{self.report.options.until}.{kind}"
            name, _ = QFileDialog.getSaveFileName(self, tr("Export report"), str(Path.home() / suggested))
            if not name:
                return None
            path = Path(name)
        if kind == "pdf":
            write_pdf(self.report, path, self.page_size.currentText())
        elif kind == "zip":
            path = path if path.suffix == ".zip" else path.with_suffix(".zip")
            write_csv(self.report, path)
        elif kind == "json":
            write_json(self.report, path)
        else:
            path.write_text(markdown(self.report), encoding="utf-8")
        self.remember()
        self.status.setText(tr("Saved {path}").format(path=path))
        return path
