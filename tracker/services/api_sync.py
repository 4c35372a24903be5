"""Usage-API accounts and their sync: keys in the OS keyring, figures into ``store.provider``.

An account is a key's name, its provider and (for a gateway) a base URL. The key itself lives
only in the keyring (``store.keys``); the rest is not secret and is kept in the account's sync
state (``cursor`` holds ``{"base_url": …, "since": "YYYY-MM-DD", "actor": …}``, ``since`` being
the first UTC day not yet final; ``actor`` whose rows to keep, for an API that reports per
person). A sync asks for ``since`` up to now (the first one for the last
``LOOKBACK_DAYS``), stores what came back as provider rows with origin 'api' (a re-sync
replaces a bucket, never adds it twice), and only then moves ``since`` to today. A failed
sync stores nothing and keeps its cursor; the error (with the key taken out) is kept for
``keys list`` and Settings. These figures sit beside the logs, never in their totals.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
import traceback
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from tracker.core.errors import UsageError
from tracker.core.secret import Secret
from tracker.sources.usage_apis.base import Buckets, UsageApi, Window
from tracker.sources.usage_apis.http import ApiError, Fetcher, HttpPolicy
from tracker.sources.usage_apis.registry import USAGE_APIS
from tracker.store.keys import KeyChain, KeyringError
from tracker.store.provider import SyncState
from tracker.store.store import Store

log = logging.getLogger(__name__)

LOOKBACK_DAYS = 30
SYNC_BUDGET_S = 600.0  # every account of one sync together; each also has its policy's own limit
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Account:
    name: str
    provider: str
    base_url: str | None  # None: the provider's own address
    since: str | None  # the first UTC day not yet final; None before the first sync
    synced_ms: int  # 0: never
    error: str | None  # the last sync's failure, if it failed
    actor: str | None = None  # whose rows are kept (an API that reports per person); None: everyone's

    @property
    def api(self) -> UsageApi:
        return USAGE_APIS[self.provider]

    @property
    def whole_org(self) -> bool:
        """The figures are the whole organisation's (not narrowed to the user's own rows)."""
        return self.api.whole_org and self.actor is None

    @property
    def url(self) -> str:
        return self.base_url or self.api.base_url or ""


@dataclass(frozen=True)
class SyncReport:
    name: str
    provider: str
    whole_org: bool
    new: int = 0
    replaced: int = 0
    skipped: list[str] = field(default_factory=list)
    error: str | None = None
    since: str | None = None  # the first day asked for
    requests: int = 0
    waits: list[float] = field(default_factory=list)


def _account(state: SyncState) -> Account | None:
    if state.provider not in USAGE_APIS:
        return None  # another kind of sync state: not a usage-API account
    try:
        cursor = json.loads(state.cursor or "{}")
    except ValueError:
        cursor = {}
    cursor = cursor if isinstance(cursor, dict) else {}
    base, since, actor = cursor.get("base_url"), cursor.get("since"), cursor.get("actor")
    return Account(state.account, state.provider, base if isinstance(base, str) else None,
                   since if isinstance(since, str) else None, state.synced_ms, state.error,
                   actor if isinstance(actor, str) and actor else None)  # fmt: skip


def _state(account: Account) -> SyncState:
    fields = {"base_url": account.base_url, "since": account.since}
    cursor = json.dumps(fields | ({"actor": account.actor} if account.actor else {}))
    return SyncState(account.name, account.provider, cursor, account.synced_ms, account.error)


def accounts(store: Store) -> list[Account]:
    found = (_account(s) for s in store.provider.all_sync_states())
    return sorted((a for a in found if a is not None), key=lambda a: a.name.casefold())


def account(store: Store, name: str) -> Account | None:
    state = store.provider.sync_state(name)
    return _account(state) if state else None


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(f"a key's name is 1-64 letters, digits, '.', '_' or '-' (not {name[:70]!r})")
    return name


def check_provider(provider: str) -> UsageApi:
    api = USAGE_APIS.get(provider)
    if api is None:
        raise UsageError(f"unknown provider {provider[:40]!r}; one of: {', '.join(USAGE_APIS)}")
    return api


def check_base_url(api: UsageApi, base_url: str | None) -> str | None:
    """A base URL the key may be sent to: https, or http only to this machine."""
    if not base_url:
        if api.base_url is None:
            raise UsageError(f"{api.label} needs the proxy's address: --base-url https://…")
        return None
    parts = urllib.parse.urlsplit(base_url.strip())
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("https", "http") or not host or parts.query or parts.fragment:
        raise UsageError(f"the base URL must look like https://host[:port][/path] (not {base_url[:80]!r})")
    if parts.scheme == "http" and not loopback:
        raise UsageError("the key would cross the network in the clear: use https:// (http:// only to this machine)")
    return parts.geturl().rstrip("/")


def check_actor(api: UsageApi, actor: str | None) -> str | None:
    """Whose rows to keep: only for an API that reports per person; an email or a key's name."""
    if actor is None or not actor.strip():
        return None
    if api.actor_hint is None:
        raise UsageError(f"{api.label} does not report per person: --actor is only for "
                         f"{', '.join(a.id for a in USAGE_APIS.values() if a.actor_hint)}")  # fmt: skip
    actor = actor.strip()
    if len(actor) > 320 or not actor.isprintable():
        raise UsageError(f"--actor is {api.actor_hint}: up to 320 printable characters")
    return actor


