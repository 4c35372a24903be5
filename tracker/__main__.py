"""``tokenworth`` / ``python -m tracker``: no subcommand opens the app, a subcommand is the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from tracker.cli.main import run  # deferred so ``--help`` and the GUI path stay light

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
