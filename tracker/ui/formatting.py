"""Numbers as people read them."""

from __future__ import annotations

from decimal import Decimal


def tokens(n: int) -> str:
    return f"{n:,}"


def short_tokens(n: int) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def money(value: Decimal | float) -> str:
    return f"${float(value):,.2f}"
