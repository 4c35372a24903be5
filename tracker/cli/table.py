"""Plain-text tables for people; ``--json`` is for machines."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.cli.terminal import printable


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
