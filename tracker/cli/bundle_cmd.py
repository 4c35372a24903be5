"""``tokenworth export-bundle``: this machine's usage for your other machines."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tracker.cli.terminal import printable
from tracker.services.context import Context


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export-bundle",
        help="write this machine's stored usage (metadata only) for importing on another machine",
        description="Write this machine's stored usage (counts and ids, never prompts or code) to a "
        "checksummed bundle; 'tokenworth import FILE' on another machine merges it, counted once.",
    )
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write the bundle")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.core.settings_schema import DEVICE_NAME
    from tracker.services.bundles import device_name, export_bundle

    name = ctx.settings.value(DEVICE_NAME)
    with ctx.writer() as store:
        written = export_bundle(store, args.out, name)
    print(printable(f"wrote {written:,} events of {device_name(name)} to {args.out}"))
    return 0
