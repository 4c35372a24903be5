"""Argument parsing and dispatch. Exit codes: 0 ok, 1 partial (input skipped), 2 usage error."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.errors import SettingError, TokenworthError, UsageError
from tracker.core.paths import DATA_DIR_ENV, resolve_data_paths

if TYPE_CHECKING:
    from tracker.services.context import Context

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from tracker.cli import config_cmd, import_cmd, report_cmd, sources_cmd, task_cmd, usage_cmd

    parser = argparse.ArgumentParser(
        prog="tokenworth",
        description="What your AI tokens were worth. With no command, opens the app.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        help=f"keep the database and settings here instead (also ${DATA_DIR_ENV})",
    )
    parser.add_argument("--tray", action="store_true", help="start the app in the system tray only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import_cmd.register(sub)
    usage_cmd.register(sub)
    sources_cmd.register(sub)
    task_cmd.register(sub)
    report_cmd.register(sub)
    config_cmd.register(sub)
    return parser


def make_context(args: argparse.Namespace) -> Context:
    from tracker.services.context import Context

    return Context(resolve_data_paths(args.data_dir), Path.home(), dict(os.environ))


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        ctx = make_context(args)
        from tracker.core.logs import setup_logging  # deferred, as the commands are: --help stays light

        setup_logging(ctx.paths)
        for problem in ctx.settings.problems:
            print(f"tokenworth: {problem}", file=sys.stderr)
        return int(args.handler(ctx, args))
    except (UsageError, SettingError) as exc:
        print(f"tokenworth: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TokenworthError as exc:
        print(f"tokenworth: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except BrokenPipeError:
        return EXIT_OK
