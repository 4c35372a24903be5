"""Amp against ccusage 20.0.24 (``ccusage amp daily --json --offline``).

ccusage's rules (``adapter/amp/parser.rs``, confirmed here by experiment; not yet in
research/peer-ccusage-20.md): a thread with a ``usageLedger`` is read from the ledger only,
its cache counts joined from the message an event names (the event's own cache counts are
ignored, so a ledger-only request loses its cache); a thread without one is read from message
usage, and a usage without a ``timestamp`` is dropped (we date it at the thread's
``created``). Our numbers equal the generator's truth and ccusage's differ by exactly that.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.helpers import gen_amp
from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.reading import all_events, ccusage_daily, dedup, per_day_model, read_home
from tracker.sources import amp


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


def ccusage_amp(peer: Path, home: Path) -> dict:
    return ccusage_daily(
        json.loads(run_ccusage(peer, home, "amp", "daily", "--json", "--offline", "--timezone", "UTC"))
    )


def test_fixture_differs_by_the_untimed_message_and_the_ledger_cache(peer: Path, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "amp", tmp_path, dirs_exist_ok=True)
    ours = per_day_model(dedup(all_events(read_home(amp.SPEC, tmp_path))).values())
    sonnet45, sonnet4 = ("2026-11-30", "claude-sonnet-4-5-20250929"), ("2026-11-12", "claude-sonnet-4-20250514")
    assert ours[sonnet45] == (14, 1128, 2186, 23726)
    assert ours[sonnet4] == (570, 110, 5000, 5000)
    expected_peer = dict(ours)
    expected_peer[sonnet45] = (10, 178, 986, 11372)  # message 3 has no timestamp: dropped
    expected_peer[sonnet4] = (570, 110, 5000, 0)  # e-2's own cache read ignored
    assert ccusage_amp(peer, tmp_path) == expected_peer


def test_generated_threads_equal_ccusage_except_the_documented_rules(peer: Path, tmp_path: Path) -> None:
    exp = gen_amp.generate(tmp_path, seed=11)
    assert exp.untimed > 0 and exp.ledger_cache > 0
    ours = per_day_model(dedup(all_events(read_home(amp.SPEC, tmp_path))).values())
    assert ours == {k: tuple(v) for k, v in exp.ours.items()}
    got = ccusage_amp(peer, tmp_path)
    assert got == {k: tuple(v) for k, v in exp.peer.items()}
    assert got != ours
