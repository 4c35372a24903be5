"""The Claude Code Analytics Admin API (an admin key, ``sk-ant-admin…``): Claude Code's own
daily figures per person, as the organisation's Console dashboard shows them.

``GET /v1/organizations/usage_report/claude_code?starting_at=YYYY-MM-DD&limit=…[&page=…]``
answers for that **one UTC day** only, so a sync asks once per day (pages: ``has_more`` and
``next_page``, sent back as ``page``; ``limit`` at most 1000). Each record of ``data`` is one
actor's day (``actor`` is ``{"type": "user_actor", "email_address"}`` or ``{"type":
"api_actor", "api_key_name"}``; the same actor may come back once per terminal type), with
``core_metrics`` (``num_sessions``, ``lines_of_code.{added,removed}``,
``commits_by_claude_code``, ``pull_requests_by_claude_code``) and ``model_breakdown[]``
(``model``, ``tokens.{input, output, cache_read, cache_creation}``, ``estimated_cost.{amount,
currency}`` with the amount in cents). Documented at platform.claude.com/docs/en/api/admin
(usage_report, "Get Claude Code Usage Report") and /docs/en/build-with-claude/claude-code-
analytics-api. Not stated there, assumed here: ``tokens.input`` excludes the cached tokens
(as Claude Code's own logs count it), and ``amount`` may have a fraction of a cent.

Whose rows: with an actor (``keys set … --actor you@company.com`` or an API key's name) only
that actor's records are kept and are compared with this machine's Claude Code logs; without
one, the whole organisation's records are summed per day and model and shown as such, never
compared as if they were the user's own. Other people's emails are never stored. The day's
activity (sessions, lines, commits, PRs) rides along in each row's ``detail`` as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from tracker.sources.usage_apis.anthropic_admin import BASE_URL, admin_headers
from tracker.sources.usage_apis.base import (
    BadItemError,
    Buckets,
    UsageApi,
    Window,
    count,
    day_of,
    nested_count,
    next_page,
    objects,
    paged,
    text,
    usd_micro,
)
from tracker.sources.usage_apis.http import Fetcher

ID = "claude-code-analytics"
PATH = "/v1/organizations/usage_report/claude_code"
LIMIT = "1000"  # the documented maximum: fewer pages for a large organisation
SCOPE_YOU, SCOPE_ORG = "you", "organisation"
TOKEN_KINDS = ("input", "cache_creation", "cache_read", "output")


class Activity(NamedTuple):
    """One day's Claude Code activity as the analytics report counts it (the dashboard's view)."""

    scope: str  # SCOPE_YOU or SCOPE_ORG
    actors: int  # people and keys counted (1 for 'you')
    sessions: int
    lines_added: int
    lines_removed: int
    commits: int
    pull_requests: int


def activity(detail: str) -> Activity | None:
    """A row's ``detail`` read back (None: not this API's row, or unreadable)."""
    try:
        data = json.loads(detail)
        counts = [int(data[f]) for f in Activity._fields[1:]]
        scope = data["scope"]
    except (ValueError, TypeError, KeyError):
        return None
    return Activity(scope, *counts) if scope in (SCOPE_YOU, SCOPE_ORG) else None


def is_actor(actor: object, wanted: str) -> bool:
    """The record's actor is ``wanted`` (an email or an API key's name, in any case)."""
    return isinstance(actor, Mapping) and wanted.casefold() in (
        str(actor.get("email_address") or "").casefold(), str(actor.get("api_key_name") or "").casefold())  # fmt: skip


@dataclass
class _Day:
    """One day's kept records, summed; made into rows when the day's pages are all read."""

    tokens: dict[str, list[int]] = field(default_factory=dict)  # model → TOKEN_KINDS
    cost: dict[str, int] = field(default_factory=dict)  # model → micro-USD, where stated
    actors: set[str] = field(default_factory=set)
    metrics: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])


def _optional(item: Mapping[str, Any], name: str) -> int:
    return count(item, name) if item.get(name) is not None else 0


def _record(r: Mapping[str, Any]) -> tuple[list[int], list[tuple[str, list[int], int | None]]]:
    """A record's core metrics and model breakdown, checked whole before any of it is kept."""
    core = r.get("core_metrics") or {}
    if not isinstance(core, Mapping):
        raise BadItemError("core_metrics is not an object")
    metrics = [
        _optional(core, "num_sessions"),
        nested_count(core, "lines_of_code", "added"),
        nested_count(core, "lines_of_code", "removed"),
        _optional(core, "commits_by_claude_code"),
        _optional(core, "pull_requests_by_claude_code"),
    ]
    breakdown = r.get("model_breakdown") or []
    if not isinstance(breakdown, list):
        raise BadItemError("model_breakdown is not a list")
    models = []
    for m in breakdown:
        if not isinstance(m, Mapping):
            raise BadItemError("a model_breakdown entry is not an object")
        tokens = m.get("tokens")
        if not isinstance(tokens, Mapping):
            raise BadItemError("a model_breakdown entry has no tokens object")
        cost = m.get("estimated_cost")
        micro = None
        if cost is not None:
            if not isinstance(cost, Mapping):
                raise BadItemError("estimated_cost is not an object")
            if str(cost.get("currency", "USD")).upper() != "USD":
                raise BadItemError(f"a cost in {str(cost.get('currency'))[:10]} (only USD is kept)")
            micro = usd_micro(cost.get("amount"), per_dollar=100)  # cents
        models.append((text(m, "model") or "(unknown model)", [count(tokens, k) for k in TOKEN_KINDS], micro))
    return metrics, models


