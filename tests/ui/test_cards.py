"""Cards: a "?" with the definition, the change since the previous period, display names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import install_fixture_logs
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.ui.dashboard_page import DashboardPage
from tracker.ui.formatting import model_name, tool_name
from tracker.ui.help_page import CARD_HELP


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    install_fixture_logs(home)
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    ctx.settings.set("general.timezone", "UTC")
    return ctx


def test_display_names() -> None:
    assert model_name("claude-sonnet-4-5-20250929") == "Sonnet 4.5"
    assert model_name("gpt-5-codex") == "GPT-5 Codex"
    assert model_name("acme-unknown-7") == "acme-unknown-7"  # never guessed
    assert (tool_name("claude-code"), tool_name("codex"), tool_name("nope")) == ("Claude Code", "Codex CLI", "nope")


def test_cards_explain_themselves_and_compare_with_the_previous_period(qtbot, loaded: Context) -> None:
    page = DashboardPage(loaded, loaded.reader)
    qtbot.addWidget(page)
    page.show_range(date(2026, 6, 1), date(2026, 6, 2))
    for key, card in page.cards.items():
        assert card.help.toolTip() == CARD_HELP[key] and card.help.isVisibleTo(page)
    cards = page.cards
    assert cards["tokens"].delta.text() == "▲ new vs 30–31 May"
    assert cards["active"].value.text() == "2 of 2"
    assert cards["active"].delta.text() == "▲ 2 vs 30–31 May"
    page.step(1)  # 3-4 June: nothing, against 1-2 June's 64,703 tokens
    assert page.selected_range() == (date(2026, 6, 3), date(2026, 6, 4))
    assert cards["tokens"].delta.text() == "▼ 100% vs 1–2 Jun"
    assert cards["tokens"].delta.toolTip() == "64,703 in the previous period (1–2 Jun)"
    assert cards["tasks"].delta.text() == ""  # none then, none now: nothing to say
    assert cards["active"].delta.text() == "▼ 2 vs 1–2 Jun"
    page.step(-1)
    bars = {name for name, _, _ in page.by_tool.rows}
    assert bars == {"Claude Code", "Codex CLI"}
    assert "Claude Code: claude-code" in page.by_tool.toolTip()
    models = {name for name, _, _ in page.by_model.rows}
    assert "Sonnet 4.5" in models and "claude-sonnet-4-5-20250929" in page.by_model.toolTip()


def test_a_large_rise_reads_as_a_multiple() -> None:
    from tracker.ui.dashboard_page import change

    assert change(206_236, 1_600, "4 Oct – 2 Nov", str)[0] == "▲ 129× vs 4 Oct – 2 Nov"
    assert change(150, 100, "May", str)[0] == "▲ 50% vs May"
    assert change(999, 100, "May", str)[0] == "▲ 899% vs May"  # under ten times: a percentage still
    assert change(10, 100, "May", str)[0] == "▼ 90% vs May"
