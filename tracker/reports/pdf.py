"""The report as a PDF, drawn with Qt: text through QTextDocument, the chart through the same
pyqtgraph code as the app, rendered as vectors so it stays sharp in print."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QMarginsF,
    QMessageLogContext,
    QRectF,
    QSizeF,
    Qt,
    QtMsgType,
    QUrl,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from tracker.analytics.buckets import tick_step
from tracker.core.display_names import week_label
from tracker.core.errors import OutputError
from tracker.reports.charts import WeeklyWorkChart
from tracker.reports.output import output_path
from tracker.reports.pdf_html import BREAK_MARK, CSS, METHOD_MARK, head_html, rest_html
from tracker.services.chart_series import done_by_slot
from tracker.services.report import Report

RESOLUTION = 96  # device units per inch: layout as on screen, output as vectors


def default_page_size() -> str:
    """Letter where the locale measures in inches (US), A4 elsewhere."""
    from PySide6.QtCore import QLocale

    return "Letter" if QLocale.system().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "A4"


CHART_HEIGHT = 250


def _chart(r: Report, width: int, height: int) -> WeeklyWorkChart:
    """The app's chart, laid out off screen at the page's width, in print colours."""
    chart = WeeklyWorkChart()
    chart.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    chart.plot.setBackground("w")
    for name in ("left", "bottom", "right"):
        axis = chart.plot.getPlotItem().getAxis(name)
        axis.setPen(pg.mkPen("#333333"))
        axis.setTextPen(pg.mkPen("#333333"))
    chart.resize(width, height)
    chart.show()
    if r.chart is None:
        chart.set_weeks([(week_label(w), tok, n) for w, tok, n, _ in r.work.weeks])
    else:  # the same bucket as the dashboard's chart: hours, days or weeks by the span
        done = done_by_slot(r.chart.slots, [t.completed_ms for t in r.work.done], r.options.timezone)
        chart.set_slots([s.label for s in r.chart.slots], r.chart.tokens(), done, tick_step(r.chart.slots))
    QApplication.processEvents()  # layout, and the second axis follows the first
    return chart


def page_layout(page_size: str | None) -> QPageLayout:
    size = QPageSize.PageSizeId.Letter if (page_size or default_page_size()) == "Letter" else QPageSize.PageSizeId.A4
    return QPageLayout(QPageSize(size), QPageLayout.Orientation.Portrait, QMarginsF(16, 16, 16, 16),
                       QPageLayout.Unit.Millimeter)  # fmt: skip


CHART_URL = "tokenworth:chart"


def report_document(r: Report, width: float, height: float, keep_method_together: bool = False) -> QTextDocument:
    """The whole report as one paged document; the chart's place is a blank image of its size."""
    html = head_html(r) + f"<p><img src='{CHART_URL}' width='{int(width)}' height='{CHART_HEIGHT}'></p>" + rest_html(r)
    if keep_method_together:
        html = html.replace(f"<h2 {METHOD_MARK}>", f"<h2 {METHOD_MARK} {BREAK_MARK}>")
    doc = QTextDocument()
    doc.setDefaultStyleSheet(CSS)
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    blank = QImage(max(int(width), 1), CHART_HEIGHT, QImage.Format.Format_ARGB32)
    blank.fill(QColor(0, 0, 0, 0))
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), blank)
    doc.setHtml(f"<body>{html}</body>")
    doc.setPageSize(QSizeF(width, height))
    return doc


def _block_rect(doc: QTextDocument, contains: Callable[[QTextBlock], bool]) -> QRectF | None:
    block = doc.begin()
    while block.isValid():
        if contains(block):
            return doc.documentLayout().blockBoundingRect(block)
        block = block.next()
    return None


def _block_top(doc: QTextDocument, contains: Callable[[QTextBlock], bool]) -> float | None:
    rect = _block_rect(doc, contains)
    return None if rect is None else float(rect.top())


def _has_chart(block: QTextBlock) -> bool:
    it = block.begin()
    while not it.atEnd():
        fmt = it.fragment().charFormat()
        if fmt.isImageFormat() and fmt.toImageFormat().name() == CHART_URL:
            return True
        it += 1
    return False


