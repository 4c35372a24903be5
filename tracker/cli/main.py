"""Argument parsing and dispatch.

Exit codes (also in ``--help`` and the README):
0 ok · 1 done, some input skipped · 2 usage error · 3 failure, nothing changed · 130 interrupted.

Every failure is one line on stderr starting ``tokenworth:``; an unexpected exception is logged
with its traceback (``tracker`` logger, to the log file in the data folder) and named in that line.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from tracker.cli.commands import COMMANDS, chosen
from tracker.cli.terminal import say
from tracker.core.errors import SettingError, TokenworthError, UsageError
from tracker.core.paths import DATA_DIR_ENV, DataPaths, resolve_data_paths

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FAILURE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

EXIT_CODES = """exit codes:
  0 ok
  1 done, some input skipped (see 'tokenworth sources')
  2 usage error (a bad argument; nothing was done)
  3 failure, nothing changed (an output or the store could not be written or read)
  130 interrupted (Ctrl+C or SIGTERM; nothing is left half-written)"""

log = logging.getLogger("tracker")
log.addHandler(logging.NullHandler())  # tracebacks go to the log file's handler, never to stderr


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (and exit 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        say(f"{message} (see '{self.prog} --help')")
        sys.exit(EXIT_USAGE)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the full arguments of the command ``argv`` names (every command's
    when ``argv`` is None); the others are listed by name and help only, from ``COMMANDS``."""
    if argv is None:
        return _parser(frozenset(COMMANDS))
    name = chosen(list(argv))
    if name is None:  # no command, or one after an abbreviated option (--data D usage): ask argparse
        name = getattr(_parser(frozenset()).parse_known_args(argv)[0], "command", None)
    return _parser(frozenset({name}) if name else frozenset())


def _parser(full: frozenset[str]) -> argparse.ArgumentParser:
    parser = Parser(
        prog="tokenworth",
        description="What your AI tokens were worth. With no command, opens the app.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        help=f"keep the database and settings here instead (also ${DATA_DIR_ENV})",
    )
    parser.add_argument("--tray", action="store_true", help="start the app in the system tray only")
    parser.add_argument(
        "--version", action="store_true", help="print the version, the price catalogue's and the data folder; exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        if name in full:
            importlib.import_module(command.module).register(sub)
        else:  # listed, never run: build_parser(argv) gives the chosen command its module
            sub.add_parser(name, help=command.help, add_help=False)
    return parser


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager, ``kill``) ends the command like Ctrl+C: transactions roll
    back and atomic writes remove their temporary files on the way out."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals to whoever owns it
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cause(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__


def guarded(what: str, paths: DataPaths, call: Callable[[], int]) -> int:
    """Run one command; turn whatever it raises into one line on stderr and an exit code."""
    try:
        with sigterm_as_interrupt():
            return int(call())
    except (UsageError, SettingError) as exc:
        say(str(exc))
        return EXIT_USAGE
    except TokenworthError as exc:  # OutputError, StoreError and the rest: it failed, nothing changed
        say(str(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into head & co.: they have what they wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_OK
    except Exception as exc:
        log.exception("%s failed", what)
        say(f"{what} failed: {_cause(exc)} (details in {paths.log})")
        return EXIT_FAILURE


def print_version(data_dir: str | None) -> int:
    """``tokenworth --version``: which build, which prices, which data folder (nothing is created)."""
    from datetime import date

    from tracker.core.build_info import build_id
    from tracker.pricing.catalog_info import catalog_version, newest_price_date

    version, _, build = build_id().partition("+")
    prices = catalog_version()
    if prices is None:
        catalogue = "not installed"
    else:
        newest = newest_price_date(date.today())
        catalogue = f"genai-prices {prices}" + (f", newest price change {newest.isoformat()}" if newest else "")
    try:
        folder = str(resolve_data_paths(data_dir).root)
    except (OSError, RuntimeError) as exc:
        folder = f"{data_dir} (unusable: {exc})"
    print(f"tokenworth {version} ({build})\nprice catalogue: {catalogue}\ndata folder: {folder}")
    from tracker.sources.line_select import NATIVE  # imports the optional C module if there is one

    print("reader accelerator: " + ("native (tokenworth-native)" if NATIVE else "none (pure Python)"))
    return EXIT_OK


def run(argv: Sequence[str], parser: argparse.ArgumentParser | None = None) -> int:
    """Run the command ``argv`` names; ``parser`` is ``build_parser(argv)``'s, if already built."""
    parser = parser or build_parser(argv)
    started = time.time()  # before the arguments: ``--since 7d`` counts from this day
    args = parser.parse_args(argv)
    args.argv, args.started = list(argv), started  # the warm start (``cli.warm_start``) remembers a run by these
    if args.version:
        return print_version(args.data_dir)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    what = " ".join(str(x) for x in (args.command, getattr(args, "verb", None) or getattr(args, "period", None)) if x)

    try:
        paths = resolve_data_paths(args.data_dir)
    except (OSError, RuntimeError) as exc:  # an unresolvable path (a symlink loop)
        say(f"cannot use the data folder {args.data_dir}: {exc}")
        return EXIT_FAILURE

    def command() -> int:
        from tracker.core.logs import setup_logging  # deferred, as the commands are: --help stays light
        from tracker.services.context import Context

        paths.ensure()  # a data folder that cannot be made is one clear error, before anything reads it
        setup_logging(paths)
        ctx = Context(paths, Path.home(), dict(os.environ))
        for problem in ctx.settings.problems:
            say(problem)
        return int(args.handler(ctx, args))

    return guarded(what, paths, command)
