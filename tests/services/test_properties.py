"""Properties of the whole import: idempotent, split-anywhere safe, zone-invariant totals."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.loggen import generate
from tests.helpers.source_fixtures import fixture_sources, install_source_fixture
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.sources.registry import SOURCES
from tracker.sources.spec import Kind


@contextmanager
def fresh() -> Iterator[Context]:
    root = Path(tempfile.mkdtemp(prefix="tw-prop-"))
    try:
        (root / "home").mkdir()
        yield Context(DataPaths(root / "data"), root / "home", {})
    finally:
        shutil.rmtree(root)


def imported(ctx: Context, source: str | None = None) -> list[tuple[object, ...]]:
    conn = ctx.connect()
    specs = SOURCES if source is None else {source: SOURCES[source]}
    run_import(conn, home=ctx.home, env={}, config=ctx.source_config(), sources=specs)
    return conn.execute(
        "SELECT dedup_key, model, ts_ms, input_tokens, output_tokens, cache_write_5m_tokens,"
        " cache_write_1h_tokens, cache_read_tokens, reasoning_tokens, tool_cost_micro, subscription"
        " FROM events ORDER BY dedup_key"
    ).fetchall()


EVERY_SOURCE = pytest.mark.parametrize("source", fixture_sources())


@cache
def one_step(source: str) -> list[tuple[object, ...]]:
    with fresh() as ctx:
        install_source_fixture(source, ctx.home)
        return imported(ctx, source)


@pytest.mark.parametrize("source", fixture_sources(Kind.JSONL))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_splitting_files_at_any_byte_equals_one_import(source: str, data: st.DataObject) -> None:
    """Appended files (JSONL) cut anywhere and imported in two steps store what one import does."""
    whole = one_step(source)
    with fresh() as ctx:
        placed = install_source_fixture(source, ctx.home)
        appended = [(p, p.read_bytes()) for p, kind in placed if kind is Kind.JSONL]
        assert appended  # chosen for having some
        cuts = [data.draw(st.integers(0, len(content))) for _, content in appended]
        for (path, content), cut in zip(appended, cuts, strict=True):
            path.write_bytes(content[:cut])
        imported(ctx, source)
        for (path, content), cut in zip(appended, cuts, strict=True):
            with path.open("ab") as f:
                f.write(content[cut:])
        assert imported(ctx, source) == whole


@EVERY_SOURCE
@settings(max_examples=5, deadline=None)
@given(times=st.integers(1, 3))
def test_importing_again_changes_nothing(source: str, times: int) -> None:
    with fresh() as ctx:
        install_source_fixture(source, ctx.home)
        first = imported(ctx, source)
        assert first
        for _ in range(times):
            assert imported(ctx, source) == first


ZONES = [
    "UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
    "Pacific/Chatham", "America/St_Johns", "Pacific/Kiritimati", "Pacific/Pago_Pago",
]  # fmt: skip


@EVERY_SOURCE
@settings(max_examples=5, deadline=None)
@given(zone=st.sampled_from(ZONES))
def test_every_sources_totals_are_the_same_in_every_time_zone(source: str, zone: str) -> None:
    with fresh() as ctx:
        install_source_fixture(source, ctx.home)
        conn = ctx.connect()
        run_import(conn, home=ctx.home, env={}, config=ctx.source_config(), sources={source: SOURCES[source]})
        utc = build_usage_report(conn, UsageQuery("daily", "UTC"), {})
        assert utc.total.totals.total_tokens > 0
        for kind in ("daily", "weekly", "monthly", "session"):
            other = build_usage_report(conn, UsageQuery(kind, zone), {})  # type: ignore[arg-type]
            assert other.total.totals == utc.total.totals


def test_every_registered_source_has_a_fixture_or_a_builder() -> None:
    """A new source cannot skip the properties: it must bring a fixture tree or a builder."""
    # (a source with no log folder, e.g. Cursor from its exports, has no log fixture to install)
    assert fixture_sources() == [sid for sid, s in SOURCES.items() if s.roots]
    # the appended-file property covers every source that reads JSONL
    assert fixture_sources(Kind.JSONL) == [
        sid for sid, s in SOURCES.items() if any(p.kind is Kind.JSONL for p in s.parts)
    ]


@settings(max_examples=12, deadline=None)
@given(
    zone=st.sampled_from(
        [
            "UTC",
            "America/New_York",
            "Europe/Berlin",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "America/St_Johns",
            "Pacific/Kiritimati",
            "Pacific/Pago_Pago",
        ]
    )
)
def test_totals_are_the_same_in_every_time_zone(zone: str) -> None:
    with fresh() as ctx:
        generate(ctx.home, days=4, sessions_per_day=2, turns=3, content_bytes=50)
        conn = ctx.connect()
        run_import(conn, home=ctx.home, env={}, config=ctx.source_config())
        utc = build_usage_report(conn, UsageQuery("daily", "UTC"), {})
        local = build_usage_report(conn, UsageQuery("daily", zone), {})
        assert local.total.totals == utc.total.totals
        for kind in ("weekly", "monthly", "session"):
            other = build_usage_report(conn, UsageQuery(kind, zone), {})  # type: ignore[arg-type]
            assert other.total.totals == utc.total.totals
        # Days partition the instants: each day's rows sum to the same model totals.
        assert sum(r.totals.total_tokens for r in local.rows) == utc.total.totals.total_tokens
        days = [date.fromisoformat(r.period) for r in local.rows]
        assert days == sorted(days)
