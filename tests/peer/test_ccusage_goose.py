"""Goose against ccusage 20.0.24 (``ccusage goose daily --json --offline``).

Per day x model, ccusage must report exactly what our own events give under its rules
(``adapter/goose/{paths,loader,parser}.rs``; found again here by experiment): output without
the reasoning gap (``accumulated_total - input - output`` goes to its total and cost only), a
session keyed by (database path, id) so a session in both the primary and the legacy
``Block/goose`` database counts twice, and a session whose ``model_config_json`` is NULL
skipped. Both also date a session at its ``created_at``. Our numbers equal the generator's
truth and differ from ccusage's by exactly that, so a peer fix or a regression of ours shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import gen_goose
from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.reading import all_events, ccusage_daily, day, dedup, per_day_model, read_home
from tracker.sources import goose


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


def test_goose_daily_equals_ccusage_except_copies_unnamed_models_and_reasoning(peer: Path, tmp_path: Path) -> None:
    exp = gen_goose.generate(tmp_path, seed=3)
    assert exp.copied_sessions > 0 and exp.no_model_sessions > 0  # the home has both traps
    results = read_home(goose.SPEC, tmp_path)
    events = all_events(results)
    ours = dedup(events)
    assert len(events) - len(ours) == exp.copied_sessions  # the legacy copies add nothing here
    exact = {k: [e[0], e[1], e[2]] for k, e in exp.ours.items()}
    got_ours = {
        k: [inp, out, sum(e.reasoning_tokens for e in ours.values() if (day(e), e.model) == k)]
        for k, (inp, out, _, _) in per_day_model(ours.values()).items()
    }
    assert got_ours == exact
    got = ccusage_daily(
        json.loads(run_ccusage(peer, tmp_path, "goose", "daily", "--json", "--offline", "--timezone", "UTC"))
    )
    # ccusage's rules applied to our own events: one copy per database, named models only, output without reasoning
    per_db = [e for _, r in results for e in r.events if e.model != "unknown"]
    assert got == per_day_model(per_db, output_without_reasoning=True)
    assert got == {k: tuple(v) for k, v in exp.peer.items()}
    assert got != per_day_model(ours.values())
