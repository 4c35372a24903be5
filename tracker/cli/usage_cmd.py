"""``tokenworth usage daily|weekly|monthly|session``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

import msgspec

from tracker.cli.args import day
from tracker.cli.import_cmd import import_now, report_problems
from tracker.cli.report_cmd import REPORT_PERIODS
from tracker.cli.table import fit_columns, render_table, terminal_width, tokens
from tracker.cli.terminal import printable, say
from tracker.core.errors import UsageError
from tracker.core.timezones import get_zone
from tracker.services.context import Context
from tracker.services.tool_spend import ToolSpend, subscription_note
from tracker.services.usage import (
    UsageQuery,
    UsageReport,
    build_usage_report,
    cache_key,
    import_and_render,
    money,
    report_json,
)
from tracker.sources.registry import SOURCES


def register(sub: Any) -> None:
    p = sub.add_parser("usage", help="tokens and cost by day, week, month, session or project")
    p.add_argument("grouping", choices=["daily", "weekly", "monthly", "session", "project"], metavar="PERIOD",
                   help="daily, weekly, monthly, session or project")  # fmt: skip
    p.add_argument("--period", choices=REPORT_PERIODS, help="a named period, as for 'tokenworth report'")
    p.add_argument("--since", type=day, metavar="DATE", help="first day (YYYY-MM-DD, yesterday, 7d), inclusive")
    p.add_argument("--until", type=day, metavar="DATE", help="last day (YYYY-MM-DD, today, 1d), inclusive")
    p.add_argument("--timezone", metavar="IANA", help="group days in this zone (default: settings/system)")
    p.add_argument("--source", choices=sorted(SOURCES), help="only this tool")
    p.add_argument("--project", metavar="PATH", help="only this project folder (and folders under it)")
    p.add_argument(
        "--device",
        metavar="NAME",
        help="only one machine's usage: 'this', or the name of a machine whose bundles were imported",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--no-import", action="store_true", help="report what is stored; read no logs")
    p.set_defaults(handler=handle)


def device_id(ctx: Context, name: str) -> str:
    """'this' → "" (this machine); else the device whose name or id (a prefix) it is."""
    if name.lower() == "this":
        return ""
    with ctx.reader() as store:
        devices = store.devices.devices()
    found = [d for d in devices if d.name.lower() == name.lower() or d.device_id.startswith(name)]
    if len(found) != 1:
        known = ", ".join(sorted({d.name for d in devices})) or "none: no bundle imported yet"
        raise UsageError(f"no single machine called {name!r} (known: 'this', {known})")
    return found[0].device_id


def handle(ctx: Context, args: argparse.Namespace) -> int:
    tz = ctx.timezone(args.timezone)
    since, until = args.since, args.until
    if args.period:
        from tracker.services.report import named_period  # the report's periods, loaded only here

        if since or until:
            raise UsageError("give --period or --since/--until, not both")
        since, until = named_period(args.period, datetime.now(get_zone(tz)).date())
    if since and until and since > until:
        raise UsageError("--since is after --until")
    query = UsageQuery(
        period=args.grouping,
        timezone=tz,
        since=since,
        until=until,
        source=args.source,
        project=args.project,
        device=None if args.device is None else device_id(ctx, args.device),
    )
    status = 0
    render = _render_json if args.json else _render_text
    if args.no_import:
        report = build_usage_report(ctx.reader(), query, ctx.price_overrides(), ctx.read_helpers(), tool_costs=True)
        body, warnings = render(report), report.warnings
    else:
        fmt = "json" if args.json else f"text:{terminal_width()}"  # the width is part of what is cached
        summary, (body, warnings) = import_and_render(ctx, query, lambda conn: import_now(ctx, conn), render, fmt)
        report_problems(summary)
        status = 1 if summary.skipped else 0
        if not status and not ctx.settings.problems:  # printed nothing but the report: the next run may start warm
            from tracker.cli.warm_start import remember

            remember(ctx, args.argv, args.started, cache_key(ctx, query, fmt, render), tz)
    for warning in warnings:
        say(f"warning: {warning}")
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return status


def _render_json(report: UsageReport) -> bytes:
    return msgspec.json.format(msgspec.json.encode(report_json(report)), indent=2) + b"\n"


def _render_text(report: UsageReport) -> bytes:
    return (render_human(report, terminal_width()) + "\n").encode()


NUMBER_COLUMNS = frozenset({"Input", "Output", "Cache write", "Cache read", "Total tokens", "Cost", "Tool's est."})
COVERED = "†"  # the row's cost includes spend a subscription covered


def started(ms: int, zone: tzinfo) -> str:
    """A session's first request as a local ``YYYY-MM-DD HH:MM``."""
    try:
        return datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):  # an instant no date can hold
        return "?"


