"""Gemini CLI against ccusage 20.0.24 (``ccusage gemini daily --json --offline``).

Per day x model, ccusage must report exactly what our own events give under its documented
rules (research/peer-ccusage-20.md): output without thoughts, and no dedup across files, so
a legacy ``.json`` resumed into ``.jsonl`` counts twice. Our numbers must equal the
generator's truth and differ from ccusage's by exactly that, so a peer fix or a regression
of ours both show up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import gen_gemini
from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.reading import all_events, ccusage_daily, daily, dedup, peer_view, read_home
from tracker.sources import gemini


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


def test_gemini_daily_equals_ccusage_except_twins(peer: Path, tmp_path: Path) -> None:
    exp = gen_gemini.generate(tmp_path, seed=21, days=7, sessions_per_day=4, turns=4)
    assert exp.twin_requests > 0  # the home has resumed legacy sessions
    results = read_home(gemini.SPEC, tmp_path)
    ours = dedup(all_events(results))
    assert daily(ours.values()) == dict(exp.ours)
    got = ccusage_daily(
        json.loads(run_ccusage(peer, tmp_path, "gemini", "daily", "--json", "--offline", "--timezone", "UTC"))
    )
    # ccusage's rule: the last copy per id inside one file, every file on its own
    per_file = [e for _, r in results for e in dedup(r.events).values()]
    assert got == peer_view(per_file)
    assert got == {k: tuple(v) for k, v in exp.peer.items()}
    # the twins are the whole difference from an exact reading
    assert len(per_file) - len(ours) == exp.twin_requests
    assert got != peer_view(ours.values())
