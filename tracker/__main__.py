"""``tokenworth`` / ``python -m tracker``: no subcommand opens the app, a subcommand is the CLI."""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    # First: in a frozen build the import's worker processes re-run this executable; this
    # turns them into workers instead of a second app (a no-op everywhere else).
    multiprocessing.freeze_support()
    args = sys.argv[1:] if argv is None else argv
    from tracker.cli.main import build_parser, run  # deferred so ``--help`` stays light

    parsed, _ = build_parser().parse_known_args(args)
    if parsed.command is None and not parsed.version and not {"-h", "--help"} & set(args):
        from tracker.app import main as app_main  # the GUI; the CLI never imports it

        return app_main(parsed.data_dir, tray=parsed.tray)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
