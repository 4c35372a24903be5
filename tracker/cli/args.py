"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
from datetime import date


def day(text: str) -> date:
    """A ``YYYY-MM-DD`` date, with a message argparse shows as is."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
