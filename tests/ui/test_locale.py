"""Numbers, dates and the week's first day follow the locale in the UI (en-US as the fallback);
the CLI and report formats do not move; tr() is the identity while no translation exists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QLocale

from tracker.core import formatting as core
from tracker.ui import formatting as ui
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
