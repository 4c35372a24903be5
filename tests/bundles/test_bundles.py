"""Bundles: a machine's usage merged into another's, counted once however often or overlapping."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard

from tests.helpers.loggen import LogWriter
from tracker.core.paths import DataPaths
from tracker.services.bundles import BundleError, export_bundle, import_bundle, is_bundle, sync_folders
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.store.store import Store

COLUMNS = (
    "source, session_id, model, ts_ms, input_tokens, output_tokens, cache_write_5m_tokens, "
    "cache_write_1h_tokens, cache_read_tokens, reasoning_tokens, total_tokens, tool_cost_micro"
)


class Machine:
    """A home with real logs and its own data folder."""

    def __init__(self, root: Path, seed: int) -> None:
        self.home = root / "home"
        self.home.mkdir(parents=True)
        self.ctx = Context(DataPaths(root / "data"), self.home, {})
        self.logs = LogWriter(self.home, seed=seed, content_bytes=20)

    def session(self, day: int, project: str) -> None:
        self.logs.claude_session(datetime(2026, 11, day, 9, tzinfo=UTC), project=project, turns=3)
        self.logs.codex_session(datetime(2026, 11, day, 14, tzinfo=UTC), project=project, turns=2)

    def import_logs(self) -> None:
        with Store.open(self.ctx.paths.database) as store:
            run_import(store.conn, home=self.home, env={}, config=self.ctx.source_config())

    def store(self) -> Store:
        return Store.open(self.ctx.paths.database)

    def events(self) -> list[tuple]:
        with self.store() as s:
            return sorted(s.conn.execute(f"SELECT {COLUMNS} FROM events"))  # noqa: S608 - a constant

    def daily(self) -> list[tuple]:
        with self.store() as s:
            return s.conn.execute(
                "SELECT bucket / 96, source, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(events) "
                "FROM usage_rollup GROUP BY 1, 2 ORDER BY 1, 2"
            ).fetchall()


@pytest.fixture
def laptop(tmp_path: Path) -> Machine:
    m = Machine(tmp_path / "laptop", seed=3)
    m.session(20, "/home/me/shop")
    m.import_logs()
    return m


@pytest.fixture
def desk(tmp_path: Path) -> Machine:
    m = Machine(tmp_path / "desk", seed=5)
    m.session(21, "/home/me/api")
    m.import_logs()
    return m


def test_imported_twice_counts_once_and_totals_are_the_sum(laptop: Machine, desk: Machine, tmp_path: Path) -> None:
    bundle = tmp_path / "laptop.twbundle"
    with laptop.store() as s:
        written = export_bundle(s, bundle, "laptop")
    assert written == len(laptop.events()) > 0 and is_bundle(bundle)
    before = desk.events()
    with desk.store() as s:
        first = import_bundle(s, bundle)
        again = import_bundle(s, bundle)
        (device,) = s.devices.devices()
        assert (device.name, device.sessions) == ("laptop", 2)
        assert len(s.devices.sessions_of(device.device_id)) == 2
    assert (first.new_events, first.skipped_count, again.new_events) == (written, 0, 0)
    assert desk.events() == sorted(before + laptop.events())  # every event once, exactly as stored there
    # the rollup (what reports read) agrees with the events
    assert sum(r[5] for r in desk.daily()) == len(desk.events())


def test_overlapping_bundles_and_a_grown_session(laptop: Machine, desk: Machine, tmp_path: Path) -> None:
    old, new = tmp_path / "old.twbundle", tmp_path / "new.twbundle"
    with laptop.store() as s:
        export_bundle(s, old, "laptop")
    laptop.session(22, "/home/me/shop")  # more work, then a newer bundle holding all of it
    laptop.import_logs()
    with laptop.store() as s:
        export_bundle(s, new, "laptop")
    with desk.store() as s:
        import_bundle(s, new)
        assert import_bundle(s, old).new_events == 0  # the older one adds nothing
    with desk.store() as s:
        own = len(list(s.devices.own_events()))
    assert set(desk.events()) >= set(laptop.events())
    assert len(desk.events()) == len(laptop.events()) + own  # the laptop's three days, once each


def test_an_export_carries_this_machines_usage_only(laptop: Machine, desk: Machine, tmp_path: Path) -> None:
    a, b = tmp_path / "a.twbundle", tmp_path / "b.twbundle"
    with laptop.store() as s:
        export_bundle(s, a, "laptop")
    with desk.store() as s:
        own = len(list(s.devices.own_events()))
        import_bundle(s, a)
        assert export_bundle(s, b, "desk") == own  # the laptop's usage does not travel back
        assert "this machine" in import_bundle(s, b).note  # its own bundle: nothing to do
    with laptop.store() as s:
        import_bundle(s, b)
    assert sorted(laptop.events()) == sorted(desk.events())  # both machines now see the same usage


def test_a_session_both_machines_read_counts_once(laptop: Machine, tmp_path: Path) -> None:
    twin = Machine(tmp_path / "twin", seed=99)
    shutil.copytree(laptop.home / ".claude", twin.home / ".claude")  # a synced log folder
    twin.import_logs()
    bundle = tmp_path / "l.twbundle"
    with laptop.store() as s:
        export_bundle(s, bundle, "laptop")
    before = twin.events()
    with twin.store() as s:
        result = import_bundle(s, bundle)
    claude = [e for e in laptop.events() if e[0] == "claude-code"]
    assert result.new_events == len(laptop.events()) - len(claude)
    assert len(twin.events()) == len(before) + result.new_events


def write_bundle(path: Path, rows: list, *, checksum: str | None = None, device: str = "other") -> None:
    from tracker.store.devices import BUNDLE_COLUMNS

    header = {"tokenworth_bundle": 1, "device_id": device, "device_name": device, "created_ms": 1,
              "columns": list(BUNDLE_COLUMNS), "events": len(rows)}  # fmt: skip
    body = b"".join(json.dumps(x).encode() + b"\n" for x in [header, *rows])
    trailer = json.dumps({"sha256": checksum or hashlib.sha256(body).hexdigest()}).encode() + b"\n"
    path.write_bytes(zstandard.ZstdCompressor().compress(body + trailer))


GOOD = ["codex", "ab" * 16, "s1", "/p", "", "gpt-5", 1764493200000, 100, 20, 0, 0, 50, 5, None, 0]


def test_hostile_rows_are_skipped_with_reasons_and_good_ones_kept(desk: Machine, tmp_path: Path) -> None:
    bad = [
        ["Codex!", *GOOD[1:]],
        [GOOD[0], "zz", *GOOD[2:]],
        [*GOOD[:6], 0, *GOOD[7:]],
        [*GOOD[:7], 10**18, *GOOD[8:]],
        [*GOOD[:7], 1.5, *GOOD[8:]],
        [*GOOD[:13], -1, 0],
        GOOD[:5],
    ]
    path = tmp_path / "x.twbundle"
    write_bundle(path, [GOOD, *bad])
    with desk.store() as s:
        result = import_bundle(s, path)
    assert (result.rows, result.new_events, result.skipped_count) == (8, 1, 7)
    assert [n for n, _ in result.skipped] == [3, 4, 5, 6, 7, 8, 9]  # the header is line 1
    reasons = [r for _, r in result.skipped]
    assert reasons == [
        "not a source id", "not an event key", "unreadable timestamp",
        "token count that is not a whole number from 0 to 10^10",
        "token count that is not a whole number from 0 to 10^10", "unusable cost", "not an event row",
    ]  # fmt: skip
    (stored,) = [e for e in desk.events() if e[1] == "s1"]
    assert stored[4:11] == (100, 20, 0, 0, 50, 5, 170)  # the total is the store's own sum


@pytest.mark.parametrize("damage", ["checksum", "truncated", "not-zstd"])
def test_a_damaged_bundle_stores_nothing(desk: Machine, tmp_path: Path, damage: str) -> None:
    path = tmp_path / "d.twbundle"
    write_bundle(path, [GOOD], checksum="0" * 64 if damage == "checksum" else None)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:-12])
    if damage == "not-zstd":
        path.write_bytes(b'{"tokenworth_bundle": 1}\n')
    before = desk.events()
    with desk.store() as s, pytest.raises(BundleError, match="bundle"):
        import_bundle(s, path)
    assert desk.events() == before


def test_a_shared_folder_is_written_and_read_both_ways(laptop: Machine, desk: Machine, tmp_path: Path) -> None:
    shared = tmp_path / "Sync"
    shared.mkdir()
    with laptop.store() as s:
        assert sync_folders(s, (str(shared),), "laptop") == []  # nothing from others yet
    with desk.store() as s:
        (got,) = sync_folders(s, (str(shared),), "desk")
        assert got.new_events > 0
        (again,) = sync_folders(s, (str(shared),), "desk")
        assert again.new_events == 0 and "nothing newer" in again.note
    with laptop.store() as s:
        (got,) = sync_folders(s, (str(shared),), "laptop")
    assert sorted(laptop.events()) == sorted(desk.events())
    assert len(list(shared.glob("*.twbundle"))) == 2


def test_export_bundle_command(laptop: Machine, tmp_path: Path) -> None:
    out = tmp_path / "out" / "b.twbundle"
    out.parent.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "tracker", "--data-dir", str(laptop.ctx.paths.root), "export-bundle", "--out", str(out)],
        capture_output=True, text=True, check=False, env={"HOME": str(laptop.home), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"wrote {len(laptop.events()):,} events" in run.stdout and is_bundle(out)
    with out.open("rb") as f:
        content = zstandard.ZstdDecompressor().stream_reader(f).read()
    assert b"tokenworth_bundle" in content and b'"content"' not in content


def test_import_file_takes_a_bundle_and_a_shared_folder_is_synced_on_import(
    laptop: Machine, desk: Machine, tmp_path: Path
) -> None:
    def cli(m: Machine, *args: str, rc: int = 0) -> subprocess.CompletedProcess[str]:
        env = {"HOME": str(m.home), "PATH": "/usr/bin:/bin", "TZ": "UTC"}
        run = subprocess.run(
            [sys.executable, "-m", "tracker", "--data-dir", str(m.ctx.paths.root), *args],
            capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        assert run.returncode == rc, (run.stdout, run.stderr)
        return run

    bundle = tmp_path / "laptop.twbundle"
    for m, name in ((laptop, "laptop"), (desk, "desk")):
        cli(m, "config", "set", "general.device_name", name)
    cli(laptop, "export-bundle", "--out", str(bundle))
    expected = sorted(desk.events() + laptop.events())
    first = json.loads(cli(desk, "import", str(bundle), "--json").stdout)["files"][0]
    assert first["format"] == "Tokenworth bundle from laptop" and first["events_new"] == len(laptop.events())
    again = json.loads(cli(desk, "import", str(bundle), "--json").stdout)["files"][0]
    assert again["events_new"] == 0 and desk.events() == expected
    damaged = tmp_path / "damaged.twbundle"
    damaged.write_bytes(bundle.read_bytes()[:-40])
    assert "bundle" in cli(desk, "import", str(damaged), rc=1).stderr and desk.events() == expected

    shared = tmp_path / "Sync"
    shared.mkdir()
    for m in (laptop, desk):
        cli(m, "config", "set", "sources.bundle_folders", str(shared))
    cli(laptop, "import")  # writes the laptop's bundle there
    out = cli(desk, "import").stdout  # writes the desk's, reads the laptop's (already merged: nothing new)
    assert "bundle from laptop: 0 new usage record(s)" in out
    report = json.loads(cli(laptop, "import", "--json").stdout)["bundles"]
    assert [(b["device"], b["new_events"] > 0) for b in report] == [("desk", True)]
    assert sorted(laptop.events()) == sorted(desk.events())

    def total(m: Machine, *args: str) -> int:
        out = cli(m, "usage", "daily", "--json", "--no-import", "--timezone", "UTC", *args).stdout
        return int(json.loads(out)["totals"]["total_tokens"])

    own = {m: sum(e[10] for e in m.events() if e[1] in sessions(m)) for m in (laptop, desk)}
    assert total(laptop, "--device", "this") == own[laptop] and total(laptop, "--device", "desk") == own[desk]
    assert total(laptop) == own[laptop] + own[desk] == total(desk)
    assert "no single machine called 'attic'" in cli(laptop, "usage", "daily", "--device", "attic", rc=2).stderr


def sessions(m: Machine) -> set[str]:
    """The session ids of ``m``'s own logs."""
    with m.store() as s:
        theirs = {sid for _, sid in s.devices.sessions_of(None)}
        return {str(r[0]) for r in s.conn.execute("SELECT session_id FROM sessions")} - theirs


def test_the_apps_import_learns_what_a_shared_folder_brought(laptop: Machine, desk: Machine, tmp_path: Path) -> None:
    from tracker.services.bundles import sync_into
    from tracker.services.importer import ImportSummary

    shared = tmp_path / "Sync"
    shared.mkdir()
    laptop.ctx.settings.set("sources.bundle_folders", str(shared))
    desk.ctx.settings.set("sources.bundle_folders", str(shared))
    with laptop.store() as s:
        nothing = ImportSummary()
        assert sync_into(laptop.ctx, s, nothing) == [] and not nothing.changed
    with desk.store() as s:
        summary = ImportSummary()
        (got,) = sync_into(desk.ctx, s, summary)
    assert got.new_events > 0 and summary.changed and summary.bundles_changed
    assert summary.days_touched == {datetime(2026, 11, 20, tzinfo=UTC).date()}
    assert summary.sources_touched == {"claude-code", "codex"}
