"""Properties of the whole import: idempotent, split-anywhere safe, zone-invariant totals."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, install_fixture_logs
from tests.helpers.loggen import generate
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report

CLAUDE = (FIXTURES / "claude-code" / "session.jsonl").read_bytes()
CODEX = next((FIXTURES / "codex").glob("*.jsonl")).read_bytes()


@contextmanager
def fresh() -> Iterator[Context]:
    root = Path(tempfile.mkdtemp(prefix="tw-prop-"))
    try:
        (root / "home").mkdir()
        yield Context(DataPaths(root / "data"), root / "home", {})
    finally:
        shutil.rmtree(root)


def imported(ctx: Context) -> list[tuple[object, ...]]:
    conn = ctx.connect()
    run_import(conn, home=ctx.home, env={}, config=ctx.source_config())
    return conn.execute(
        "SELECT dedup_key, model, ts_ms, input_tokens, output_tokens, cache_write_5m_tokens,"
        " cache_write_1h_tokens, cache_read_tokens, reasoning_tokens FROM events ORDER BY dedup_key"
    ).fetchall()


def log_paths(home: Path) -> tuple[Path, Path]:
    cc = home / ".claude" / "projects" / "p" / "s.jsonl"
    cx = home / ".codex" / "sessions" / "rollout-2026-06-01T10-00-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
    cc.parent.mkdir(parents=True, exist_ok=True)
    cx.parent.mkdir(parents=True, exist_ok=True)
    return cc, cx


def one_step() -> list[tuple[object, ...]]:
    with fresh() as ctx:
        cc, cx = log_paths(ctx.home)
        cc.write_bytes(CLAUDE)
        cx.write_bytes(CODEX)
        return imported(ctx)


ONE_STEP = one_step()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut_cc=st.integers(0, len(CLAUDE)), cut_cx=st.integers(0, len(CODEX)))
def test_splitting_files_at_any_byte_equals_one_import(cut_cc: int, cut_cx: int) -> None:
    with fresh() as ctx:
        cc, cx = log_paths(ctx.home)
        cc.write_bytes(CLAUDE[:cut_cc])
        cx.write_bytes(CODEX[:cut_cx])
        imported(ctx)
        with cc.open("ab") as f:
            f.write(CLAUDE[cut_cc:])
        with cx.open("ab") as f:
            f.write(CODEX[cut_cx:])
        assert imported(ctx) == ONE_STEP


@settings(max_examples=15, deadline=None)
@given(times=st.integers(1, 3))
def test_importing_again_changes_nothing(times: int) -> None:
    with fresh() as ctx:
        install_fixture_logs(ctx.home)
        first = imported(ctx)
        for _ in range(times):
            assert imported(ctx) == first


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
