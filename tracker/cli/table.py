"""Plain-text tables for people; ``--json`` is for machines."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

from tracker.cli.terminal import printable


def terminal_width() -> int | None:
    """How wide the table may be: ``COLUMNS`` when set, the terminal's width when printing to
    one, else None (a pipe or a file gets every column)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def fit_columns(
    headers: Sequence[str], rows: Sequence[Sequence[str]], drop: Sequence[int], width: int | None
) -> tuple[list[str], list[list[str]], list[str]]:
    """Leave out the columns in ``drop`` (in that order) until the table fits ``width``;
    returns the headers, rows and the names left out."""
    keep = list(range(len(headers)))

    def table_width() -> int:
        cells = [[headers[i] for i in keep], *([row[i] for i in keep] for row in rows)]
        return sum(max(len(printable(r[k])) for r in cells) for k in range(len(keep))) + 2 * (len(keep) - 1)

    dropped: list[str] = []
    for column in drop:
        if width is None or table_width() <= width:
            break
        keep.remove(column)
        dropped.append(headers[column])
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in rows], dropped


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Columns padded to fit; the columns in ``right`` (numbers) are right-aligned. Cells come
    from logs and commits, so control characters are shown escaped (``printable``)."""
    headers = [printable(h) for h in headers]
    rows = [[printable(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def fmt(cells: Sequence[str]) -> str:
        parts = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(headers), rule, *(fmt(r) for r in rows)])


def tokens(n: int) -> str:
    return f"{n:,}"
