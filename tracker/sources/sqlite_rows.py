"""Reading another tool's SQLite rows: probing its schema and taking loosely typed values.

Another tool's database changes shape between its releases (columns added by
``ALTER TABLE``, tables that appear later) and SQLite does not enforce column types, so a
reader asks which columns exist, selects only those (``NULL`` for the rest) and checks the
type of every value it takes.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from tracker.sources.normalize import timestamp_ok

# An epoch number above this is in milliseconds, below it in seconds (this is 2286 in seconds).
MS_THRESHOLD = 10**10


def table_columns(db: sqlite3.Connection, table: str) -> frozenset[str]:
    """The columns ``table`` has; empty when there is no such table.

    Raises ``sqlite3.Error`` when the file is not a readable database (the caller reports it).
    """
    rows = db.execute("SELECT name FROM pragma_table_info(?)", (table,)).fetchall()
    return frozenset(r[0] for r in rows if isinstance(r[0], str))


def select_list(columns: frozenset[str], wanted: Iterable[str], prefix: str = "") -> str:
    """``wanted`` as a select list: each column that exists, ``NULL`` in place of one that does not.

    Names come from the reader's own constants, never from the database, so quoting them
    with double quotes is enough.
    """
    return ", ".join(f'{prefix}"{c}"' if c in columns else "NULL" for c in wanted)


def text(value: object) -> str:
    """A text column's value, or "" when it holds something else (a number, a blob, NULL)."""
    return value if isinstance(value, str) else ""


def timestamp_ms(value: object) -> int | None:
    """A timestamp column as UTC epoch milliseconds, or None when it is not one.

    Tools write ISO 8601 with or without a zone (no zone is UTC, SQLite's
    ``CURRENT_TIMESTAMP``), ``YYYY-MM-DD HH:MM:SS``, a bare date, or epoch seconds/ms.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float):
        ms = int(value) if abs(value) >= MS_THRESHOLD else int(value * 1000)
        return ms if timestamp_ok(ms) else None
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    if raw.isdigit():
        return timestamp_ms(int(raw))
    try:
        dt = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    ms = int(dt.timestamp() * 1000)
    return ms if timestamp_ok(ms) else None
