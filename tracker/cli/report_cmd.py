"""``tokenworth report``: the summary for a manager, as PDF, CSV, JSON or Markdown."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tracker.cli.args import day
from tracker.cli.terminal import printable, say
from tracker.core.errors import UsageError
from tracker.services.context import Context

REPORT_PERIODS = ("last-week", "last-month", "quarter", "this-week", "this-month", "last-30-days")


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="a summary of outcomes and AI usage, for your manager")
    p.add_argument(
        "--format",
        choices=["pdf", "csv", "json", "md", "org-csv"],
        required=True,
        help="org-csv: one row per day in the columns of managers' AI dashboards",
    )
    p.add_argument("--period", choices=REPORT_PERIODS, help="default: last-week")
    p.add_argument("--since", type=day, metavar="DATE")
    p.add_argument("--until", type=day, metavar="DATE")
    p.add_argument("--timezone", metavar="IANA")
    p.add_argument(
        "--device",
        metavar="NAME",
        help="only one machine's usage: 'this', or the name of a machine whose bundles were imported",
    )
    p.add_argument("--audience", choices=["summary", "detailed"], default="summary")
    p.add_argument("--redact", action="store_true", help="hide project paths, repository names and ticket titles")
    p.add_argument("--all-tasks", action="store_true", help="include tasks not marked for reports too")
    p.add_argument(
        "--include-estimates",
        action="store_true",
        help="also say the total with the tokens estimated from chat-app exports (marked ≈; the figures stay exact)",
    )
    p.add_argument("--page-size", choices=["A4", "Letter"], help="default: from the locale")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="for csv: a .zip, or a folder")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.services.report import ReportOptions, build_report, named_period

    tz = ctx.timezone(args.timezone)
    today = datetime.now(ZoneInfo(tz)).date()
    if args.since or args.until:
        if args.period:
            raise UsageError("give --period or --since/--until, not both")
        since, until = args.since or args.until, args.until or today
    else:
        since, until = named_period(args.period or "last-week", today)
    if since > until:
        raise UsageError("--since is after --until")
    out: Path = args.out
    if args.format == "org-csv" and args.device is not None:
        raise UsageError("--device is for the report formats; org-csv rows are the person's days on every machine")
    if args.format == "org-csv":
        from tracker.reports.org_csv import write_org_csv
        from tracker.services.org_days import build_org_days

        write_org_csv(build_org_days(ctx.reader(), tz, since, until, ctx.price_overrides()), out)
        say(f"{out}: one row per day, {since} to {until}")
        print(printable(str(out)))
        return 0
    device, device_label = None, ""
    if args.device is not None:
        from tracker.cli.usage_cmd import device_id
        from tracker.core.settings_schema import DEVICE_NAME
        from tracker.services.device_scope import device_choices, device_named

        device = device_id(ctx, args.device)
        with ctx.reader() as store:
            device_label = device_named(device_choices(store, ctx.settings.value(DEVICE_NAME)), device)
    options = ReportOptions(
        since, until, tz, args.audience, args.redact, not args.all_tasks, include_estimates=args.include_estimates,
        device=device, device_name=device_label,
    )  # fmt: skip
    report = build_report(ctx, ctx.reader(), options)
    if args.format == "json":
        from tracker.reports.text_formats import write_json

        write_json(report, out)
    elif args.format == "md":
        from tracker.reports.text_formats import write_markdown

        write_markdown(report, out)
    elif args.format == "csv":
        from tracker.reports.text_formats import write_csv

        write_csv(report, out)
    else:
        from tracker.reports.pdf import write_pdf  # Qt: loaded only for a PDF

        pages = write_pdf(report, out, args.page_size)
        say(f"{out}: {pages} page(s), {report.period_label}")
    from tracker.analytics.value_figures import summary_line  # here: 'usage' imports this module for its periods

    on = f" ({device_label} only)" if device is not None else ""
    say(f"{report.period_label}{on}: {summary_line(report.figures)}")
    print(printable(str(out)))
    return 0
