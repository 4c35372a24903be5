"""Widget tests: the display and QApplication come from ``tests/helpers/desktop.py`` (root conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def en_us_locale() -> Iterator[None]:
    """Widget tests read numbers as en-US whatever the machine's LANG (a test may set another)."""
    from PySide6.QtCore import QLocale

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
