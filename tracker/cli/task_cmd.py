"""``tokenworth task add|list|done|link``."""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, tzinfo
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.cli.args import day
from tracker.cli.table import fit_columns, render_table, terminal_width, tokens
from tracker.cli.terminal import printable, say
from tracker.core.errors import UsageError
from tracker.core.setting_types import BadValueError
from tracker.core.settings_schema import CSV_MAPPINGS
from tracker.core.tasks import CATEGORIES, HOURS_SAVED, MAPPABLE, NewTask
from tracker.core.timezones import get_zone
from tracker.services.context import Context
from tracker.services.usage import money
from tracker.work.trackers import FORMATS, mapping_from_text

if TYPE_CHECKING:
    from tracker.store.store import Store


def _hours(text: str) -> Decimal:
    try:
        return HOURS_SAVED.from_str(text)
    except BadValueError as exc:
        raise argparse.ArgumentTypeError(f"hours saved: {exc}") from None


def _clock(text: str) -> clock_time:
    try:
        return clock_time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a time as HH:MM, got {text!r}") from None


def register(sub: Any) -> None:
    p = sub.add_parser("task", help="log, list and link the work your tokens went into")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", help="log a task")
    add.add_argument("title")
    state = add.add_mutually_exclusive_group()  # done by default, as in the app's Log a task
    state.add_argument("--done", action="store_true", help="completed now (the default)")
    state.add_argument("--open", action="store_true", help="not done yet (mark it later with 'task done')")
    add.add_argument("--done-on", type=day, metavar="DATE", help="completed on that day (implies --done)")
    add.add_argument("--done-at", type=_clock, metavar="HH:MM", help="completed at that time (implies --done)")
    add.add_argument("--timezone", metavar="IANA", help="of --done-on/--done-at; default: the setting")
    add.add_argument("--impact", default="", help="why it mattered, in a sentence")
    add.add_argument("--hours-saved", type=_hours, metavar="N", help="your estimate of the hours saved")
    add.add_argument("--category", choices=CATEGORIES, default="other")
    add.add_argument("--link", action="append", default=[], metavar="URL", help="ticket or pull request (repeatable)")
    ls = verbs.add_parser("list", help="tasks with the tokens and cost of their sessions")
    ls.add_argument("--since", type=day, metavar="DATE")
    ls.add_argument("--until", type=day, metavar="DATE")
    ls.add_argument("--timezone", metavar="IANA")
    ls.add_argument("--json", action="store_true")
    done = verbs.add_parser("done", help="mark a task completed")
    done.add_argument("id", type=int)
    imp = verbs.add_parser("import", help="tasks from a Jira/Linear CSV, gh JSON or any CSV")
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=FORMATS, help="default: guessed from the file")
    imp.add_argument("--map", metavar="FIELD=COLUMN,...", help=f"for --format csv; fields: {', '.join(MAPPABLE)}")
    imp.add_argument("--save-mapping", metavar="NAME", help="remember --map under NAME")
    imp.add_argument("--mapping", metavar="NAME", help="use a saved mapping")
    delete = verbs.add_parser("delete", help="delete a task (its sessions' usage stays)")
    delete.add_argument("id", type=int)
    link = verbs.add_parser("link", help="link a session to a task by hand (kept across re-imports)")
    link.add_argument("id", type=int)
    link.add_argument("--session", required=True, metavar="SESSION_ID")
    link.add_argument("--unlink", action="store_true", help="remove the link instead, for good")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    # Imported here: other commands (and the warm 'usage' path) need none of this.
    from tracker.services.tasks import done_when, link_session, list_tasks, task_json

    if args.verb == "import":
        with ctx.writer() as writer:  # one bulk writer at a time: a second one is told who runs
            return _import(ctx, writer, args, int(time.time() * 1000))
    store = ctx.reader() if args.verb == "list" else ctx.store()
    now_ms = int(time.time() * 1000)
    if args.verb == "add":
        after = args.done_on is not None or args.done_at is not None  # logged after the fact
        done_ms = done_when(args.done_on, args.done_at, ctx.timezone(args.timezone), now_ms) if after else None
        if args.open and after:
            raise UsageError("--open contradicts --done-on/--done-at")
        task = NewTask(args.title, not args.open, args.category, args.impact, args.hours_saved,
                       tuple(args.link), done_ms=done_ms)  # fmt: skip
        problems = task.problems()
        if problems:
            raise UsageError("; ".join(problems))
        print(f"task {store.tasks.add(task, now_ms)} added")
        return 0
    if args.verb == "done":
        if not store.tasks.set_done(args.id, now_ms):
            raise UsageError(f"no task {args.id}")
        print(f"task {args.id} done")
        return 0
    if args.verb == "delete":
        if not store.tasks.delete(args.id):
            raise UsageError(f"no task {args.id}")
        print(f"task {args.id} deleted")
        return 0
    if args.verb == "link":
        link_session(store, args.session, args.id, linked=not args.unlink)
        print(printable(f"session {args.session} {'unlinked from' if args.unlink else 'linked to'} task {args.id}"))
        return 0
    tz = ctx.timezone(args.timezone)
    rows = list_tasks(store, tz, ctx.price_overrides(), args.since, args.until)
    if args.json:
        print(json.dumps([task_json(t, tz) for t in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No tasks yet. Log one with 'tokenworth task add TITLE', or run 'tokenworth import' in a git project.")
        return 0
    zone = get_zone(tz)
    table = [
        [str(t.id), t.title[:50], t.status, completed(t.completed_ms, zone), t.category,
         f"{t.hours_saved:g} h" if t.hours_saved else "", one_line(t.impact, 40), str(len(t.sessions)),
         tokens(t.tokens), f"${money(t.cost_usd):,.2f}"]
        for t in rows
    ]  # fmt: skip
    headers = ["ID", "Title", "Status", "Completed", "Category", "Hours saved", "Impact", "Sessions", "Tokens", "Cost"]
    shown, table, _ = fit_columns(headers, table, [6, 4, 7, 5], terminal_width())  # impact first
    right = [i for i, h in enumerate(shown) if h in ("ID", "Hours saved", "Sessions", "Tokens", "Cost")]
    print(render_table(shown, table, right=right))
    return 0


def _import(ctx: Context, store: Store, args: argparse.Namespace, now_ms: int) -> int:
    from tracker.services.tasks import import_task_file

    if not args.file.is_file():
        raise UsageError(f"no file {args.file}")  # shown through printable(), as every message
    mapping = None
    if args.map:
        try:
            mapping = mapping_from_text(args.map)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if args.save_mapping:
            saved = ctx.settings.value(CSV_MAPPINGS)
            ctx.settings.put(CSV_MAPPINGS, {**saved, args.save_mapping: mapping})
    elif args.mapping:
        chosen = ctx.settings.value(CSV_MAPPINGS).get(args.mapping)
        if chosen is None:
            raise UsageError(f"no saved mapping {args.mapping!r}")
        mapping = dict(chosen)
    if (args.format == "csv" or args.mapping or args.map) and not mapping:
        raise UsageError("a generic CSV needs --map FIELD=COLUMN,... (at least title=…) or --mapping NAME")
    result = import_task_file(ctx, store, args.file, args.format or ("csv" if mapping else None), mapping, now_ms)
    print(printable(f"{args.file}: {result.format}: {result.new} new task(s), {result.updated} updated"))
    for row, reason in result.bad_rows[:20]:
        say(f"{args.file}: row {row}: {reason}")
    if len(result.bad_rows) > 20:
        say(f"… and {len(result.bad_rows) - 20} more bad rows")
    return 1 if result.bad_rows else 0


def completed(ms: int | None, zone: tzinfo) -> str:
    """When a task was done, as a local ``YYYY-MM-DD HH:MM``; blank while open."""
    if ms is None:
        return ""
    try:
        return datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):  # an instant no date can hold
        return "?"


def one_line(text: str, width: int) -> str:
    """A multi-line impact as one table cell: lines joined, cut at ``width`` with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