def set_key(
    store: Store, chain: KeyChain, name: str, provider: str, secret: Secret, base_url: str | None = None,
    actor: str | None = None,
) -> Account:  # fmt: skip
    """Keep ``secret`` in the keyring under ``name`` and remember the account (a key set again
    for the same provider, address and actor keeps its cursor: nothing is fetched twice;
    another actor forgets the figures synced for the old one)."""
    api = check_provider(provider)
    check_name(name)
    url = check_base_url(api, base_url)
    who = check_actor(api, actor)
    old = account(store, name)
    chain.store(name, secret)  # refuses an insecure keyring before anything is remembered
    keep = old is not None and old.provider == provider and old.base_url == url and old.actor == who
    new = Account(name, provider, url, old.since if keep and old else None, old.synced_ms if keep and old else 0, None,
                  who)  # fmt: skip
    if old is not None and not keep:
        store.provider.delete_account(old.provider, name)  # another provider's figures under this name
    store.provider.save_sync_state(_state(new))
    return new


def delete_key(store: Store, chain: KeyChain, name: str) -> tuple[bool, Account | None]:
    """Remove the key from the keyring and forget the account and its synced figures:
    (a key was in the keyring, the account that was remembered)."""
    old = account(store, name)
    had_key = chain.delete(name)
    if old is not None:
        store.provider.delete_account(old.provider, name)
    return had_key, old


def sync(
    store: Store,
    chain: KeyChain,
    names: Sequence[str] = (),
    *,
    now: datetime | None = None,
    policy: HttpPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    budget_s: float = SYNC_BUDGET_S,
) -> list[SyncReport]:
    """Sync ``names`` (all accounts when empty), one after the other; never raises for one
    account's failure (it is in its report)."""
    known = {a.name: a for a in accounts(store)}
    for name in names:
        if name not in known:
            raise UsageError(f"no key named {name[:70]!r} (see 'tokenworth keys list')")
    chosen = [known[n] for n in names] if names else list(known.values())
    when = now or datetime.now(UTC)
    base = policy or HttpPolicy()
    deadline = time.monotonic() + budget_s
    reports = []
    for acc in chosen:
        left = deadline - time.monotonic()
        if left <= 0:
            late = f"not synced: this sync's time limit ({budget_s:g} s) was reached"
            reports.append(SyncReport(acc.name, acc.provider, acc.whole_org, error=late))
            continue
        reports.append(_sync_one(store, chain, acc, when, replace(base, budget_s=min(base.budget_s, left)), sleep))
    return reports


def _sync_one(
    store: Store, chain: KeyChain, acc: Account, now: datetime, policy: HttpPolicy,
    sleep: Callable[[float], None],
) -> SyncReport:  # fmt: skip
    api = acc.api
    today = now.astimezone(UTC).date()
    since = date.fromisoformat(acc.since) if acc.since else today - timedelta(days=LOOKBACK_DAYS)
    report = SyncReport(acc.name, acc.provider, acc.whole_org, since=since.isoformat())
    try:
        secret = chain.read(acc.name)
    except KeyringError as exc:
        return _failed(store, acc, report, str(exc))
    if secret is None:
        return _failed(store, acc, report, f"no key in the keyring under {acc.name!r}: set it again with "
                       f"'tokenworth keys set {acc.name} --provider {acc.provider}'")  # fmt: skip
    fetcher = Fetcher(secret, api.headers, policy, sleep=sleep)
    out = Buckets(api.id, acc.name, int(time.time() * 1000))
    try:
        api.fetch(fetcher, acc.url, Window(since, now, acc.actor), out)
    except ApiError as exc:
        return _failed(store, acc, _counted(report, fetcher), secret.redact(str(exc)))
    except Exception as exc:  # a bug or an answer no check foresaw: this account fails, the rest go on
        # the traceback is logged with the key taken out of it, as everything else is
        log.error("syncing %s (%s) failed:\n%s", acc.name, acc.provider, secret.redact(traceback.format_exc()))
        return _failed(store, acc, _counted(report, fetcher), secret.redact(f"{type(exc).__name__}: {exc}"))
    new, replaced = store.provider.upsert(out.rows())
    synced = replace(acc, since=today.isoformat(), synced_ms=int(now.timestamp() * 1000), error=None)
    store.provider.save_sync_state(_state(synced))
    skipped = [secret.redact(s) for s in out.skipped]
    return SyncReport(acc.name, acc.provider, acc.whole_org, new, replaced, skipped, None, since.isoformat(),
                      fetcher.requests, list(fetcher.waits))  # fmt: skip


def _counted(report: SyncReport, fetcher: Fetcher) -> SyncReport:
    return SyncReport(report.name, report.provider, report.whole_org, since=report.since,
                      requests=fetcher.requests, waits=list(fetcher.waits))  # fmt: skip


def _failed(store: Store, acc: Account, report: SyncReport, error: str) -> SyncReport:
    store.provider.save_sync_state(_state(replace(acc, error=error[:500])))
    return SyncReport(report.name, report.provider, report.whole_org, skipped=[], error=error, since=report.since,
                      requests=report.requests, waits=report.waits)  # fmt: skip
