"""The period picker: presets, ◀ ▶, remembered across launches, and the latest usage offered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.ui.dashboard_page import DashboardPage


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def test_an_empty_period_offers_the_latest_usage(qtbot, loaded: Context, tmp_path: Path) -> None:
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    page = DashboardPage(loaded, loaded.reader, state=state)
    qtbot.addWidget(page)
    page.period.setCurrentText("Yesterday")
    page.period.setCurrentText("Last 30 days")  # the fixture's usage (June 2026) is long before today
    assert page.chart.showing_empty
    message = page.chart.empty.message.text()
    assert "Your latest usage is on <b>Tue 02 Jun 2026</b>." in message
    assert page.chart.empty.button_texts() == ["Show 01 Jun – 02 Jun 2026"]
    page.chart.empty._buttons[0].click()
    assert page.period.currentText() == "Custom"
    assert page.selected_range() == (date(2026, 6, 1), date(2026, 6, 2))
    assert page.cards["tokens"].detail.text().startswith("64,703 in 5 requests")
    page.earlier.click()
    assert page.selected_range() == (date(2026, 5, 30), date(2026, 5, 31))
    page.later.click()
    page.later.click()
    assert page.selected_range() == (date(2026, 6, 3), date(2026, 6, 4))
    # The next launch opens on the same period.
    again = DashboardPage(loaded, loaded.reader, state=state)
    qtbot.addWidget(again)
    assert again.period.currentText() == "Custom"
    assert again.selected_range() == (date(2026, 6, 3), date(2026, 6, 4))


def test_all_time_and_a_bad_remembered_period(qtbot, loaded: Context, tmp_path: Path) -> None:
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    state.setValue("dashboard/period", "Fortnight")
    state.setValue("dashboard/custom", "garbage")
    page = DashboardPage(loaded, loaded.reader, state=state)
    qtbot.addWidget(page)
    assert page.period.currentText() == "Last 30 days"
    page.period.setCurrentText("All time")
    since, _ = page.selected_range()
    assert since == date(2026, 6, 1)
    assert page.cards["tokens"].detail.text().startswith("64,703 in 5 requests")
    page.period.setCurrentText("Last month")
    page.earlier.click()
    since, until = page.selected_range()
    assert since.day == 1 and (until.month - since.month) % 12 == 0 and until.day >= 28
