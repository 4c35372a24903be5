"""``tokenworth config get|set|list|reset``: settings from the one declared schema."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tracker.core.settings_schema import SETTINGS, get_setting
from tracker.services.context import Context


def register(sub: Any) -> None:
    p = sub.add_parser("config", help="show or change settings")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    g = verbs.add_parser("get", help="print one setting's value")
    g.add_argument("name")
    s = verbs.add_parser("set", help="change a setting (validated)")
    s.add_argument("name")
    s.add_argument("value")
    r = verbs.add_parser("reset", help="return a setting to its default")
    r.add_argument("name")
    ls = verbs.add_parser("list", help="every setting, its value and what it does")
    ls.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle)


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    settings = ctx.settings
    if args.verb == "get":
        get_setting(args.name)
        print(_show(settings.get(args.name)))
    elif args.verb == "set":
        value = settings.set(args.name, args.value)
        print(f"{args.name} = {_show(value)}")
    elif args.verb == "reset":
        settings.reset(args.name)
        print(f"{args.name} = {_show(settings.get(args.name))} (default)")
    elif args.json:
        print(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "type": s.kind,
                        "value": settings.get(s.name),
                        "default": s.default,
                        "label": s.label,
                        "help": s.help,
                    }
                    for s in SETTINGS
                ],
                indent=2,
            )
        )
    else:
        for s in SETTINGS:
            mark = "" if settings.is_default(s.name) else "  (changed)"
            print(f"{s.name} = {_show(settings.get(s.name))}{mark}")
            print(f"    {s.help}")
    return 0