def _read_day(fetcher: Fetcher, url: str, day: date, actor: str | None, out: Buckets) -> None:
    asked = day.isoformat()
    where = f"claude code analytics {asked}"
    common = [("starting_at", asked), ("limit", LIMIT)]
    kept = _Day()
    for page in paged(fetcher, url, common, next_page(common)):
        for r in objects(page, "data", where):
            try:
                if "__bad__" in r:
                    raise BadItemError("a record is not an object")
                if actor is not None and not is_actor(r.get("actor"), actor):
                    continue  # someone else's day: never stored, not even their email
                if r.get("date") is not None and day_of(r.get("date"))[0] != asked:
                    raise BadItemError(f"a record dated {str(r.get('date'))[:30]} in the answer for {asked}")
                metrics, models = _record(r)
            except BadItemError as exc:  # one bad record is skipped, the rest kept
                out.skip(where, str(exc))
                continue
            kept.actors.add(json.dumps(r.get("actor"), sort_keys=True, default=str))
            kept.metrics = [a + b for a, b in zip(kept.metrics, metrics, strict=True)]
            for model, tokens, micro in models:
                sums = kept.tokens.setdefault(model, [0, 0, 0, 0])
                kept.tokens[model] = [a + b for a, b in zip(sums, tokens, strict=True)]
                if micro is not None:
                    kept.cost[model] = kept.cost.get(model, 0) + micro
    if not kept.tokens:
        return  # no tokens that day (the activity alone is not kept: no row to carry it)
    _, ts_ms = day_of(f"{asked}T00:00:00Z")
    scope = SCOPE_YOU if actor is not None else SCOPE_ORG
    detail = json.dumps(dict(zip(Activity._fields, (scope, len(kept.actors), *kept.metrics), strict=True)))
    for model, (inp, write, read, output) in sorted(kept.tokens.items()):
        out.add(("day", asked, model), asked, ts_ms, model, input_tokens=inp, cache_creation_tokens=write,
                cache_read_tokens=read, output_tokens=output, cost_micro=kept.cost.get(model),
                detail=detail)  # fmt: skip


def fetch(fetcher: Fetcher, base: str, window: Window, out: Buckets) -> None:
    url = f"{base.rstrip('/')}{PATH}"
    day = window.since
    while day <= window.today:  # the report answers for one day at a time
        _read_day(fetcher, url, day, window.actor, out)
        day += timedelta(days=1)


API = UsageApi(
    id=ID,
    label="Claude Code Analytics (Anthropic Admin API)",
    base_url=BASE_URL,
    key_kind="an Anthropic admin key (sk-ant-admin…, from Console ▸ Settings ▸ Admin keys)",
    whole_org=True,  # unless an actor is set: then only that person's (or key's) rows
    headers=admin_headers,
    fetch=fetch,
    actor_hint="your email in the organisation (or the API key's name Claude Code runs with)",
)
