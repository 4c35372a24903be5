"""``--format org-csv``: one row per day in the columns managers' dashboards use, so the
employee's numbers can be set beside the admin dashboard row by row."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tracker.reports.escaping import csv_cell
from tracker.reports.output import output_path
from tracker.services.org_days import OrgDay
from tracker.services.usage import money

COLUMNS = ["date", "num_sessions", "requests", "lines_added", "lines_removed", "commits", "pull_requests",
           "input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens", "total_tokens",
           "cost_usd"]  # fmt: skip
MODEL_PREFIX = "tokens:"  # then the model id as the tool logged it, as in the admin APIs' model_breakdown


def org_rows(days: list[OrgDay]) -> list[list[Any]]:
    """The header, then a row per day; a ``tokens:<model>`` column for every model of the period."""
    models = sorted({m for d in days for m in d.models})
    rows: list[list[Any]] = [[*COLUMNS, *(MODEL_PREFIX + m for m in models)]]
    for d in days:
        t = d.totals
        rows.append([
            d.day.isoformat(), d.sessions, t.events, d.lines_added, d.lines_removed, d.commits, d.pull_requests,
            t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_creation_tokens, t.total_tokens,
            money(t.cost_usd), *(d.models[m].total_tokens if m in d.models else 0 for m in models),
        ])  # fmt: skip
    return rows


def write_org_csv(days: list[OrgDay], out: Path) -> None:
    """Written whole or not at all; text cells that a spreadsheet would run are quoted."""
    buf = io.StringIO()
    csv.writer(buf).writerows([csv_cell(cell) for cell in row] for row in org_rows(days))
    with output_path(out) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8")
