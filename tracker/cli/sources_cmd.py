"""``tokenworth sources``: what was found where, and what could not be read."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from tracker.cli.terminal import printable
from tracker.services.context import Context
from tracker.services.sources_status import SourceStatus, rollup_state, source_statuses


def register(sub: Any) -> None:
    p = sub.add_parser("sources", help="where each tool's logs are and how reading them went")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle)


def _when(ms: int | None) -> str:
    if ms is None:
        return "never"
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def handle(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.reader() as store:
        statuses = source_statuses(ctx, store)
        summary = rollup_state(store)
    if args.json:
        print(json.dumps([asdict(s) for s in statuses], indent=2, ensure_ascii=False))
        return 0
    for s in statuses:
        _print_status(s)
    print(printable(f"Data folder: {ctx.paths.root}"))
    print(summary)
    print("Stored: usage metadata only (tokens, model, time, session, project path); never prompts or code.")
    print(f"log: {ctx.paths.log}")
    return 0


def _print_status(s: SourceStatus) -> None:
    def out(text: str = "") -> None:
        print(printable(text))  # paths, reasons and errors come from the disk and the logs

    state = "on" if s.enabled else f"off (sources.{s.name}.enabled)"
    out(f"{s.label} [{s.name}] — {state}")
    if s.found:
        for root in s.found:
            out(f"  found: {root}")
    elif not s.roots:  # no log folder: read from files handed in (exports) or sent (OTLP)
        out(
            "  no log folder: its usage comes from 'tokenworth import FILE' or the OTLP receiver ('tokenworth receive')"
        )
    else:
        out(f"  no logs found under {', '.join(s.roots)}")
    out(f"  files: {s.files:,}   usage records: {s.events:,}   last import: {_when(s.last_import_ms)}")
    if s.skipped_lines:
        out(f"  skipped lines: {s.skipped_lines:,} (first ones below)")
        for path, line_no, reason in s.skipped_first:
            out(f"    {path}:{line_no}: {reason}")
    for what, count in s.ignored.items():
        out(f"  ignored: {what} ({count:,} line(s))")
    for error in s.errors[:10]:
        out(f"  error: {error}")
    out()
