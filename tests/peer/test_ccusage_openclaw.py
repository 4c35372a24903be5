"""OpenClaw accounting against ccusage 20.0.24 (``ccusage openclaw daily``) on one generated home.

Per day x model our tokens equal ccusage's except where peer-ccusage-20.md documents a
ccusage bug, which is asserted as the exact difference: it counts fork and compaction
successor copies again, reads neither compressed ``event_zstd`` rows, cold ``.jsonl.zst``
archives nor doctor ``.imported-`` archives, and takes older google records' input with
the cached tokens still in it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.gen_pi_transcript import (
    Call,
    add_event,
    add_window,
    create_agent_db,
    header,
    model_change,
    ms,
    user,
    write_jsonl,
    write_zst,
)
from tests.helpers.reading import read_tree, stored
from tests.peer.pi_parity import add, ours, peer
from tests.peer.pi_parity import day as day_of
from tracker.sources import openclaw

MODELS = [("anthropic", "claude-sonnet-4-5"), ("openai", "gpt-5.2"), ("google", "gemini-2.5-pro")]


@dataclass
class Home:
    copies: list[Call] = field(default_factory=list)  # counted again by ccusage
    missed: list[Call] = field(default_factory=list)  # not read by ccusage
    subset: list[Call] = field(default_factory=list)  # google input with cache inside


def _call(rng: random.Random, ts_ms: int, n: int, home: Home) -> Call:
    provider, model = rng.choice(MODELS)
    inp, out, read = rng.randint(1, 4000), rng.randint(1, 3000), rng.randint(0, 60_000)
    write = rng.randint(0, 5000) if provider == "anthropic" else 0
    if provider == "google" and read and rng.random() < 0.5:
        c = Call(f"{n:08x}", ts_ms, inp + read, out, read, 0, model=model, provider=provider, total=inp + read + out)
        home.subset.append(c)
        return c
    return Call(f"{n:08x}", ts_ms, inp, out, read, write, model=model, provider=provider, cost=round(inp * 1e-6, 6))


def generate(root: Path, seed: int, days: int = 6) -> Home:
    rng = random.Random(seed)
    home = Home()
    n = 0
    start = ms("2026-11-20T00:00:00")
    for d in range(days):
        for s, agent in enumerate(["main", "main", "ops"]):
            sid = f"d{d}s{s}"
            t = start + d * 86_400_000 + rng.randint(1, 20) * 3_600_000
            calls = []
            for _ in range(4):
                t += rng.randint(5_000, 600_000)
                n += 1
                calls.append(_call(rng, t, n, home))
            sessions = root / "agents" / agent / "sessions"
            entries = [header(sid, calls[0].ts_ms - 1000, f"/work/p{s}"), user(f"u{n:07x}", calls[0].ts_ms - 500)]
            write_jsonl(sessions / f"{sid}.jsonl", entries + [c.entry() for c in calls])
            if s == 0:
                # /reset archive of the same session: same stem, ccusage collapses it too.
                write_jsonl(sessions / f"{sid}.jsonl.reset.2026-11-29T00-00-00.000Z", [c.entry() for c in calls[:2]])
            if s == 1:
                # Compaction successor: a new session re-containing the kept tail.
                succ = [header(f"{sid}c", calls[-1].ts_ms + 1, f"/work/p{s}", str(sessions / f"{sid}.jsonl"))]
                write_jsonl(sessions / f"{sid}c.jsonl", succ + [c.entry() for c in calls[2:]])
                home.copies += calls[2:]
    db = create_agent_db(root / "agents" / "main" / "agent" / "openclaw-agent.sqlite")
    add_window(db, "dbS", "agent:main:main", start)
    add_event(db, "dbS", 0, header("dbS", start, "/work/db"))
    add_event(db, "dbS", 1, model_change("mcdb0001", start, "anthropic", "claude-sonnet-4-5"))
    for seq in range(2, 8):
        n += 1
        c = _call(rng, start + 86_400_000 * (seq % days) + 43_200_000 + seq, n, home)
        add_event(db, "dbS", seq, c.entry(), compressed=seq % 2 == 0)
        if seq % 2 == 0:
            home.missed.append(c)
    db.commit()
    db.close()
    archived = []
    for i in range(4):
        n += 1
        archived.append(_call(rng, start + 86_400_000 * i + 7_200_000 + i, n, home))
    write_zst(root / "agents" / "main" / "sessions" / "cold" / ("cd" * 32 + ".jsonl.zst"),
              [header("cold1", start, "/work/cold"), *(c.entry() for c in archived[:2])])  # fmt: skip
    write_jsonl(root / "agents" / "main" / "session-sqlite-import-archive"
                / "agent_main_main.old1.jsonl.imported-2026-11-29T00-00-00.000Z",
                [header("old1", start, "/work/old"), *(c.entry() for c in archived[2:])])  # fmt: skip
    home.missed += archived
    return home


@pytest.fixture(scope="module")
def exe() -> Path:
    return ccusage_binary()


def test_daily_tokens_per_model_equal_ccusage_but_for_its_documented_bugs(exe: Path, tmp_path: Path) -> None:
    home_dir = tmp_path / "home"
    root = home_dir / ".openclaw"
    home = generate(root, seed=11)
    mine = ours(stored(read_tree(openclaw.SPEC, root)).values())
    expected = dict(mine)
    for c in home.copies:
        add(expected, (day_of(c.ts_ms), c.model or ""), _fresh(c))
    for c in home.missed:
        add(expected, (day_of(c.ts_ms), c.model or ""), _fresh(c), sign=-1)
    for c in home.subset:
        if c not in home.missed:
            n = 1 + home.copies.count(c)
            add(expected, (day_of(c.ts_ms), c.model or ""), (c.cache_read * n, 0, 0, 0))  # cache left in input
    doc = json.loads(run_ccusage(exe, home_dir, "openclaw", "daily", "--json", "--offline", "--timezone", "UTC"))
    theirs = peer(doc, "[openclaw] ")
    assert home.copies and home.missed and home.subset  # every documented difference is exercised
    assert theirs == expected
    assert theirs != mine


def _fresh(c: Call) -> tuple[int, int, int, int]:
    """A call's counts as we store them (the cached part out of a subset google input)."""
    inp = c.input - c.cache_read if c.total is not None and c.input + c.output + c.cache_read > c.total else c.input
    return inp, c.output, c.cache_write, c.cache_read
