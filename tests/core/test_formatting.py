"""One money formatter and one plural helper: the same text in the tray, the dashboard and the CLI."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.core.formatting import money, plural, short_money, short_tokens, tokens


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0.165"), "$0.17"),  # half-even (f"{Decimal:.2f}") said $0.16: the tray bug
        (0.165, "$0.17"),  # a float names the same amount
        (Decimal("0.125"), "$0.13"),
        (Decimal("2301.6449"), "$2,301.64"),
        (Decimal("1234567.005"), "$1,234,567.01"),
        (0, "$0.00"),
        (Decimal("-0.001"), "$0.00"),  # no "-$0.00"
        (Decimal("-1.5"), "-$1.50"),
        (float("nan"), "—"),
        (float("inf"), "—"),
    ],
)
def test_money_rounds_half_up(value: Decimal | float, text: str) -> None:
    assert money(value) == text


def test_tray_and_dashboard_agree_on_11000_output_tokens() -> None:
    # 11,000 Sonnet output tokens at $15/M = $0.165 exactly.
    cost = Decimal(11_000) * Decimal(15) / Decimal(1_000_000)
    assert cost == Decimal("0.165")
    assert money(cost) == money(float(cost)) == "$0.17"


@pytest.mark.parametrize(
    ("value", "spacing", "text"),
    [
        (0.05, 0.05, "$0.05"),
        (0.1, 0.05, "$0.10"),
        (0, 0.05, "$0"),
        (150, 50, "$150"),
        (1200, 200, "$1.2k"),
        (2000, 500, "$2k"),
        (3_400_000, 1e6, "$3.4M"),
        (1.5, None, "$1.50"),
        (12, None, "$12"),
    ],
)
def test_short_money(value: float, spacing: float | None, text: str) -> None:
    assert short_money(value, spacing) == text


def test_plural_and_tokens() -> None:
    assert plural(1, "session") == "1 session"
    assert plural(0, "session") == "0 sessions"
    assert plural(1204, "entry", "entries") == "1,204 entries"
    assert plural(1, "active day") == "1 active day"
    assert tokens(1147779782) == "1,147,779,782"
    assert short_tokens(1_147_779_782) == "1.1B"
    assert short_tokens(999) == "999"


@pytest.mark.parametrize(
    ("model", "short"),
    [
        ("claude-sonnet-4-5-20250929", "Sonnet 4.5"),
        ("claude-opus-4-1-20250805", "Opus 4.1"),
        ("claude-3-5-sonnet-20241022", "Sonnet 3.5"),
        ("claude-haiku-4-5", "Haiku 4.5"),
        ("gpt-5-codex", "GPT-5 Codex"),
        ("gpt-5.1-codex-max", "GPT-5.1 Codex Max"),
        ("gemini-2.5-pro", "gemini-2.5-pro"),
        ("acme-20250101", "acme"),
    ],
)
def test_short_model(model: str, short: str) -> None:
    from tracker.core.formatting import short_model

    assert short_model(model) == short
