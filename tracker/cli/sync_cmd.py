"""``tokenworth sync [NAME…]``: fetch the usage APIs' figures for the keys in the keyring."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from tracker.cli.terminal import printable

if TYPE_CHECKING:
    from tracker.services.context import Context

EXIT_PARTIAL, EXIT_FAILED = 1, 3


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="fetch usage from the provider APIs whose keys are set ('keys set')")
    p.add_argument("names", nargs="*", metavar="NAME", help="only these keys (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.services import api_sync  # deferred: parsing other commands never imports the clients
    from tracker.store.keys import KeyChain

    with ctx.store() as store:
        if not api_sync.accounts(store) and not args.names:  # a named key that is not there: sync says so
            print("No keys to sync. Add one: tokenworth keys set NAME --provider PROVIDER")
            return 0
        reports = api_sync.sync(store, KeyChain(), args.names)
    if args.json:
        print(json.dumps([asdict(r) for r in reports], indent=2))
    for r in reports if not args.json else ():
        if r.error:
            print(printable(f"{r.name} [{r.provider}]: failed, nothing stored: {r.error}"))
            continue
        scope = " (whole organisation)" if r.whole_org else ""
        skipped = f"; {len(r.skipped):,} item(s) skipped" if r.skipped else ""
        print(printable(f"{r.name} [{r.provider}]{scope}: {r.new:,} new, {r.replaced:,} updated day-buckets "
                        f"since {r.since}{skipped}"))  # fmt: skip
        for reason in r.skipped[:10]:
            print(printable(f"  skipped: {reason}"))
    failed = sum(1 for r in reports if r.error)
    if failed == len(reports):
        return EXIT_FAILED
    return EXIT_PARTIAL if failed or any(r.skipped for r in reports) else 0
