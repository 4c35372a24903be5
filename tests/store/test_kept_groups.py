"""Kept report groups (``store.kept_groups``): after every kind of change an import makes, the
groups a report starts from equal the groups summed from scratch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.loggen import generate
from tracker.core.timezones import get_zone, offset_segments
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.store.queries import UsageFilter, grouped_usage, time_span
from tracker.store.store import Store

TIERS = {"claude-sonnet-4-5-20250929": (200_000,), "claude-opus-4-1-20250805": (128_000, 200_000)}
ZONES = ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]


def line(request: str, ts: str, out: int, model: str = "claude-sonnet-4-5-20250929") -> str:
    return json.dumps(
        {
            "type": "assistant",
            "timestamp": ts,
            "requestId": request,
            "sessionId": "s",
            "message": {"id": f"m{request}", "model": model, "usage": {"input_tokens": 5, "output_tokens": out}},
        }
    )


def check(ctx: Context, zone: str, f: UsageFilter = UsageFilter()) -> tuple[int, int]:  # noqa: B008
    """Kept groups (read and kept again by a writer) equal fresh ones; (groups kept, days noted)."""
    with Store.open(ctx.paths.database) as store:
        span = time_span(store.conn)
        assert span is not None
        offsets = offset_segments(get_zone(zone), *span)
        kept = store.usage.grouped(f, "day", offsets=offsets, thresholds=TIERS, span=span)
        fresh = grouped_usage(store.conn, f, "day", offsets=offsets, thresholds=TIERS)
        key = lambda r: (r.key, r.source, r.model, r.tier)  # noqa: E731
        assert kept == sorted(fresh, key=key)
        counts = store.conn.execute("SELECT (SELECT COUNT(*) FROM report_groups), (SELECT COUNT(*) FROM report_dirty)")
        return counts.fetchone()  # type: ignore[no-any-return]


def imported(ctx: Context, home: Path) -> None:
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())


@pytest.mark.parametrize("zone", ZONES)
def test_kept_groups_follow_appends_new_files_replaced_copies_and_rewrites(ctx: Context, home: Path, zone: str) -> None:
    generate(home, days=4, sessions_per_day=2, turns=6, content_bytes=40)
    imported(ctx, home)
    f = UsageFilter(source="claude-code")
    assert check(ctx, zone) == (1, 0)
    assert check(ctx, zone, f) == (2, 0)
    folder = home / ".claude" / "projects" / "p"
    folder.mkdir(parents=True)
    log = folder / "a.jsonl"
    log.write_text(line("r1", "2026-03-27T23:50:00Z", 3) + "\n")  # a new file, near a local midnight
    imported(ctx, home)
    assert check(ctx, zone)[1] > 0  # the days of the new buckets were summed again
    assert check(ctx, zone, f)[0] == 2
    with log.open("a") as out:  # appended: a larger copy of r1 in the next day's bucket, and a new model
        out.write(line("r1", "2026-03-28T00:10:00Z", 300) + "\n")
        out.write(line("r2", "2026-03-25T12:00:00Z", 9, model="claude-opus-4-1-20250805") + "\n")
    imported(ctx, home)
    check(ctx, zone)
    check(ctx, zone, f)
    log.write_text(line("r3", "2026-03-26T08:00:00Z", 11) + "\n")  # rewritten: read again from the start
    imported(ctx, home)
    check(ctx, zone)
    check(ctx, zone, f)


def test_a_pending_rollup_drops_the_kept_groups(ctx: Context, home: Path) -> None:
    generate(home, days=2, sessions_per_day=1, turns=4, content_bytes=40)
    imported(ctx, home)
    assert check(ctx, "UTC")[0] == 1
    with Store.open(ctx.paths.database) as store:
        store.conn.execute("INSERT OR REPLACE INTO meta VALUES ('rollup_pending', '1')")
        assert store.conn.execute("SELECT COUNT(*) FROM report_groups").fetchone() == (0,)


def test_groups_summed_on_a_read_only_store_are_kept_by_a_writer_while_nothing_changed(
    ctx: Context, home: Path
) -> None:
    generate(home, days=2, sessions_per_day=1, turns=4, content_bytes=40)
    imported(ctx, home)
    offsets = [(2**62, 0)]
    with Store.open_read(ctx.paths.database) as reader:
        reader.usage.grouped(UsageFilter(), "day", offsets=offsets, thresholds=TIERS)
        unkept = reader.usage.unkept
    assert len(unkept) == 1
    with Store.open(ctx.paths.database) as writer:
        writer.usage.keep_groups(unkept)
        assert writer.conn.execute("SELECT COUNT(*) FROM report_groups").fetchone() == (1,)
        writer.conn.execute("DELETE FROM report_groups")
        writer.conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        writer.usage.keep_groups(unkept)  # the store changed since they were summed: not kept
        assert writer.conn.execute("SELECT COUNT(*) FROM report_groups").fetchone() == (0,)


def test_without_its_triggers_nothing_is_kept_or_read(ctx: Context, home: Path) -> None:
    generate(home, days=2, sessions_per_day=1, turns=4, content_bytes=40)
    imported(ctx, home)
    with Store.open(ctx.paths.database) as store:
        store.conn.execute("DROP TRIGGER report_dirty_added")  # as a migration rebuilding the rollup might
    assert check(ctx, "UTC") == (0, 0)
