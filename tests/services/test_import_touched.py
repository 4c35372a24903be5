"""An import says which days and sources its new rows touched (views redraw only those)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import install_fixture_logs
from tests.services.test_importer import do_import
from tracker.services.context import Context


def test_first_import_names_its_days_and_sources_and_a_warm_one_none(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    first = do_import(ctx)
    assert first.sources_touched == {"claude-code", "codex"}
    assert first.days_touched == {date(2026, 6, 1), date(2026, 6, 2)}
    again = do_import(ctx)
    assert again.days_touched == frozenset()
    assert again.sources_touched == frozenset()
    assert not again.changed
