"""The report as a PDF, drawn with Qt: text through QTextDocument, the chart through the same
pyqtgraph code as the app, rendered as vectors so it stays sharp in print."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

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
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from tracker.analytics.buckets import tick_step
from tracker.core.errors import OutputError
from tracker.reports.charts import WeeklyWorkChart
from tracker.reports.output import output_path
from tracker.reports.text_formats import methods
from tracker.services.chart_series import done_by_slot
from tracker.services.report import Report
from tracker.services.usage import money

MAX_TASKS_SUMMARY = 40
MAX_TASKS_DETAILED = 400
RESOLUTION = 96  # device units per inch: layout as on screen, output as vectors

CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9.5pt; color: #1b1b1b; }
h1 { font-size: 17pt; margin: 0 0 2px 0; } h2 { font-size: 12pt; margin: 14px 0 4px 0; }
.period { color: #555; font-size: 10pt; }
table { border-collapse: collapse; } td, th { padding: 3px 6px; }
th { background: #eef1f5; text-align: left; } .num { text-align: right; }
.fig { font-size: 15pt; font-weight: bold; } .cap { color: #555; font-size: 8.5pt; }
.impact { color: #333; } .small { color: #666; font-size: 8pt; }
"""


def default_page_size() -> str:
    """Letter where the locale measures in inches (US), A4 elsewhere."""
    from PySide6.QtCore import QLocale

    return "Letter" if QLocale.system().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "A4"


def _usd(value: Decimal | float) -> str:
    return f"${value if isinstance(value, float) else money(value):,.2f}"


def _figure(value: str, caption: str) -> str:
    return f"<td width='25%'><div class='fig'>{escape(value)}</div><div class='cap'>{escape(caption)}</div></td>"


def first_page_html(r: Report) -> str:
    t = r.totals
    per_task = _usd(r.cost_per_task) if r.cost_per_task is not None else "—"
    target = f" (target {r.weekly_target})" if r.weekly_target else ""
    figures = [
        (str(r.tasks_completed), "tasks completed"),
        (f"{r.hours_saved:g} h", "hours saved (estimated)"),
        (f"{t.total_tokens:,}", "tokens"),
        (_usd(t.cost_usd), "cost"),
        (per_task, "cost per task"),
        (f"{100 * r.work.linked_share:.0f}%", "of tokens linked to outcomes"),
        (f"{r.active_days_per_week:.1f}{target}", "active days per week"),
        (f"{r.active_days}", "active days in the period"),
    ]
    rows = "".join("<tr>" + "".join(_figure(v, c) for v, c in figures[i : i + 4]) + "</tr>" for i in (0, 4))
    return (
        f"<h1>AI usage and outcomes</h1><div class='period'>{escape(r.period_label)} · times in "
        f"{escape(r.options.timezone)}</div><h2>In numbers</h2><table width='100%'>{rows}</table>"
        f"<h2>Tokens and tasks completed per {r.chart.bucket if r.chart else 'week'}</h2>"
    )


def outcomes_html(r: Report) -> str:
    items = []
    for o in r.outcomes:
        saved = f" <span class='small'>({o.hours_saved:g} h saved)</span>" if o.hours_saved else ""
        impact = f"<br><span class='impact'>{escape(o.impact)}</span>" if o.impact else ""
        items.append(f"<li><b>{escape(o.title)}</b>{saved}{impact}</li>")
    body = "<ul>" + "".join(items) + "</ul>" if items else "<p>No completed tasks in this period.</p>"
    return "<h2>Most valuable outcomes</h2>" + body