def _cost(value: Any, unpriced: int, covered: bool = False) -> str:
    text = f"${money(value):,.2f}"
    return text + ("*" if unpriced else "") + (COVERED if covered else "")


def _estimate(spend: ToolSpend) -> str:
    """The tool's own estimate, where a tool priced the row's requests."""
    est = spend.tool_cost_usd
    return "" if est is None else f"${money(est):,.2f}"


def tool_notes(report: UsageReport) -> list[str]:
    """What the tools said, below the table: their estimate where it differs from the priced
    cost, and the spend a subscription covered."""
    total = report.row_tool_spend(report.total)
    notes = []
    est = total.tool_cost_usd
    if est is not None and total.estimate_differs:
        n = total.tool_requests
        notes.append(f"Tool's est.: the tools' own estimate, ${money(est):,.2f} for the {n:,} request"
                     f"{'s' if n != 1 else ''} they priced (Cost, Tokenworth's price: "
                     f"${money(total.tool_priced_cost):,.2f} for them).")  # fmt: skip
    if (covered := subscription_note(total)) is not None:
        notes.append(f"{COVERED} Cost ${money(report.total.totals.cost_usd):,.2f}: {covered}.")
    return notes


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


def render_human(report: UsageReport, width: int | None = None) -> str:
    """The table for people; ``width`` (the terminal's) leaves out the token kinds, then the
    models, when the whole table would not fit."""
    if not report.rows:
        return "No usage recorded for this selection. Run 'tokenworth sources' to see where logs are looked for."
    session = report.query.period == "session"
    first_col = FIRST_COLUMN[report.query.period]
    zone = get_zone(report.query.timezone)
    headers = [
        first_col,
        *(["Start", "Tool", "Project"] if session else []),
        "Models",
        "Input",
        "Output",
        "Cache write",
        "Cache read",
        "Total tokens",
        "Cost",
    ]
    estimates = any(s.tool_requests for per in report.tool_spend.values() for s in per.values())
    if estimates:
        headers.append("Tool's est.")
    rows = []
    for r in [*report.rows, report.total]:
        is_total = r is report.total
        t = r.totals
        spend = report.row_tool_spend(r)
        extra = []
        if session:
            project = report.session_info.get((r.source, r.session_id), ("", ""))[0]
            start = "" if is_total or r.first_ms is None else started(r.first_ms, zone)
            extra = [start, "" if is_total else r.source, "" if is_total else project]
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
                _cost(t.cost_usd, t.unpriced_tokens, spend.subscription_requests > 0),
                *([_estimate(spend)] if estimates else []),
            ]
        )
    n = headers.index("Cost") + 1
    models = headers.index("Models")
    drop = [n - 6, n - 5, n - 4, n - 3, models] + ([n] if estimates else [])
    shown, rows, left_out = fit_columns(headers, rows, drop, width)
    m = len(shown)
    numbers = [i for i, h in enumerate(shown) if h in NUMBER_COLUMNS]
    table = render_table(shown, rows, right=numbers if numbers else range(m - 2, m))
    notes = [printable(f"Times in {report.query.timezone}. Prices: {report.price_source}.")]
    if left_out:
        notes.append(f"Narrow terminal: {', '.join(left_out)} left out (a wider window or --json shows them).")
    if report.unpriced:
        notes.append("* includes tokens of models with no known price (not in the cost).")
    notes += [printable(n) for n in tool_notes(report)]
    notes += [printable(f"{o.note()}.") for o in report.outside]
    return table + "\n\n" + "\n".join(notes)
