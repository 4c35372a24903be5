"""pi accounting against ccusage 20.0.24 (``ccusage pi daily``) on one generated home.

Per day x model our tokens equal ccusage's except the differences peer-ccusage-20.md
documents, asserted exactly: ccusage keeps the cached tokens inside older google
records' input, and dates a record by the entry's ISO timestamp (written just after the
reply) rather than the message's, so a reply finishing across midnight lands a day later.
Fork copies whose header names the source file collapse in ccusage too: equal.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.gen_pi_transcript import Call, header, ms, user, write_jsonl
from tests.helpers.reading import read_tree, stored
from tests.peer.pi_parity import add, day, ours, peer
from tracker.sources import pi

MODELS = [("anthropic", "claude-sonnet-4-5"), ("openai", "gpt-5.2"), ("google", "gemini-2.5-flash")]


def generate(sessions: Path, seed: int, days: int = 5) -> tuple[list[Call], list[Call]]:
    """Sessions over ``days``; returns (older google calls with cache in input, calls that
    finish within the last 40 ms before midnight)."""
    rng = random.Random(seed)
    subset: list[Call] = []
    midnight: list[Call] = []
    n = 0
    start = ms("2026-11-20T00:00:00")
    for d in range(days):
        for s in range(2):
            folder = sessions / f"--home-me-p{s}--"
            t = start + d * 86_400_000 + rng.randint(1, 20) * 3_600_000
            calls = []
            for _ in range(4):
                t += rng.randint(5_000, 600_000)
                n += 1
                provider, model = rng.choice(MODELS)
                inp, out, read = rng.randint(1, 4000), rng.randint(1, 3000), rng.randint(0, 50_000)
                if provider == "google" and read and rng.random() < 0.6:
                    c = Call(
                        f"{n:08x}", t, inp + read, out, read, model=model, provider=provider, total=inp + read + out
                    )
                    subset.append(c)
                else:
                    c = Call(f"{n:08x}", t, inp, out, read, rng.randint(0, 3000) if provider == "anthropic" else 0,
                             model=model, provider=provider)  # fmt: skip
                calls.append(c)
            if d == 1 and s == 0:
                # 23:59:59.980: the entry's own timestamp (+40 ms) is already the next day.
                c = Call(f"{n:08x}m", start + 2 * 86_400_000 - 20, 50, 60, 70, 80)
                calls.append(c)
                midnight.append(c)
            sid = f"0000000{d}-aaaa-4bbb-8ccc-00000000000{s}"
            name = f"2026-11-2{d}T00-00-00-000Z_{sid}.jsonl"
            entries = [header(sid, calls[0].ts_ms - 1000, f"/home/me/p{s}"), user(f"u{n:07x}", calls[0].ts_ms - 500)]
            write_jsonl(folder / name, entries + [c.entry() for c in calls])
            if s == 1:
                fork = f"1000000{d}-aaaa-4bbb-8ccc-00000000000{s}"
                write_jsonl(folder / f"2026-11-2{d}T23-00-00-000Z_{fork}.jsonl",
                            [header(fork, calls[-1].ts_ms + 1, f"/home/me/p{s}", str(folder / name)),
                             *(c.entry() for c in calls[:3])])  # fmt: skip
    return subset, midnight


@pytest.fixture(scope="module")
def exe() -> Path:
    return ccusage_binary()


def test_daily_tokens_per_model_equal_ccusage_but_for_its_documented_differences(exe: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    sessions = home / ".pi" / "agent" / "sessions"
    subset, midnight = generate(sessions, seed=5)
    mine = ours(stored(read_tree(pi.SPEC, sessions)).values())
    expected = dict(mine)
    for c in subset:
        add(expected, (day(c.ts_ms), c.model or ""), (c.cache_read, 0, 0, 0))
    for c in midnight:
        own = (c.input, c.output, c.cache_write, c.cache_read)
        add(expected, (day(c.ts_ms), c.model or ""), own, sign=-1)
        add(expected, (day(c.ts_ms + 40), c.model or ""), own)
    doc = json.loads(run_ccusage(exe, home, "pi", "daily", "--json", "--offline", "--timezone", "UTC"))
    assert subset and midnight
    assert peer(doc, "[pi] ") == expected
