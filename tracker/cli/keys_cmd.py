"""``tokenworth keys set|delete|list``: usage-API keys, kept in the OS keyring only.

The key is read from stdin when it is not a terminal (``pass show x | tokenworth keys set …``)
or from a hidden prompt, never from the command line (it would land in the shell's history
and in every process listing).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tracker.cli.terminal import printable
from tracker.core.secret import Secret

if TYPE_CHECKING:
    from tracker.services.context import Context
    from tracker.store.keys import KeyChain

EXIT_FAILED = 3
# The usage APIs' ids, here so that parsing any command never imports the HTTP clients
# (checked against ``usage_apis.registry`` by a test).
PROVIDERS = ("anthropic", "claude-code-analytics", "litellm", "openai", "openrouter")
MAX_KEY_CHARS = 16_384  # a key is far shorter; a file piped in by mistake is not read whole


def register(sub: Any) -> None:
    p = sub.add_parser("keys", help="usage-API keys (kept in the OS keyring, never in files)")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    s = verbs.add_parser("set", help="store a key (read from stdin or a hidden prompt)")
    s.add_argument("name", help="a name for this key, e.g. work-anthropic")
    s.add_argument("--provider", required=True, choices=PROVIDERS, help="whose usage API it is for")
    s.add_argument("--base-url", metavar="URL", help="the API's address (required for a LiteLLM proxy)")
    s.add_argument(
        "--actor",
        metavar="WHO",
        help="claude-code-analytics: your email in the organisation (or the API key's name Claude Code runs "
        "with); only those rows are kept and compared with your logs. Without it: the whole organisation's",
    )
    d = verbs.add_parser("delete", help="remove a key from the keyring and forget its synced figures")
    d.add_argument("name")
    ls = verbs.add_parser("list", help="the keys' names, providers, last sync, and the keyring in use")
    ls.add_argument("name", nargs="?", help="only this key")
    ls.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle)


def _read_key(name: str) -> Secret:
    if sys.stdin.isatty():
        return Secret(getpass.getpass(f"Key for {name} (not shown): "))
    return Secret(sys.stdin.read(MAX_KEY_CHARS))


def _when(ms: int) -> str:
    if not ms:
        return "never"
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.services import api_sync  # deferred: only these commands need the HTTP clients
    from tracker.store.keys import KeyChain

    chain = KeyChain()
    if args.verb == "set":
        api = api_sync.check_provider(args.provider)
        api_sync.check_name(args.name)
        api_sync.check_base_url(api, args.base_url)
        api_sync.check_actor(api, args.actor)
        info = chain.info()
        if not info.secure:  # said before the key is typed, not after
            print(printable(f"tokenworth: no secure keyring ({info.name}); nothing was stored. To fix: {info.fix}"),
                  file=sys.stderr)  # fmt: skip
            return EXIT_FAILED
        secret = _read_key(args.name)
        with ctx.store() as store:
            acc = api_sync.set_key(store, chain, args.name, args.provider, secret, args.base_url, args.actor)
        print(printable(f"Stored {args.name} ({api.label}) in the keyring: {info.name}."))
        print(printable(f"It needs {api.key_kind}."))
        if acc.actor:
            print(printable(f"Only {acc.actor}'s rows are kept; they are set against your logs."))
        elif api.actor_hint:
            print(printable("Its figures are the whole organisation's: shown, never compared with your logs. "
                            f"To keep only yours: --actor with {api.actor_hint}."))  # fmt: skip
        elif api.whole_org:
            print("Its figures are the whole organisation's, not only yours; they are shown beside your logs.")
        print(printable(f"Sync with: tokenworth sync {args.name}"))
        return 0
    if args.verb == "delete":
        with ctx.store() as store:
            had_key, old = api_sync.delete_key(store, chain, args.name)
        if not had_key and old is None:
            print(printable(f"tokenworth: no key named {args.name}"), file=sys.stderr)
            return 2
        done = "key removed from the keyring" if had_key else "no key was in the keyring"
        print(printable(f"Deleted {args.name}: {done}" + ("; its synced figures forgotten." if old else ".")))
        return 0
    return _list(ctx, chain, args)


def _list(ctx: Context, chain: KeyChain, args: argparse.Namespace) -> int:
    from tracker.services import api_sync

    info = chain.info()
    with ctx.reader() as store:
        found = [a for a in api_sync.accounts(store) if args.name in (None, a.name)]
    if args.json:
        rows = [
            {"name": a.name, "provider": a.provider, "base_url": a.url, "whole_organisation": a.whole_org,
             "actor": a.actor, "since": a.since, "last_sync_ms": a.synced_ms or None, "error": a.error}
            for a in found
        ]  # fmt: skip
        print(json.dumps({"keyring": {"backend": info.name, "secure": info.secure}, "keys": rows}, indent=2))
        return 0
    state = "secure" if info.secure else f"NOT secure: keys cannot be stored. To fix: {info.fix}"
    print(printable(f"Keyring: {info.name} ({state})"))
    if not found:
        print("No keys. Add one: tokenworth keys set NAME --provider " + "|".join(PROVIDERS))
        return 0
    for a in found:
        scope = "whole organisation" if a.whole_org else f"{a.actor}'s rows" if a.actor else "your own usage"
        print(printable(f"{a.name} [{a.provider}] {a.url} — {scope}; last sync: {_when(a.synced_ms)}"))
        if a.error:
            print(printable(f"  last sync failed: {a.error}"))
    return 0
