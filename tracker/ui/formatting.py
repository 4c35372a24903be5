"""Numbers and dates as people read them, in the system's locale (en-US where it names none).

The views format through this module only, so the locale is decided here. The digits come
from the one Qt-free formatter the CLI and the reports share (``tracker.core.formatting``:
money rounded half-up from its exact ``Decimal``); only the separators, the decimal point
and date names follow ``QLocale``. The CLI and report formats stay as they are: a contract.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from tracker.core import formatting as core
from tracker.core.display_names import model_name
from tracker.core.formatting import short_model
from tracker.sources.registry import SOURCES

__all__ = [
    "day_text",
    "first_weekday",
    "locale",
    "model_name",
    "money",
    "number",
    "plural",
    "short_model",
    "short_money",
    "short_tokens",
    "time_text",
    "tokens",
    "tool_name",
    "week_start",
]

_FALLBACK = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def locale() -> QLocale:
    """The default locale (the system's unless ``QLocale.setDefault`` chose one); en-US when
    the system names none (the "C" locale of a bare container or ``LANG=C``)."""
    loc = QLocale()
    return _FALLBACK if loc.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage) else loc


def number(n: int) -> str:
    """``1,234`` (en-US), ``1.234`` (de-DE)."""
    n = int(n)
    if abs(n) >= 2**63:  # beyond Qt's 64 bits: hostile input, still shown
        return core.tokens(n)
    return locale().toString(n)


def tokens(n: int) -> str:
    return number(n)


def _decimal(value: float, places: int) -> str:
    return locale().toString(float(value), "f", places)


def money(value: Decimal | float | int) -> str:
    """``$1,234.57`` (en-US), ``1.234,57 $`` (de-DE); cents rounded half-up; ``—`` for NaN/∞."""
    d = core.cents(value)
    if d is None:
        return "—"
    if abs(d) >= Decimal(10) ** 15:  # past a double's exact cents: the plain formatter
        return core.money(d)
    # Rounded first, as a Decimal: the float below only carries two exact decimals to Qt. The
    # sign is put in front (en-US would write an accountant's "($0.50)").
    text = locale().toCurrencyString(float(abs(d)), "$", 2)
    return locale().negativeSign() + text if d < 0 else text


def _compact(value: float, prefix: str = "") -> str | None:
    sign, v = ("-" if value < 0 else ""), abs(value)
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= size:
            text = _decimal(v / size, 1)
            zero = locale().decimalPoint() + "0"
            return f"{sign}{prefix}{text.removesuffix(zero)}{unit}"
    return None


def short_tokens(n: int) -> str:
    """``1.2k``, ``3.4M`` (``1,2k`` in de-DE); whole numbers below a thousand."""
    sign, v = ("-" if n < 0 else ""), abs(n)
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= size:
            return f"{sign}{_decimal(v / size, 1)}{unit}"
    return str(n)


def short_money(value: float, spacing: float | None = None) -> str:
    """A compact amount for axis ticks: ``$0.05``, ``$12``, ``$1.2k`` (locale separators)."""
    compact = _compact(value, "$")
    if compact is not None:
        return compact
    text = core.short_money(value, spacing)  # decides cents or whole dollars
    sign, digits = ("-", text[2:]) if text.startswith("-") else ("", text[1:])
    places = len(digits.partition(".")[2])
    return f"{sign}${_decimal(abs(value), places)}" if value else "$0"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 session``, ``2 sessions``, ``1,204 entries`` (``many`` for irregular plurals)."""
    return f"{number(n)} {word if n == 1 else (many or word + 's')}"


def day_text(d: date, long: bool = False) -> str:
    """A date in the locale's short form (``6/1/26``; ``01.06.26``), or long with the weekday."""
    fmt = QLocale.FormatType.LongFormat if long else QLocale.FormatType.ShortFormat
    return locale().toString(QDate(d.year, d.month, d.day), fmt)


def time_text(dt: datetime) -> str:
    """A date and time in the locale's short form (``6/1/26 9:05 AM``; ``01.06.26 09:05``)."""
    q = QDateTime(QDate(dt.year, dt.month, dt.day), QTime(dt.hour, dt.minute, dt.second))
    return locale().toString(q, QLocale.FormatType.ShortFormat)


def first_weekday() -> int:
    """The locale's first day of the week as Python counts (Monday 0 … Sunday 6): en-US
    Sunday (6), de-DE Monday (0)."""
    return int(locale().firstDayOfWeek().value) - 1  # Qt: Monday 1 … Sunday 7


def week_start(d: date) -> date:
    """The first day of the locale's week that holds ``d``."""
    return d - timedelta(days=(d.weekday() - first_weekday()) % 7)


def tool_name(source: str) -> str:
    """``claude-code`` → "Claude Code": the label the source registry gives each tool."""
    spec = SOURCES.get(source)
    return spec.label if spec is not None else source
