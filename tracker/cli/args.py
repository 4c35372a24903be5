"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
import re
from datetime import date, timedelta

# A day's local midnight must be a UTC instant in every zone (offsets reach ±14 h) and the day
# after ``--until`` must exist: one day of margin at each end of what ``datetime`` can hold.
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


RELATIVE = re.compile(r"(\d{1,5})([dw])")  # 7d: seven days ago; 2w: two weeks ago


def relative_day(text: str, today: date) -> date | None:
    """``today``, ``yesterday``, ``7d`` (seven days ago), ``2w``; None for anything else."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if m := RELATIVE.fullmatch(word):
        return today - timedelta(days=int(m.group(1)) * (7 if m.group(2) == "w" else 1))
    return None


def day(text: str) -> date:
    """A ``YYYY-MM-DD`` date, or ``today``/``yesterday``/``7d``/``2w`` counted back from the
    system's date, with a message argparse shows as is."""
    relative = relative_day(text, date.today())
    if relative is not None:
        return relative
    try:
        value = date.fromisoformat(text)
    except ValueError as exc:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # the right shape, but no such day
            raise argparse.ArgumentTypeError(f"{text} is not a day of the calendar ({exc})") from None
        raise argparse.ArgumentTypeError(
            f"expected a date as YYYY-MM-DD, today, yesterday or a count back such as 7d or 2w; got {text!r}"
        ) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"{text} is outside the dates Tokenworth handles ({FIRST_DAY} to {LAST_DAY})")
    return value
