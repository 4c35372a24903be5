"""Numbers for headlines: compact (1.15 B tokens, $2.3k), three significant digits at most.

Headlines round; the exact figures stay in the tables and the appendix. Money is Decimal in,
rounded half-up, never through accumulated floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_STEPS = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k"))


def _three_digits(value: Decimal) -> str:
    """``value`` (>= 0) with three significant digits, no trailing zeros: 1.15, 12.3, 123."""
    places = 2 if value < 10 else 1 if value < 100 else 0
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def compact(value: int | Decimal, space: str = " ") -> str:
    """``1_147_779_782`` → ``"1.15 B"``; below a thousand the number itself."""
    d = Decimal(value)
    sign, d = ("-" if d < 0 else ""), abs(d)
    for i, (step, unit) in enumerate(_STEPS):
        if d >= step:
            shown = _three_digits(d / step)
            if shown == "1000" and i > 0:  # 999.9 k rounds up to the next unit
                return f"{sign}1{space}{_STEPS[i - 1][1]}"
            return f"{sign}{shown}{space}{unit}"
    return f"{sign}{_three_digits(d) if d != d.to_integral_value() else int(d)}"


def compact_tokens(n: int) -> str:
    return compact(n)


def compact_usd(value: Decimal) -> str:
    """``$2.3k``, ``$383``, ``$12.5``, ``$0.06``: at most three significant digits."""
    d = Decimal(value)
    if abs(d) < 1000 and abs(d).quantize(Decimal(1), rounding=ROUND_HALF_UP) < 1000:
        text = f"{abs(d).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
        if abs(d) >= 100:
            text = f"{abs(d).quantize(Decimal(1), rounding=ROUND_HALF_UP):f}"
        elif abs(d) >= 10:
            text = f"{abs(d).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"
        return ("-" if d < 0 else "") + "$" + text
    shown = compact(max(abs(d), Decimal(1000)), space="")  # 999.6 rounds to $1k
    return ("-" if d < 0 else "") + "$" + shown


def exact_usd(value: Decimal) -> str:
    """``$2,301.64``: to the cent, for tables and the appendix."""
    return f"${Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"
