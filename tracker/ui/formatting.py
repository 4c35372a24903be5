"""Numbers as people read them."""

from __future__ import annotations

from decimal import Decimal

from tracker.reports.charts import short_tokens

__all__ = ["money", "short_tokens", "tokens"]


def tokens(n: int) -> str:
    return f"{n:,}"


def money(value: Decimal | float) -> str:
    return f"${float(value):,.2f}"
