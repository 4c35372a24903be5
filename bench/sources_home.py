"""Put every registered source's files into a bench HOME, at a heavy user's sizes.

    uv run python -m bench.sources_home /tmp/tw-bench/home

Beside the Claude Code + Codex corpus (``bench.corpus``) this adds the other twelve tools in
their own formats (the ``tests/helpers/gen_*`` writers): roughly a few months of steady use
each, so a warm run has every reader kind to check — JSONL folders, rewritten documents
(Gemini legacy, Cline/Roo/Kilo tasks, Amp threads) and other tools' SQLite databases
(OpenCode, Kilo CLI, OpenClaw, Copilot, Goose, Zed). ``--only-others`` leaves the existing
Claude Code + Codex files alone.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers import gen_amp, gen_cline, gen_copilot, gen_gemini, gen_goose, gen_qwen, gen_zed
from tests.helpers.gen_opencode import Msg, add_message, add_session, create_db
from tests.helpers.gen_pi_transcript import Call, add_event, create_agent_db, header, user, write_jsonl

START = datetime(2026, 8, 1, 8, tzinfo=UTC)
CLAUDE = ("claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5")


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def _pi_calls(rng: random.Random, prefix: str, t0: datetime, n: int) -> list[Call]:
    return [
        Call(
            f"{prefix}-{i:04d}",
            _ms(t0 + timedelta(minutes=2 * i)),
            rng.randint(1, 4000),
            rng.randint(50, 3000),
            cache_read=rng.randint(0, 90_000),
            cache_write=rng.randint(0, 5000),
            model=rng.choice(CLAUDE),
        )
        for i in range(n)
    ]


def pi_like(root: Path, rng: random.Random, sessions: int, turns: int) -> None:
    """pi transcripts: ``<root>/<project>/<session>.jsonl``."""
    for s in range(sessions):
        t0 = START + timedelta(hours=7 * s)
        sid = f"pi-{s:05d}"
        calls = _pi_calls(rng, sid, t0, turns)
        entries = [header(sid, _ms(t0), f"/home/dev/p{s % 9}")]
        for i, c in enumerate(calls):
            entries += [user(f"{sid}-u{i:04d}", c.ts_ms - 500), c.entry()]
        write_jsonl(root / f"--home-dev-p{s % 9}--" / f"{sid}.jsonl", entries)


def openclaw(root: Path, rng: random.Random, sessions: int, turns: int, db_sessions: int) -> None:
    """OpenClaw: JSONL transcripts per agent, plus one agent database of transcript events."""
    for s in range(sessions):
        agent = "main" if s % 4 else "ops"
        t0 = START + timedelta(hours=5 * s)
        sid = f"oc-{s:05d}"
        calls = _pi_calls(rng, sid, t0, turns)
        entries = [header(sid, _ms(t0), f"/work/p{s % 7}")]
        for i, c in enumerate(calls):
            entries += [user(f"{sid}-u{i:04d}", c.ts_ms - 500), c.entry()]
        write_jsonl(root / "agents" / agent / "sessions" / f"{sid}.jsonl", entries)
    db = create_agent_db(root / "agents" / "main" / "agent" / "openclaw-agent.sqlite")
    with closing(db), db:
        for s in range(db_sessions):
            t0 = START + timedelta(hours=11 * s, minutes=3)
            sid = f"ocdb-{s:05d}"
            add_event(db, sid, 0, header(sid, _ms(t0), "/work/db"))
            for i, c in enumerate(_pi_calls(rng, sid, t0, turns)):
                add_event(db, sid, i + 1, c.entry(), compressed=i % 2 == 1)


def opencode_db(path: Path, rng: random.Random, sessions: int, per_session: int, text_bytes: int = 0) -> int:
    """An OpenCode-layout database; ``text_bytes`` of reply text per message sets its size."""
    db = create_db(path)
    n = 0
    with closing(db), db:
        for s in range(sessions):
            sid = f"ses_{s:06d}"
            created = _ms(START + timedelta(hours=3 * s))
            add_session(db, sid, f"/home/dev/p{s % 11}", created=created)
            for m in range(per_session):
                steps = [
                    ((rng.randint(1, 3000), rng.randint(1, 900), rng.randint(0, 200), rng.randint(0, 40_000),
                      rng.randint(0, 3000)), round(rng.random() / 50, 6))
                    for _ in range(rng.randint(1, 3))
                ]  # fmt: skip
                msg = Msg(f"msg_{s:06d}_{m:04d}", sid, created + 60_000 * m, steps, model=rng.choice(CLAUDE))
                add_message(db, msg)
                if text_bytes:  # the reply and tool output OpenCode keeps in its parts
                    db.execute(
                        "INSERT INTO part(id, message_id, session_id, time_created, time_updated, data)"
                        " VALUES (?,?,?,?,?,?)",
                        (f"prt_{msg.id}_zt", msg.id, sid, int(msg.created), int(msg.created),
                         json.dumps({"type": "text", "text": _text(rng, text_bytes)})),
                    )  # fmt: skip
                n += 1
    return n


def _text(rng: random.Random, size: int) -> str:
    """Reply-like text of about ``size`` characters (words, so it does not compress to nothing)."""
    words = ("the", "function", "returns", "None", "when", "config", "is", "missing", "test", "passes", "fix")
    return " ".join(rng.choice(words) for _ in range(size // 6))


def cline_tasks(
    home: Path,
    extension: str,
    rng: random.Random,
    tasks: int,
    requests: int,
    editor: str = "Code",
    text_bytes: int = 40,
) -> None:
    """Task folders with ``requests`` finished API requests each, and a reply after each."""
    for t in range(tasks):
        ts = _ms(START + timedelta(hours=4 * t))
        rows = [gen_cline.say(ts, "text", "a prompt that is never stored")]
        for r in range(requests):
            at = ts + 30_000 * (r + 1)
            rows.append(
                gen_cline.request(
                    at,
                    {"providerId": "anthropic", "modelId": rng.choice(CLAUDE), "mode": "act"},
                    tokensIn=rng.randint(1, 4000),
                    tokensOut=rng.randint(20, 3000),
                    cacheWrites=rng.randint(0, 5000),
                    cacheReads=rng.randint(0, 80_000),
                    cost=round(rng.random() / 20, 6),
                )
            )
            rows.append(gen_cline.say(at + 2000, "text", _text(rng, text_bytes)))
        gen_cline.write_task(gen_cline.task_dir(home, extension, f"{ts}", editor), rows)


def copilot(home: Path, rng: random.Random, sessions: int, calls: int) -> None:
    store = home / ".copilot" / "session-store.db"
    gen_copilot.create(store)
    for s in range(sessions):
        t0 = START + timedelta(hours=9 * s)
        sid = f"cp-{s:05d}"
        gen_copilot.add_session(store, sid, f"/home/dev/p{s % 5}", "main", t0.isoformat())
        batch = []
        for i in range(calls):
            read, write = rng.randint(0, 30_000), rng.randint(0, 3000)
            stamp = (t0 + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            fresh, out = rng.randint(1, 3000), rng.randint(10, 2000)
            model = "claude-sonnet-4.5"
            batch.append(gen_copilot.Call(sid, model, model, read + write + fresh, out, read, write, 0, stamp, turn=i))
        gen_copilot.add_calls(store, batch)


def zed(home: Path, rng: random.Random, threads: int) -> None:
    db = gen_zed.create(home / ".local" / "share" / "zed" / "threads" / "threads.db")
    for t in range(threads):
        when = (START + timedelta(hours=6 * t)).isoformat()
        inp, out = rng.randint(1, 90_000), rng.randint(100, 30_000)
        cum = gen_zed.usage(inp, out, rng.randint(0, 9000), rng.randint(0, 400_000))
        gen_zed.save(db, f"zt-{t:05d}", gen_zed.thread(when, cumulative=cum, model=rng.choice(CLAUDE)))


OTHERS: dict[str, Callable[[Path, random.Random], object]] = {
    "openclaw": lambda h, r: openclaw(h / ".openclaw", r, sessions=300, turns=30, db_sessions=60),
    "pi": lambda h, r: pi_like(h / ".pi" / "agent" / "sessions", r, sessions=200, turns=30),
    "gemini": lambda h, r: gen_gemini.generate(h, seed=5, days=60, sessions_per_day=3, turns=12),
    "qwen": lambda h, r: gen_qwen.generate(h, seed=6, days=60, sessions_per_day=3, turns=12),
    "opencode": lambda h, r: opencode_db(h / ".local" / "share" / "opencode" / "opencode.db", r, 300, 25),
    "kilo-cli": lambda h, r: opencode_db(h / ".local" / "share" / "kilo" / "kilo.db", r, 60, 20),
    "cline": lambda h, r: cline_tasks(h, "saoudrizwan.claude-dev", r, tasks=300, requests=25),
    "roo": lambda h, r: cline_tasks(h, "rooveterinaryinc.roo-cline", r, tasks=200, requests=25, editor="Cursor"),
    "kilo": lambda h, r: cline_tasks(h, "kilocode.kilo-code", r, tasks=100, requests=25),
    "copilot": lambda h, r: copilot(h, r, sessions=200, calls=25),
    "goose": lambda h, r: gen_goose.generate(h, seed=7, days=10, per_day=20),
    "zed": lambda h, r: zed(h, r, threads=300),
    "amp": lambda h, r: gen_amp.generate(h, seed=8, threads=300),
}

# Where each tool's files go, to clear them before writing them again.
FOLDERS = (
    ".openclaw", ".pi", ".gemini", ".qwen", ".local/share/opencode", ".local/share/kilo", ".config/Code",
    ".config/Cursor", ".copilot", ".local/share/goose", ".local/share/Block", ".local/share/zed", ".local/share/amp",
)  # fmt: skip


def build_others(home: Path, seed: int = 11) -> None:
    """Write the twelve other tools' files into ``home`` (replacing earlier copies)."""
    for folder in FOLDERS:
        shutil.rmtree(home / folder, ignore_errors=True)
    rng = random.Random(seed)
    for write in OTHERS.values():
        write(home, rng)


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home", type=Path)
    args = ap.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    build_others(args.home)
    for folder in FOLDERS:
        if (args.home / folder).exists():
            print(f"{folder:28} {tree_bytes(args.home / folder) / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
