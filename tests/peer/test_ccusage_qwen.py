"""Qwen Code against ccusage 20.0.24 (``ccusage qwen daily --json --offline``).

Per day x model, ccusage must report exactly what our own events give under its documented
rules (research/peer-ccusage-20.md): output without thoughts, the cache left inside input,
``/branch`` copies counted again (its entry id includes the sessionId) and, found here,
``chats/archive/`` not read (``adapter/qwen/paths.rs`` takes ``projects/<p>/chats/<f>.jsonl``
only). Our numbers must equal the generator's truth and differ from ccusage's by exactly
those rules, so a peer fix or a regression of ours both show up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import gen_qwen
from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.reading import all_events, ccusage_daily, daily, dedup, peer_view, read_home
from tracker.sources import qwen


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


def test_qwen_daily_equals_ccusage_except_cache_branches_and_archive(peer: Path, tmp_path: Path) -> None:
    exp = gen_qwen.generate(tmp_path, seed=8, days=7, sessions_per_day=4, turns=3)
    results = read_home(qwen.SPEC, tmp_path)
    ours = dedup(all_events(results))
    assert daily(ours.values()) == dict(exp.ours)
    got = ccusage_daily(
        json.loads(run_ccusage(peer, tmp_path, "qwen", "daily", "--json", "--offline", "--timezone", "UTC"))
    )
    live = [e for p, r in results if p.parent.name != "archive" for e in r.events]
    archived = [e for p, r in results if p.parent.name == "archive" for e in r.events]
    assert got == peer_view(live, cache_in_input=True)
    assert got == {k: tuple(v) for k, v in exp.peer.items() if any(v)}
    # each rule is at work in this home
    assert len(live) > len({e.dedup_key for e in live})  # branch copies
    assert archived and {e.dedup_key for e in archived} <= set(ours)  # archived sessions are ours only
    assert sum(e.cache_read_tokens for e in ours.values()) > 0
