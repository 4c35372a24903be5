"""``tokenworth usage daily|weekly|monthly|session``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any

import msgspec

from tracker.cli.args import day
from tracker.cli.import_cmd import import_now, report_problems
from tracker.cli.table import render_table, tokens
from tracker.cli.terminal import printable, say
from tracker.core.errors import UsageError
from tracker.services.context import Context
from tracker.services.usage import (
    UsageQuery,
    UsageReport,
    build_usage_report,
    import_and_render,
    money,
    report_json,
)
from tracker.sources.registry import SOURCES


def register(sub: Any) -> None:
    p = sub.add_parser("usage", help="tokens and cost by day, week, month, session or project")
    p.add_argument("period", choices=["daily", "weekly", "monthly", "session", "project"])
    p.add_argument("--since", type=day, metavar="DATE", help="first day (YYYY-MM-DD), inclusive")
    p.add_argument("--until", type=day, metavar="DATE", help="last day (YYYY-MM-DD), inclusive")
    p.add_argument("--timezone", metavar="IANA", help="group days in this zone (default: settings/system)")
    p.add_argument("--source", choices=sorted(SOURCES), help="only this tool")
    p.add_argument("--project", metavar="PATH", help="only this project folder (and folders under it)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--no-import", action="store_true", help="report what is stored; read no logs")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if args.since and args.until and args.since > args.until:
        raise UsageError("--since is after --until")
    query = UsageQuery(
        period=args.period,
        timezone=ctx.timezone(args.timezone),
        since=args.since,
        until=args.until,
        source=args.source,
        project=args.project,
    )
    status = 0
    render = _render_json if args.json else _render_text
    if args.no_import:
        report = build_usage_report(ctx.reader(), query, ctx.price_overrides(), ctx.read_helpers())
        body, warnings = render(report), report.warnings
    else:
        fmt = "json" if args.json else "text"
        summary, (body, warnings) = import_and_render(ctx, query, lambda conn: import_now(ctx, conn), render, fmt)
        report_problems(summary)
        status = 1 if summary.skipped else 0
    for warning in warnings:
        say(f"warning: {warning}")
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return status


def _render_json(report: UsageReport) -> bytes:
    return msgspec.json.format(msgspec.json.encode(report_json(report)), indent=2) + b"\n"


def _render_text(report: UsageReport) -> bytes:
    return (render_human(report) + "\n").encode()


def _cost(value: Any, unpriced: int) -> str:
    text = f"${money(value):,.2f}"
    return text + "*" if unpriced else text


FIRST_COLUMN = {"daily": "Day", "weekly": "Week", "monthly": "Month", "session": "Session", "project": "Project"}
MODELS_WIDTH = 48  # a busy week uses many models; the table must still fit a terminal


def models_cell(models: Iterable[str]) -> str:
    """Model names, shortened to fit: ``a, b +3 more``."""
    names = sorted(models)
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        candidate = ", ".join([*shown, name]) + (f" +{rest} more" if rest else "")
        if shown and len(candidate) > MODELS_WIDTH:
            return ", ".join(shown) + f" +{len(names) - len(shown)} more"
        shown.append(name)
    return ", ".join(shown)


def render_human(report: UsageReport) -> str:
    if not report.rows:
        return "No usage recorded for this selection. Run 'tokenworth sources' to see where logs are looked for."
    session = report.query.period == "session"
    first_col = FIRST_COLUMN[report.query.period]
    headers = [
        first_col,
        *(["Tool", "Project"] if session else []),
        "Models",
        "Input",
        "Output",
        "Cache write",
        "Cache read",
        "Total tokens",
        "Cost",
    ]
    rows = []
    for r in [*report.rows, report.total]:
        is_total = r is report.total
        t = r.totals
        extra = []
        if session:
            project = report.session_info.get((r.source, r.session_id), ("", ""))[0]
            extra = ["" if is_total else r.source, "" if is_total else project]
        label = "Total" if is_total else (r.period[:8] + "…" if session and len(r.period) > 9 else r.period)
        rows.append(
            [
                label,
                *extra,
                "" if is_total else models_cell(r.models),
                tokens(t.input_tokens),
                tokens(t.output_tokens),
                tokens(t.cache_creation_tokens),
                tokens(t.cache_read_tokens),
                tokens(t.total_tokens),
                _cost(t.cost_usd, t.unpriced_tokens),
            ]
        )
    n = len(headers)
    table = render_table(headers, rows, right=range(n - 6, n))
    notes = [printable(f"Times in {report.query.timezone}. Prices: {report.price_source}.")]
    if report.unpriced:
        notes.append("* includes tokens of models with no known price (not in the cost).")
    return table + "\n\n" + "\n".join(notes)
