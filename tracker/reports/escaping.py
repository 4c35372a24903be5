"""Text from commits, tickets and logs, made inert for the formats it is written into.

Task titles are written by other people (commit subjects, tracker exports), so a report must
not turn them into spreadsheet formulas (OWASP "CSV injection") or into HTML and links when
the Markdown is pasted into a wiki.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

# A spreadsheet treats a cell starting with one of these as a formula (or strips it and then does).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SAFE_SCHEMES = ("http", "https", "mailto")

_MD_SPECIAL = re.compile(r"([\\`<>\[\]()|])")
_MD_SPACE = re.compile(r"[\r\n\t]+")


def csv_cell(value: Any) -> Any:
    """A text cell that would start a formula gets a leading ``'`` (shown as text by spreadsheets)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def md_text(text: str) -> str:
    """``text`` as literal Markdown inline text: no HTML, link, code span or table cell break."""
    return _MD_SPACE.sub(" ", _MD_SPECIAL.sub(r"\\\1", text))


def md_link(url: str) -> str:
    """A link for an http(s) or mailto URL; anything else (``javascript:``, ``data:``…) as text."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return md_text(url)
    ok = parts.scheme.lower() in SAFE_SCHEMES and not re.search(r"[\s<>\x00-\x1f\x7f]", url)
    if not ok or not (parts.netloc or parts.scheme.lower() == "mailto"):
        return md_text(url)
    label = url.split(":", 1)[1].lstrip("/") if parts.scheme.lower() == "mailto" else parts.netloc + parts.path
    return f"[{md_text(label.rstrip('/') or url)}](<{url}>)"
