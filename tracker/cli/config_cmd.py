"""``tokenworth config list|get|set|unset``: settings printed and parsed by their declared types."""

from __future__ import annotations

import argparse
import json
import sys
from difflib import get_close_matches
from itertools import groupby
from typing import Any

from tracker.core.errors import SettingError
from tracker.core.settings_schema import GROUPS
from tracker.services.context import Context
from tracker.store.settings_file import SettingsFileError

EXIT_REFUSED = 3  # failure, nothing changed (the settings file may not be written)


def register(sub: Any) -> None:
    p = sub.add_parser("config", help="show or change settings")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    g = verbs.add_parser("get", help="print one setting's value")
    g.add_argument("name")
    s = verbs.add_parser("set", help="change a setting (checked against its type and bounds)")
    s.add_argument("name")
    s.add_argument("value")
    u = verbs.add_parser("unset", aliases=["reset"], help="return a setting to its default")
    u.add_argument("name")
    ls = verbs.add_parser("list", help="every setting, its value and what it does")
    ls.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle)


def known_name(names: list[str], name: str) -> str:
    """``name`` when it is a setting; otherwise a ``SettingError`` naming the closest settings
    (a typo such as ``notify.weekly_reprot_day`` or a missing group such as ``timezone``)."""
    if name in names:
        return name
    leaves = {n.rsplit(".", 1)[-1]: n for n in names}
    close = get_close_matches(name, names, n=3, cutoff=0.6)
    close += [leaves[m] for m in get_close_matches(name.rsplit(".", 1)[-1], list(leaves), n=3, cutoff=0.7)]
    close += [n for n in names if name and name in n]
    unique = list(dict.fromkeys(close))[:3]
    hint = f"; did you mean {' or '.join(unique)}?" if unique else "; 'tokenworth config list' shows every setting"
    raise SettingError(f"unknown setting {name!r}{hint}")


def handle(ctx: Context, args: argparse.Namespace) -> int:
    settings = ctx.settings
    if getattr(args, "name", None) is not None:
        known_name([s.name for s in settings.declarations], args.name)
    try:
        if args.verb == "get":
            print(settings.show(args.name))
        elif args.verb == "set":
            settings.set(args.name, args.value)
            print(f"{args.name} = {settings.show(args.name)}")
        elif args.verb in ("unset", "reset"):
            settings.unset(args.name)
            print(f"{args.name} = {settings.show(args.name)} (default)")
        elif args.json:
            print(json.dumps([_entry(ctx, s.name) for s in settings.declarations], indent=2, ensure_ascii=False))
        else:
            _print_list(ctx)
    except SettingsFileError as exc:
        print(f"tokenworth: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def _entry(ctx: Context, name: str) -> dict[str, Any]:
    s = ctx.settings.declaration(name)
    return {
        "name": s.name,
        "group": GROUPS.get(s.group, s.group),
        "type": s.type.describe(),
        "value": s.to_json(ctx.settings.value(s)),
        "default": s.to_json(s.default),
        "changed": not ctx.settings.is_default(s.name),
        "label": s.label,
        "help": s.help,
    }


def _print_list(ctx: Context) -> None:
    settings = ctx.settings
    for group, members in groupby(settings.declarations, key=lambda s: s.group):
        print(f"[{GROUPS.get(group, group)}]")
        for s in members:
            mark = "" if settings.is_default(s.name) else "  (changed)"
            print(f"{s.name} = {settings.show(s.name)}{mark}")
            print(f"    {s.help} ({s.type.describe()})")
        print()
