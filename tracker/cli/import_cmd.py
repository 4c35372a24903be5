"""``tokenworth import``: incremental import of every detected source."""

from __future__ import annotations

import argparse
from typing import Any

from tracker.cli.progress import Progress
from tracker.cli.terminal import printable, say
from tracker.services.context import Context
from tracker.services.importer import ImportSummary, run_import


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="read new lines from every detected tool's logs")
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


def handle(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.writer() as store, store.guard():  # the import lock: a second import is told who runs
        summary = import_now(ctx, store.write_connection())
        report_problems(summary)
        from tracker.services.tasks import import_git  # only this command reads git

        repos = import_git(ctx, store)
    for r in repos:
        if r.error:
            say(f"git: {r.error}")
    if args.json:
        import json

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
