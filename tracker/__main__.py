"""``tokenworth`` / ``python -m tracker``: no subcommand opens the app, a subcommand is the CLI."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    # First: in a frozen build the import's worker processes re-run this executable; this
    # turns them into workers instead of a second app. Elsewhere it does nothing, and
    # importing multiprocessing costs a warm run more than the rest of its start.
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    args = sys.argv[1:] if argv is None else argv
    from tracker.cli.warm_start import answer

    warm = answer(args)  # a usage report nothing has changed since: printed before the CLI loads
    if warm is not None:
        return warm
    from tracker.cli.main import build_parser, run  # deferred so ``--help`` stays light

    parser = build_parser(args)  # imports only the chosen command's module
    parsed, _ = parser.parse_known_args(args)
    if parsed.command is None and not parsed.version and not {"-h", "--help"} & set(args):
        from tracker.app import main as app_main  # the GUI; the CLI never imports it

        return app_main(parsed.data_dir, tray=parsed.tray)
    code = run(args, parser)
    # Whatever the command left is freed as the process exits; the collector need not walk
    # it first (~0.05 s after a first import).
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
