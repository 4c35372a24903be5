"""The tray's face, CodexBar-style: today's budget as a partial arc on a faint track around a
Tokenworth "T" coin, and the tooltip that says the same in words.

States: no budget (the track only), under (green), near (from 80 %, amber), over (a full arc
in the alert colour). The numbers come from the tray's tick; nothing here reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from tracker.analytics.alert_rules import Settings, Usage
from tracker.ui.formatting import money, number, plural, tokens
from tracker.ui.i18n import tr

NEAR = Decimal("0.8")  # the first budget alert's step: the arc turns amber with it
COLOURS = {"none": "#9aa5b1", "under": "#59a14f", "near": "#f28e2b", "over": "#e15759"}
TRACK = QColor(154, 165, 177, 90)  # faint on light and dark panels alike
COIN, LETTER = "#4e79a7", "#ffffff"  # the app's mark: a blue coin with a white T
SIZE = 64
RING = QRectF(6.5, 6.5, 51, 51)  # the pen's centre line: radius 25.5 around (32, 32)
PEN = 9.0


@dataclass(frozen=True)
class BudgetUse:
    """How much of one daily budget is used (``unit``: "tokens" or "cost_usd")."""

    used: int | Decimal
    limit: int | Decimal
    unit: str

    @property
    def share(self) -> Decimal:
        return Decimal(self.used) / Decimal(self.limit)

    @property
    def state(self) -> str:
        return state(self)

    def text(self) -> str:
        """``11,000 / 10,000 tokens (110 %)``, ``$4.20 / $10.00 (42 %)``."""
        percent = number(int((self.share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        if self.unit == "cost_usd":
            return f"{money(self.used)} / {money(self.limit)} ({percent} %)"
        return f"{tokens(int(self.used))} / {tokens(int(self.limit))} {tr('tokens')} ({percent} %)"


def budget_use(usage: Usage, settings: Settings) -> BudgetUse | None:
    """The daily budget closest to its limit (tokens or money); None when neither is set."""
    used: dict[str, int | Decimal] = {"tokens": usage.tokens["day"], "cost_usd": usage.cost["day"]}
    uses = [
        BudgetUse(used[unit], limit, unit)
        for unit in ("tokens", "cost_usd")
        if (limit := settings.budgets.get(f"daily_{unit}", 0)) and limit > 0
    ]
    return max(uses, key=lambda u: u.share, default=None)


def state(use: BudgetUse | None) -> str:
    if use is None:
        return "none"
    return "over" if use.share >= 1 else "near" if use.share >= NEAR else "under"


def tray_pixmap(use: BudgetUse | None, size: int = SIZE) -> QPixmap:
    """The icon's pixels: drawn at 64 px and scaled by the painter for other sizes."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / SIZE, size / SIZE)
    p.setPen(QPen(TRACK, PEN))
    p.drawEllipse(RING)
    kind = state(use)
    if use is not None:
        sweep = 1.0 if kind == "over" else float(max(use.share, Decimal(0)))
        pen = QPen(QColor(COLOURS[kind]), PEN)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)  # the arc ends where the share ends
        p.setPen(pen)
        p.drawArc(RING, 90 * 16, -round(360 * 16 * sweep))  # from 12 o'clock, clockwise
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(COIN))
    p.drawEllipse(QRectF(15, 15, 34, 34))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(26)
    p.setFont(font)
    p.setPen(QColor(LETTER))
    p.drawText(QRectF(15, 15, 34, 34), Qt.AlignmentFlag.AlignCenter, "T")
    p.end()
    return pixmap


def tray_icon(use: BudgetUse | None) -> QIcon:
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):  # drawn per size: a tray scales less then
        icon.addPixmap(tray_pixmap(use, size))
    return icon


def tooltip(usage: Usage, use: BudgetUse | None) -> str:
    """Three short lines: whose icon, the budget (or today's total), the rest of today."""
    spent = money(usage.cost["day"])
    days = tr("{days} this week").format(days=plural(usage.active_days_week, tr("active day")))
    head = tr("Tokenworth — today")
    if use is None:
        return f"{head}\n{plural(usage.tokens['day'], tr('token'))} · {spent}\n{days}"
    other = spent if use.unit == "tokens" else plural(usage.tokens["day"], tr("token"))
    return f"{head}\n{use.text()}\n{other} · {days}"
