"""Two machines made the real way: a laptop and a desk, each with its own logs and data folder;
the laptop's usage exported as a bundle (``export_bundle``) and imported into the desk's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tests.helpers.loggen import LogWriter
from tracker.core.paths import DataPaths
from tracker.services.bundles import export_bundle, import_bundle
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report

TOKENS_SQL = (
    "SELECT coalesce(sum(input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens "
    "+ cache_read_tokens), 0) FROM events"
)


@dataclass(frozen=True)
class Own:
    """What a machine's own data folder says about its own usage (before any bundle)."""

    tokens: int
    cost: Decimal
    sessions: frozenset[tuple[str, str]]


def machine(root: Path, seed: int, day: int, project: str, name: str) -> tuple[Context, Own]:
    home = root / "home"
    home.mkdir(parents=True)
    ctx = Context(DataPaths(root / "data"), home, {})
    ctx.settings.set("general.timezone", "UTC")
    ctx.settings.set("general.device_name", name)
    logs = LogWriter(home, seed=seed, content_bytes=20)
    logs.claude_session(datetime(2026, 11, day, 9, tzinfo=UTC), project=project, turns=3)
    logs.codex_session(datetime(2026, 11, day, 14, tzinfo=UTC), project=project, turns=2)
    with ctx.store() as store:
        run_import(store.conn, home=home, env={}, config=ctx.source_config())
        tokens = int(store.conn.execute(TOKENS_SQL).fetchone()[0])
        query = UsageQuery("daily", "UTC")
        cost = build_usage_report(store, query, ctx.price_overrides()).total.totals.cost_usd
        sessions = frozenset((str(s), str(i)) for s, i in store.conn.execute("SELECT source, session_id FROM sessions"))
    assert tokens > 0 and len(sessions) == 2
    return ctx, Own(tokens, cost, sessions)


def two_devices(tmp: Path) -> tuple[Context, Own, Own, str]:
    """The desk's context (the laptop's bundle merged in), the laptop's and the desk's own
    usage, and the laptop's device id. Laptop: 20 Nov 2026; desk: 21 Nov 2026."""
    laptop, on_laptop = machine(tmp / "laptop", 3, 20, "/home/me/shop", "laptop")
    desk, on_desk = machine(tmp / "desk", 5, 21, "/home/me/api", "desk")
    bundle = tmp / "laptop.twbundle"
    with laptop.store() as store:
        export_bundle(store, bundle, "laptop")
        laptop_id = store.devices.this_device()
    with desk.store() as store:
        assert import_bundle(store, bundle).new_events > 0
    return desk, on_laptop, on_desk, laptop_id
