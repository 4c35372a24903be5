"""Numbers as people read them: one money formatter and one plural helper for the whole app.

Qt-free, so the CLI, the reports, the tray and the dashboard all say the same thing. Money is
rounded half-up from its exact ``Decimal`` value: ``f"{Decimal('0.165'):.2f}"`` rounds half-even
to 0.16 while ``f"{float(...):.2f}"`` gives 0.17, which is how the tray and the dashboard once
disagreed by a cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["cents", "money", "plural", "short_model", "short_money", "short_tokens", "to_decimal", "tokens"]

_CENT = Decimal("0.01")


def to_decimal(value: Decimal | float | int) -> Decimal:
    """The exact value of ``value``; a float is read as the shortest decimal that names it."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # 0.165 → Decimal("0.165"), not 0.16499999…
    return Decimal(value)


def cents(value: Decimal | float | int) -> Decimal | None:
    """``value`` rounded half-up to whole cents from its exact value; None for NaN/∞ or what
    is no number (every money formatter, here and in the views, starts from this)."""
    try:
        exact = to_decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not exact.is_finite():
        return None
    return exact.quantize(_CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | float | int) -> str:
    """``$1,234.57``; cents rounded half-up; ``-$0.50`` for negatives; ``—`` for NaN/∞."""
    d = cents(value)
    if d is None:
        return "—"
    if d == 0:
        d = abs(d)  # no "-$0.00"
    return f"{'-' if d < 0 else ''}${abs(d):,.2f}"


def short_money(value: float, spacing: float | None = None) -> str:
    """A compact amount for axis ticks: ``$0.05``, ``$12``, ``$1.2k``, ``$3.4M``.

    ``spacing`` (the distance between ticks) decides whether cents are needed.
    """
    sign, v = ("-" if value < 0 else ""), abs(value)
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= size:
            text = f"{v / size:.1f}".removesuffix(".0")
            return f"{sign}${text}{unit}"
    step = v if spacing is None else spacing
    if v == 0:
        return "$0"
    if step < 1 or (spacing is None and v != int(v)):
        text = str(Decimal(repr(v)).quantize(_CENT, rounding=ROUND_HALF_UP))
        return f"{sign}${text}"
    return f"{sign}${v:,.0f}"


def tokens(n: int) -> str:
    return f"{n:,}"


def short_tokens(n: int) -> str:
    """``1.2k``, ``3.4M``, ``1.1B``; whole numbers below a thousand."""
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 session``, ``2 sessions``, ``1,204 entries`` (``many`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


_FAMILIES = ("opus", "sonnet", "haiku")


def short_model(model: str) -> str:
    """A model id as people say it: ``claude-sonnet-4-5-20250929`` → ``Sonnet 4.5``,
    ``gpt-5.1-codex-max`` → ``GPT-5.1 Codex Max``; unknown ids lose only a date suffix."""
    parts = model.split("-")
    if parts and len(parts[-1]) == 8 and parts[-1].isdigit():
        parts = parts[:-1]  # the release date
    if parts[:1] == ["claude"]:
        family = next((p for p in parts if p in _FAMILIES), None)
        numbers = [p for p in parts[1:] if p.isdigit()]
        if family:
            return f"{family.capitalize()} {'.'.join(numbers)}".strip()
    if parts[:1] == ["gpt"] and len(parts) > 1:
        return " ".join([f"GPT-{parts[1]}", *(p.capitalize() for p in parts[2:])])
    return "-".join(parts) or model
