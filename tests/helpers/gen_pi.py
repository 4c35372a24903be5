"""A pi sessions folder with the traps the research lists (forks, v1 migrations, google cache, roll-ups)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.gen_pi_transcript import Call, header, model_change, ms, user, write_jsonl

T = ms("2026-11-30T23:59:59")


P1 = Call("b1000001", T + 500, 120, 340, 5000, 600, cost=0.05)  # 23:59:59.500 -> still the 30th


P2 = Call("b2000002", T + 2_000, 80, 90, 7000, 0, model=None)  # model from the model_change


# Older pi-ai google: input = promptTokenCount (cached included), totalTokens = prompt + output.
G1 = Call("b3000003", T + 10_000, 9000, 300, 6000, provider="google", model="gemini-2.5-flash", total=9300)


# google-gemini-cli subtracts already: disjoint, nothing to take off.
G2 = Call("b4000004", T + 20_000, 3000, 300, 6000, provider="google-gemini-cli", model="gemini-2.5-pro", total=9300,
          cost=0)  # fmt: skip


COPILOT = Call("b5000005", T + 30_000, 400, 50, provider="github-copilot", model="gpt-5.2", cost=0)


# An aborted reply still billed what streamed before the abort.
ABORTED = Call("b8000008", T + 35_000, 900, 12, 4000, extra=(("stopReason", "aborted"),))


WITH_ID = Call("b6000006", T + 40_000, 10, 20, extra=(("responseId", "msg_01XyZ"),))


# A sub-agent tool result rolls up the child's usage: never added (the child session counts).
ROLLUP = {"type": "message", "id": "b7000007", "parentId": None, "timestamp": "2026-12-01T00:00:45.000Z",
          "message": {"role": "toolResult", "toolCallId": "t1", "toolName": "subagent", "content": [],
                      "details": {"childUsage": {"input": 999, "output": 999}, "aggregateUsage": {"input": 9}},
                      "timestamp": T + 45_000}}  # fmt: skip


PROJECT = "--home-me-proj--"


def build_sessions(sessions: Path) -> Path:
    folder = sessions / PROJECT
    original = write_jsonl(
        folder / "2026-11-30T23-50-00-000Z_5b1e0c3a-aaaa-4bbb-8ccc-000000000001.jsonl",
        [header("5b1e0c3a-aaaa-4bbb-8ccc-000000000001", T - 600_000, "/home/me/proj"), user("u1", T), P1.entry(),
         model_change("mc1", T + 1_000, "anthropic", "claude-opus-4-5"), P2.entry(), G1.entry(), G2.entry(),
         COPILOT.entry(), ABORTED.entry(), WITH_ID.entry(), ROLLUP],
    )  # fmt: skip
    # /fork copies the path verbatim into a new file whose header names the source.
    write_jsonl(
        folder / "2026-12-01T00-10-00-000Z_5b1e0c3a-aaaa-4bbb-8ccc-000000000002.jsonl",
        [header("5b1e0c3a-aaaa-4bbb-8ccc-000000000002", T + 600_000, "/home/me/proj", str(original)), user("u1", T),
         P1.entry(), model_change("mc1", T + 1_000, "anthropic", "claude-opus-4-5"), P2.entry(), WITH_ID.entry()],
    )  # fmt: skip
    # A v1 file (no entry ids) and the same session after pi migrated it in place with new ids.
    v1 = [{k: v for k, v in P1.entry().items() if k not in ("id", "parentId")}]
    write_jsonl(sessions / "--old--" / "2026-11-01T00-00-00-000Z_v1.jsonl", [header("v1", T - 10**9, "/old"), *v1])
    migrated = dict(P1.entry(), id="f00dbeef")
    write_jsonl(
        sessions / "--old--" / "2026-11-01T00-00-00-000Z_v1m.jsonl", [header("v1m", T - 10**9, "/old"), migrated]
    )
    return sessions


def build_fixture(home: Path) -> None:
    """pi's default sessions folder with ``build_sessions``'s files."""
    build_sessions(home / ".pi" / "agent" / "sessions")