def rest_html(r: Report) -> str:
    detailed = r.options.audience == "detailed"

    def spend_rows(title: str, parts: dict[str, Any]) -> str:
        rows = "".join(
            f"<tr><td>{escape(k)}</td><td class='num'>{v.total_tokens:,}</td>"
            f"<td class='num'>{_usd(v.cost_usd)}</td></tr>"
            for k, v in sorted(parts.items())
        )
        return f"<tr><th>{title}</th><th class='num'>Tokens</th><th class='num'>Cost</th></tr>{rows}"

    spend = spend_rows("By tool", r.by_tool) + spend_rows("By model", r.by_model)
    # Bounded either way: a year of tasks stays a readable document; the CSV/JSON have them all.
    tasks = r.task_rows()[: MAX_TASKS_DETAILED if detailed else MAX_TASKS_SUMMARY]
    task_rows = "".join(
        f"<tr><td>{escape(t['title'])}</td><td>{escape(t['category'])}</td><td>{t['completed'] or ''}</td>"
        f"<td>{'yes' if t['ai_assisted'] else ''}</td><td class='num'>{t['tokens']:,}</td>"
        f"<td class='num'>{_usd(t['cost_usd'])}</td><td>{escape(t['impact'])}"
        + "".join(f"<br><span class='small'>{escape(link)}</span>" for link in t["links"])
        + "</td></tr>"
        for t in tasks
    )
    more = (
        f"<p class='small'>{len(r.tasks) - len(tasks)} more tasks in the detailed report.</p>"
        if len(tasks) < len(r.tasks)
        else ""
    )
    t = r.totals
    appendix = [
        ("Input tokens (not cached)", f"{t.input_tokens:,}"),
        ("Output tokens", f"{t.output_tokens:,}"),
        ("Cache write tokens", f"{t.cache_creation_tokens:,}"),
        ("Cache read tokens", f"{t.cache_read_tokens:,}"),
        ("Total tokens", f"{t.total_tokens:,}"),
        ("Cost", _usd(t.cost_usd)),
        ("Unpriced tokens", f"{t.unpriced_tokens:,}"),
        ("Tasks completed", f"{r.tasks_completed}"),
        ("Hours saved (estimated)", f"{r.hours_saved:g}"),
        ("Share of tokens linked to tasks", f"{100 * r.work.linked_share:.1f}%"),
    ]
    m = methods(r)
    unpriced = ", ".join(f"{escape(k)} ({v:,} tokens)" for k, v in r.unpriced.items()) or "none"
    return (
        f"<h2>Spend by tool and model</h2><table width='100%'>{spend}</table>"
        "<h2>Tasks</h2><table width='100%'><tr><th>Task</th><th>Category</th><th>Completed</th><th>AI</th>"
        f"<th class='num'>Tokens</th><th class='num'>Cost</th><th>Impact</th></tr>{task_rows}</table>{more}"
        "<h2>Appendix: exact totals</h2><table>"
        + "".join(f"<tr><td>{escape(k)}</td><td class='num'>{escape(v)}</td></tr>" for k, v in appendix)
        + "</table><h2>Method</h2>"
        f"<p>Sources read: {escape(', '.join(m['sources']) or 'none')}. Prices: {escape(m['pricing'])}, "
        f"resolved {r.generated_at:%Y-%m-%d}. Times in {escape(m['timezone'])}. {escape(m['estimated'])} "
        f"Unpriced models: {unpriced}."
        + (f" Redacted: {escape(', '.join(r.redactions))}." if r.redactions else "")
        + f"</p><p class='small'>Data fingerprint (SHA-256 of the report's rows): {r.fingerprint}<br>"
        f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC by Tokenworth, from local usage logs; no prompt or code "
        "content is read or stored.</p>"
    )


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
        chart.set_weeks([(w, tok, n) for w, tok, n, _ in r.work.weeks])
    else:  # the same bucket as the dashboard's chart: hours, days or weeks by the span
        done = done_by_slot(r.chart.slots, [t.completed_ms for t in r.work.done], r.options.timezone)
        chart.set_slots([s.label for s in r.chart.slots], r.chart.tokens(), done, tick_step(r.chart.slots))
    QApplication.processEvents()  # layout, and the second axis follows the first
    return chart


def _document(html: str, width: float) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultStyleSheet(CSS)
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    doc.setHtml(f"<body>{html}</body>")
    doc.setTextWidth(width)
    return doc


def page_layout(page_size: str | None) -> QPageLayout:
    size = QPageSize.PageSizeId.Letter if (page_size or default_page_size()) == "Letter" else QPageSize.PageSizeId.A4
    return QPageLayout(QPageSize(size), QPageLayout.Orientation.Portrait, QMarginsF(16, 16, 16, 16),
                       QPageLayout.Unit.Millimeter)  # fmt: skip


def paint_report(r: Report, painter: QPainter, width: float, height: float, new_page: Callable[[], object]) -> int:
    """Draw every page with ``painter``; ``new_page`` starts the next one. Returns the page count.

    The same drawing makes the PDF and the export dialog's preview.
    """
    head = _document(first_page_html(r), width)
    head.drawContents(painter)
    y = head.size().height()
    chart = _chart(r, int(width), CHART_HEIGHT)
    painter.save()
    painter.translate(0, y)
    chart.plot.render(painter)  # a QGraphicsView painted on a PDF painter stays vector
    painter.restore()
    chart.close()
    y += CHART_HEIGHT + 10
    outcomes = _document(outcomes_html(r), width)
    painter.save()
    painter.translate(0, y)
    outcomes.drawContents(painter, QRectF(0, 0, width, height - y))
    painter.restore()
    pages = 1
    rest = _document(rest_html(r), width)
    rest.setPageSize(QSizeF(width, height))
    for i in range(rest.pageCount()):
        new_page()
        pages += 1
        painter.save()
        painter.translate(0, -i * height)
        rest.drawContents(painter, QRectF(0, i * height, width, height))
        painter.restore()
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
