"""``tokenworth import [FILE…]``: incremental import of every detected source's logs (and the
shared bundle folders), or, with files, of those files only (exports, OTLP files, bundles;
sniffed), or through a saved field mapping."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.cli.progress import Progress
from tracker.cli.terminal import printable, say
from tracker.services.context import Context
from tracker.services.importer import ImportSummary, run_import

if TYPE_CHECKING:  # bundles and export files load only when used: 'usage' imports this module too
    from tracker.services.bundles import BundleImport
    from tracker.services.export_import import FilesImport, UsageMapping

EXIT_UNRECOGNISED = 2


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="read new lines from every detected tool's logs, or import export files",
        description=(
            "With no FILE: read what is new in every detected tool's logs. With FILEs: import only "
            "those provider exports (Cursor usage CSV, Anthropic Console usage or cost CSV, OpenAI "
            "usage export, GitHub Copilot premium-request report, or a ZIP of them); the format is "
            "recognised from the file. Also ChatGPT and Claude.ai data exports (tokens estimated from "
            "the text, kept apart from exact usage), OTLP files, bundles written by 'tokenworth "
            "export-bundle' on your other machines, and with --mapping any CSV/JSON/JSONL of a tool's "
            "usage. Importing a file again, or an overlapping export, never counts twice. Exit 1 when "
            "rows were skipped, 2 when a file is not a known format."
        ),
    )
    p.add_argument("files", nargs="*", metavar="FILE", type=Path, help="export files to import (default: the logs)")
    p.add_argument(
        "--mapping",
        metavar="NAME",
        help="read the FILEs through this saved field mapping (setting sources.usage_mappings; "
        "the app's File ▸ Import makes one with a preview)",
    )
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    p.set_defaults(handler=handle)


def usage_mapping(ctx: Context, name: str) -> UsageMapping:
    """The saved mapping called ``name``, or a usage error naming the saved ones."""
    from tracker.core.errors import UsageError
    from tracker.core.settings_schema import USAGE_MAPPINGS
    from tracker.services.export_import import UsageMapping
    from tracker.sources.exports.mapped import MappingError, saved_mapping
    from tracker.sources.registry import SOURCES

    saved = ctx.settings.value(USAGE_MAPPINGS)
    if name not in saved:
        known = ", ".join(sorted(saved)) or "none yet: 'tokenworth config set sources.usage_mappings …'"
        raise UsageError(f"no saved usage mapping {name!r} (saved: {known})")
    try:
        fields, source, flags = saved_mapping(saved[name], frozenset(SOURCES))
    except MappingError as exc:
        raise UsageError(f"usage mapping {name!r}: {exc}") from None
    return UsageMapping(name, fields, source, flags)


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
    from tracker.services.export_import import import_files

    mapping = usage_mapping(ctx, args.mapping) if args.mapping else None
    with ctx.writer() as store, store.guard():
        summary = import_files(store, args.files, mapping=mapping)
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
    if args.mapping:
        from tracker.core.errors import UsageError

        raise UsageError("--mapping reads the FILEs given with it; name the files to import")
    with ctx.writer() as store, store.guard():  # the import lock: a second import is told who runs
        summary = import_now(ctx, store.write_connection())
        report_problems(summary)
        from tracker.services.tasks import import_git  # only this command reads git

        repos = import_git(ctx, store)
        bundles = sync_bundles(ctx, store)
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
                    ],
                    "bundles": [
                        {
                            "path": str(b.path),
                            "device": b.header.device_name if b.header else None,
                            "new_events": b.new_events,
                            "skipped_lines": b.skipped_count,
                            "note": b.note,
                        }
                        for b in bundles
                    ],
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
        for b in bundles:
            print(printable(bundle_line(b)))
    failed = any(b.header is None for b in bundles)
    return 1 if summary.skipped or any(r.error for r in repos) or failed else 0


def sync_bundles(ctx: Context, store: Any) -> list[BundleImport]:
    """The shared bundle folders (``sources.bundle_folders``): this machine's bundle written,
    the others' merged."""
    from tracker.services.bundles import sync_configured

    return sync_configured(ctx, store)


def bundle_line(b: BundleImport) -> str:
    if b.header is None:
        return f"bundle {b.path}: {b.note}"
    if b.note:
        return f"bundle from {b.header.device_name}: {b.note}"
    return f"bundle from {b.header.device_name}: {b.new_events:,} new usage record(s)"
