"""Model names, week labels and compact headline numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.core.compact_numbers import compact_tokens, compact_usd, exact_usd
from tracker.core.display_names import model_name, week_label


@pytest.mark.parametrize(
    ("model", "name"),
    [
        ("claude-sonnet-4-5-20250929", "Sonnet 4.5"),
        ("claude-sonnet-4-5", "Sonnet 4.5"),
        ("anthropic/claude-opus-4-1", "Opus 4.1"),
        ("us.anthropic.claude-sonnet-4-20250514-v1:0", "Sonnet 4"),
        ("gpt-5-codex", "GPT-5 Codex"),
        ("openai/gpt-5", "GPT-5"),
        ("gemini-2.5-pro", "Gemini 2.5 Pro"),
        ("my-local-model:7b", "my-local-model:7b"),  # unknown: as logged
        ("", ""),
    ],
)
def test_model_names(model: str, name: str) -> None:
    assert model_name(model) == name


def test_week_labels() -> None:
    assert week_label("2025-W38") == "15–21 Sep"
    assert week_label("2025-W40") == "29 Sep – 5 Oct"
    assert week_label("2026-W01") == "29 Dec 2025 – 4 Jan 2026"
    assert week_label("2025-W99") == "2025-W99" and week_label("June") == "June"


def test_compact_numbers() -> None:
    assert compact_tokens(1_147_779_782) == "1.15 B"
    assert [compact_tokens(n) for n in (0, 999, 1000, 1500, 999_950, 12_345_678)] == [
        "0", "999", "1 k", "1.5 k", "1 M", "12.3 M"
    ]  # fmt: skip
    assert compact_usd(Decimal("2301.64")) == "$2.3k"
    assert [compact_usd(Decimal(v)) for v in ("0.061", "12.46", "383.61", "999.6", "1234567")] == [
        "$0.06", "$12.5", "$384", "$1k", "$1.23M"
    ]  # fmt: skip
    assert exact_usd(Decimal("2301.645")) == "$2,301.65"
