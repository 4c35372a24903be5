"""An OpenClaw state folder with all three storage generations and every copy OpenClaw makes."""

from __future__ import annotations

from pathlib import Path

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

T = ms("2026-11-30T09:00:00")


A1 = Call("a1000001", T + 1_000, 100, 200, 1000, 50, cost=0.0123)


A2 = Call("a2000002", T + 60_000, 300, 400, 2000, 0, model=None)  # model from the model_change before it


MIRROR = Call("m0000001", T + 70_000, 0, 0, provider="openclaw", model="delivery-mirror", cost=0)


CODEX_MIRROR = Call(
    "c0000001", T + 80_000, 50, 60, provider="openai-codex", model="gpt-5.2",
    extra=(("idempotencyKey", "codex-app-server:th1:turn1:assistant"),),
)  # fmt: skip


ABORTED = Call("z0000001", T + 90_000, 0, 0)


A3 = Call("a3000003", T + 120_000, 10, 500, 3000, 100)


A4 = Call("a4000004", T + 200_000, 700, 900, provider="openai", model="gpt-5.2", usage_extra=(("reasoning", 300),))


# Older pi-ai google record: input is promptTokenCount, cache included (5000 = 2000 fresh + 3000 cached).
A5 = Call("a5000005", T + 300_000, 5000, 400, 3000, provider="google", model="gemini-2.5-pro", total=5400)


# A fixed build writes the same request disjoint: nothing to subtract.
A5B = Call("a5b00005", T + 310_000, 2000, 400, 3000, provider="google", model="gemini-2.5-pro", total=5400)


A6 = Call("a6000006", ms("2026-11-29T07:00:00"), 40, 50, 60, 70)


A7 = Call("a7000007", T + 400_000, 11, 22, 33, 44)


A8 = Call("a8000008", T + 500_000, 55, 66, 77, 88)


A9 = Call("a9000009", T + 600_000, 1, 2, 3, 4, model=None)  # model from the session window


A10 = Call("a1000010", ms("2026-11-28T12:00:00"), 5, 6, 7, 8)


def build_state(root: Path) -> Path:
    """A state folder with all three storage generations and every copy OpenClaw makes."""
    sessions = root / "agents" / "main" / "sessions"
    compaction = {"type": "compaction", "id": "k0000001", "parentId": None, "timestamp": "2026-11-30T09:01:30.000Z",
                  "summary": "never stored", "firstKeptEntryId": A2.id, "tokensBefore": 50000}  # fmt: skip
    write_jsonl(
        sessions / "S1.jsonl",
        [header("S1", T, "/work/proj"), user("u0000001", T + 500), A1.entry(),
         model_change("mc000001", T + 30_000, "anthropic", "claude-opus-4-5"), A2.entry(),
         MIRROR.entry(), CODEX_MIRROR.entry(), ABORTED.entry(), compaction],
    )  # fmt: skip
    # The compaction successor re-contains the kept tail (A2) under a new session id.
    write_jsonl(
        sessions / "S2.jsonl",
        [header("S2", T + 100_000, "/work/proj", str(sessions / "S1.jsonl")), compaction,
         model_change("mc000002", T + 100_001, "anthropic", "claude-opus-4-5"), A2.entry(), A3.entry()],
    )  # fmt: skip
    write_jsonl(sessions / "S1.jsonl.reset.2026-11-30T10-00-00.000Z", [header("S1", T, "/work/proj"), A1.entry()])
    # A sub-agent session and a cron session on another agent: real usage.
    write_jsonl(sessions / "sub-9f1c.jsonl", [header("sub-9f1c", T + 150_000, "/work/proj"), A4.entry()])
    write_jsonl(
        root / "agents" / "ops" / "sessions" / "cron-nightly.jsonl",
        [header("cron-nightly", T + 250_000, "/srv/ops"), A5.entry(), A5B.entry()],
    )
    # openclaw doctor --fix moved an un-imported transcript aside: the only copy of A6.
    write_jsonl(
        root / "agents" / "main" / "session-sqlite-import-archive"
        / "agent_main_main.OLD1.jsonl.imported-2026-11-29T08-00-00.000Z",
        [header("OLD1", A6.ts_ms - 1000, "/work/old"), A6.entry()],
    )  # fmt: skip
    db = create_agent_db(root / "agents" / "main" / "agent" / "openclaw-agent.sqlite")
    add_window(db, "S4", "agent:main:main", T + 350_000, model="claude-haiku-4-5", provider="anthropic")
    add_window(db, "S2", "agent:main:subagent:2b7e", T + 100_000)
    add_event(db, "S4", 0, header("S4", T + 350_000, "/work/db"))
    add_event(db, "S4", 1, user("u0000004", T + 390_000))
    add_event(db, "S4", 2, A7.entry())
    add_event(db, "S4", 3, A8.entry(), compressed=True)
    add_event(db, "S4", 4, A9.entry(), compressed=True)
    add_event(db, "S2", 0, header("S2", T + 100_000, "/work/proj"))
    add_event(db, "S2", 1, A3.entry(), compressed=True)  # doctor imported S2: a copy of A3
    db.commit()
    db.close()
    write_zst(sessions / "cold" / ("ab" * 32 + ".jsonl.zst"), [header("OLD2", A10.ts_ms - 1000, "/work/cold"),
                                                              A10.entry(), A1.entry()])  # fmt: skip
    return root


def build_fixture(home: Path) -> None:
    """OpenClaw's default state folder with ``build_state``'s generations."""
    build_state(home / ".openclaw")
