"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
import re
from datetime import date

# A day's local midnight must be a UTC instant in every zone (offsets reach ±14 h) and the day
# after ``--until`` must exist: one day of margin at each end of what ``datetime`` can hold.
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


def day(text: str) -> date:
    """A ``YYYY-MM-DD`` date, with a message argparse shows as is."""
    try:
        value = date.fromisoformat(text)
    except ValueError as exc:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # the right shape, but no such day
            raise argparse.ArgumentTypeError(f"{text} is not a day of the calendar ({exc})") from None
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"{text} is outside the dates Tokenworth handles ({FIRST_DAY} to {LAST_DAY})")
    return value