def layout_report(r: Report, width: float, height: float) -> QTextDocument:
    """The paged document, with the Method moved to the next page when the fingerprint below it
    would otherwise start a page of its own."""
    doc = report_document(r, width, height)
    method = _block_top(doc, lambda b: b.text() == "Method")
    footer = _block_rect(doc, lambda b: b.text().startswith("Data fingerprint"))
    if method is not None and footer is not None and int(method // height) != int((footer.bottom() - 1) // height):
        doc = report_document(r, width, height, keep_method_together=True)
    return doc


def paint_report(r: Report, painter: QPainter, width: float, height: float, new_page: Callable[[], object]) -> int:
    """Draw every page with ``painter``; ``new_page`` starts the next one. Returns the page count.

    The same drawing makes the PDF and the export dialog's preview. The chart is drawn as
    vectors at the place the document keeps for it.
    """
    doc = layout_report(r, width, height)
    chart_top = _block_top(doc, _has_chart)
    chart = _chart(r, int(width), CHART_HEIGHT)
    pages = doc.pageCount()
    for i in range(pages):
        if i:
            new_page()
        painter.save()
        painter.translate(0, -i * height)
        doc.drawContents(painter, QRectF(0, i * height, width, height))
        if chart_top is not None and int(chart_top // height) == i:
            painter.save()
            painter.translate(0, chart_top + doc.documentMargin())
            chart.plot.render(painter)  # a QGraphicsView painted on a PDF painter stays vector
            painter.restore()
        painter.restore()
    chart.close()
    return pages


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger("tracker.qt").debug("%s", message)  # the offscreen plugin's chatter is no news


def ensure_app() -> QApplication:
    """The running QApplication, or an offscreen one for a report drawn without a window (the
    CLI, a cron job, a machine without a screen); its Qt messages go to the log, not stderr."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a report needs no screen, whether or not there is one
    qInstallMessageHandler(_qt_message)
    return QApplication(["tokenworth-report"])


def render_pdf(r: Report, page_size: str | None = None) -> tuple[bytes, int]:
    """The PDF's bytes and its page count; ``OutputError`` if Qt could not draw it."""
    app = ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)  # in memory: the file is written by Python, which sees every error
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(page_layout(page_size))
    writer.setTitle(f"AI usage and outcomes, {r.period_label}")
    writer.setCreator("Tokenworth")
    painter = QPainter()
    if not painter.begin(writer):
        raise OutputError("cannot draw the PDF: Qt could not start painting")
    try:
        page = QRectF(writer.pageLayout().paintRectPixels(RESOLUTION))
        pages = paint_report(r, painter, page.width(), page.height(), writer.newPage)
    finally:
        ended = painter.end()
    data = bytes(buffer.data().data())
    del app
    if not ended or not data.startswith(b"%PDF"):
        raise OutputError("cannot draw the PDF: Qt produced no document")
    return data, pages


def write_pdf(r: Report, out: Path, page_size: str | None = None) -> int:
    """Write the PDF atomically (a failure leaves the previous file as it was); returns the page
    count. ``OutputError`` when it cannot be drawn or written."""
    with output_path(out, require_content=True) as tmp:
        data, pages = render_pdf(r, page_size)
        tmp.write_bytes(data)
    return pages


def preview_pages(r: Report, page_size: str | None = None, scale: float = 1.0) -> list[QImage]:
    """The pages as images, for a preview: drawn by the same code as the PDF."""
    layout = page_layout(page_size)
    full = QRectF(layout.fullRectPixels(RESOLUTION))
    inner = QRectF(layout.paintRectPixels(RESOLUTION))
    images: list[QImage] = []
    painter = QPainter()

    def start() -> None:
        if painter.isActive():
            painter.end()
        image = QImage(int(full.width() * scale), int(full.height() * scale), QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        images.append(image)
        painter.begin(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(inner.x(), inner.y())

    start()
    try:
        paint_report(r, painter, inner.width(), inner.height(), start)
    finally:
        if painter.isActive():
            painter.end()
    return images
