"""``tokenworth import [FILE…]``: incremental import of every detected source's logs, or,
with files, of those export files only (sniffed: Cursor, Anthropic Console, OpenAI, Copilot)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tracker.cli.progress import Progress
from tracker.cli.terminal import printable, say
from tracker.services.context import Context
from tracker.services.export_import import FilesImport, import_files
from tracker.services.importer import ImportSummary, run_import

EXIT_UNRECOGNISED = 2


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="read new lines from every detected tool's logs, or import export files",
        description=(
            "With no FILE: read what is new in every detected tool's logs. With FILEs: import only "
            "those provider exports (Cursor usage CSV, Anthropic Console usage or cost CSV, OpenAI "
            "usage export, GitHub Copilot premium-request report, or a ZIP of them); the format is "
            "recognised from the file. Importing a file again, or an overlapping export, never counts "
            "twice. Exit 1 when rows were skipped, 2 when a file is not a known format."
        ),
    )
    p.add_argument("files", nargs="*", metavar="FILE", type=Path, help="export files to import (default: the logs)")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    p.set_defaults(handler=handle)


def import_now(ctx: Context, conn: Any) -> ImportSummary:
    progress = Progress()
    try:
        return run_import(conn, home=ctx.home, env=ctx.env, config=ctx.source_config(), progress=progress)
    finally:
        progress.finish()


def report_problems(summary: ImportSummary) -> None:
    """Tell the user, on stderr, what was skipped and where to look."""
    for s in summary.sources.values():
        for error in s.errors[:10]:
            say(error)
        if s.skipped:
            say(f"{s.name}: skipped {s.skipped:,} unusable line(s); 'tokenworth sources' lists them")


def files_json(summary: FilesImport) -> dict[str, Any]:
    return {
        "files": [
            {
                "path": f.path,
                "format": f.format,
                "source": f.source,
                "rows": f.rows,
                "events": f.events,
                "events_new": f.events_new,
                "provider_new": f.provider_new,
                "provider_replaced": f.provider_replaced,
                "skipped_lines": f.skipped,
                "skipped": [{"line": n, "reason": r} for n, r in f.skipped_lines],
                "error": f.error,
                "recognised": not f.unrecognised,
                "notes": f.notes,
            }
            for f in summary.files
        ]
    }


def handle_files(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.writer() as store, store.guard():
        summary = import_files(store, args.files)
    for f in summary.files:
        if f.error:
            say(f.message)
        elif not args.json:
            for line in f.message.splitlines():
                print(printable(line))
    if args.json:
        print(json.dumps(files_json(summary), indent=2, ensure_ascii=False))
    if summary.unrecognised:
        return EXIT_UNRECOGNISED
    return 1 if summary.skipped else 0


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if args.files:
        return handle_files(ctx, args)
    with ctx.writer() as store, store.guard():  # the import lock: a second import is told who runs
        summary = import_now(ctx, store.write_connection())
        report_problems(summary)
        from tracker.services.tasks import import_git  # only this command reads git

        repos = import_git(ctx, store)
    for r in repos:
        if r.error:
            say(f"git: {r.error}")
    if args.json:
        print(
            json.dumps(
                {
                    name: {
                        "files_seen": s.files_seen,
                        "files_read": s.files_read,
                        "new_lines": s.new_lines,
                        "events_read": s.events_read,
                        "skipped_lines": s.skipped,
                        "errors": s.errors,
                    }
                    for name, s in summary.sources.items()
                }
                | {
                    "git": [
                        {"repo": r.repo, "commits_read": r.commits_read, "tasks_new": r.tasks_new, "error": r.error}
                        for r in repos
                    ]
                },
                indent=2,
            )
        )
    else:
        for s in summary.sources.values():
            print(
                f"{s.name}: {s.files_seen} file(s), {s.files_read} read, "
                f"{s.events_read:,} usage record(s) in {s.new_lines:,} new line(s)"
            )
        for r in repos:
            print(printable(f"git {r.repo}: {r.commits_read} new commit(s), {r.tasks_new} new task(s)"))
    return 1 if summary.skipped or any(r.error for r in repos) else 0
