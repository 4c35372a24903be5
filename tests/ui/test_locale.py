"""Numbers, dates and the week's first day follow the locale in the UI (en-US as the fallback);
the CLI and report formats do not move; tr() is the identity while no translation exists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from tracker.core import formatting as core
from tracker.services.context import Context
from tracker.services.dashboard import period_range
from tracker.ui import formatting as ui
from tracker.ui.calendar_heatmap import CalendarHeatmap
from tracker.ui.dashboard_page import DashboardPage, picker_range
from tracker.ui.i18n import install_translator, tr


def test_german_numbers_and_money() -> None:
    QLocale.setDefault(QLocale("de_DE"))
    assert ui.tokens(1234) == "1.234"
    assert ui.plural(1204, "entry", "entries") == "1.204 entries"
    assert ui.money(Decimal("1234.565")) == "1.234,57\xa0$"  # rounded half-up, as the CLI rounds
    assert ui.money(-0.5) == "-0,50\xa0$"
    assert ui.short_tokens(1234) == "1,2k" and ui.short_money(1200) == "$1,2k" and ui.short_money(0.05) == "$0,05"
    assert ui.day_text(date(2026, 6, 1)) == "01.06.26"
    assert ui.first_weekday() == 0 and ui.week_start(date(2026, 6, 3)) == date(2026, 6, 1)  # Monday
    assert core.tokens(1234) == "1,234" and core.money(Decimal("1234.565")) == "$1,234.57"  # the CLI's


def test_us_numbers_and_the_c_locale_falls_back_to_them() -> None:
    for name in ("en_US", "C"):
        QLocale.setDefault(QLocale(name))
        assert ui.tokens(1234) == "1,234"
        assert ui.money(Decimal("0.165")) == "$0.17" and ui.money(-0.5) == "-$0.50" and ui.money(0) == "$0.00"
        assert ui.money(float("nan")) == "—"
        assert ui.short_money(12, 5) == "$12" and ui.short_tokens(999) == "999"
        assert ui.time_text(datetime(2026, 6, 1, 9, 5)) == "6/1/26 9:05\u202fAM"
        assert ui.first_weekday() == 6 and ui.week_start(date(2026, 6, 3)) == date(2026, 5, 31)  # Sunday
    assert ui.tokens(10**30) == f"{10**30:,}"  # past 64 bits: still shown


def test_tr_is_the_source_text_without_a_translation(qapp, tmp_path: Path) -> None:
    assert tr("Open dashboard") == "Open dashboard"
    assert install_translator(qapp, QLocale("de_DE"), tmp_path) is None  # no file: English stays


WEDNESDAY = date(2026, 6, 3)


@pytest.mark.parametrize(
    ("name", "this_week", "last_week", "first_day", "mon_row", "since"),
    [
        ("en_US", (date(2026, 5, 31), WEDNESDAY), (date(2026, 5, 24), date(2026, 5, 30)), 6, 1, "Sunday"),
        ("de_DE", (date(2026, 6, 1), WEDNESDAY), (date(2026, 5, 25), date(2026, 5, 31)), 0, 0, "Montag"),
    ],
)
def test_the_week_starts_where_the_locale_starts_it(
    qtbot, ctx: Context, monkeypatch: pytest.MonkeyPatch, name: str, this_week: tuple[date, date],
    last_week: tuple[date, date], first_day: int, mon_row: int, since: str,
) -> None:  # fmt: skip
    QLocale.setDefault(QLocale(name))
    ctx.settings.set("general.timezone", "UTC")
    page = DashboardPage(ctx, ctx.reader)
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "today", lambda: WEDNESDAY)
    page.period.setCurrentText("This week")
    assert page.selected_range() == this_week
    page.earlier.click()  # ◀ steps by the locale's whole week
    assert page.selected_range() == last_week
    assert picker_range("Last week", WEDNESDAY) == last_week
    qtbot.waitUntil(lambda: not page.reads.pending(), timeout=30_000)
    assert page.cards["active"].toolTip() == f"0 since {since}"
    # The calendar's columns are the same weeks: each starts on the locale's first day.
    heat = CalendarHeatmap()
    qtbot.addWidget(heat)
    heat.set_values({}, WEDNESDAY)
    assert heat._first().weekday() == first_day
    assert heat.row_of(this_week[0]) == 0 and heat.row_of(WEDNESDAY) == (WEDNESDAY - this_week[0]).days
    rows = dict(heat.weekday_labels())
    assert mon_row in rows and rows[mon_row] == QLocale(name).dayName(1, QLocale.FormatType.ShortFormat)
    # The CLI and the reports keep Monday weeks: a contract.
    assert period_range("This week", WEDNESDAY) == (date(2026, 6, 1), WEDNESDAY)
