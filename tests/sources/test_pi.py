"""pi: session files read exactly; forks, branched sessions and v1 migrations count once."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.gen_pi import ABORTED, COPILOT, G1, G2, P1, P2, PROJECT, T, build_sessions
from tests.helpers.gen_pi_transcript import Call, header, line, model_change, write_jsonl
from tests.helpers.reading import counts, read_jsonl, read_tree, stored
from tracker.sources import pi
from tracker.sources.spec import spec_roots


def key(c: Call) -> str:
    return f"pi:{c.ts_ms}:{c.input}:{c.output}:{c.cache_read}:{c.cache_write}"


def test_sessions_read_exactly_and_copies_count_once(tmp_path: Path) -> None:
    root = build_sessions(tmp_path / ".pi" / "agent" / "sessions")
    got = stored(read_tree(pi.SPEC, root))
    assert {k: (counts(e), e.model, e.project) for k, e in got.items()} == {
        key(P1): ((120, 340, 600, 5000, 0), "claude-sonnet-4-5", "/home/me/proj"),
        key(P2): ((80, 90, 0, 7000, 0), "claude-opus-4-5", "/home/me/proj"),
        key(G1): ((3000, 300, 0, 6000, 0), "gemini-2.5-flash", "/home/me/proj"),  # 9000 - 6000 cached
        key(G2): ((3000, 300, 0, 6000, 0), "gemini-2.5-pro", "/home/me/proj"),
        key(COPILOT): ((400, 50, 0, 0, 0), "gpt-5.2", "/home/me/proj"),
        key(ABORTED): ((900, 12, 0, 4000, 0), "claude-sonnet-4-5", "/home/me/proj"),
        "pi:r:msg_01XyZ": ((10, 20, 0, 0, 0), "claude-sonnet-4-5", "/home/me/proj"),
    }
    assert got[key(P1)].tool_cost_micro == 50_000
    assert got[key(P1)].session_id == "5b1e0c3a-aaaa-4bbb-8ccc-000000000001"
    assert (got[key(COPILOT)].subscription, got[key(COPILOT)].tool_cost_micro) == (True, None)
    # A google-gemini-cli cost of 0 is a plan too (OAuth); anthropic's list-price estimate is kept.
    assert got[key(G2)].subscription is True
    assert got[key(G1)].subscription is False


def test_reasoning_is_the_informational_part_of_output(tmp_path: Path) -> None:
    c = Call("c1", T, 10, 900, provider="openai", model="gpt-5.2", usage_extra=(("reasoning", 300),))
    path = write_jsonl(tmp_path / PROJECT / "s.jsonl", [c.entry()])
    [e] = read_jsonl(path, pi.READER).events
    assert (e.output_tokens, e.reasoning_tokens) == (900, 300)


def test_hostile_lines_are_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / PROJECT / "s.jsonl", [header("s", T, "/p"), P1.entry()])
    with path.open("ab") as f:
        f.write(b'{"type":"message","timestamp":"2026-11-30T10:00:00Z","message":{"role":"assistant",'
                b'"usage":{"input":-5,"output":1}}}\n')  # fmt: skip
        f.write(b'{"type":"message","message":{"role":"assistant","usage":{"input":1,"output":2}}}\n')  # no time
        f.write(b'{"type":"message","timestamp":"yesterday","message":{"role":"assistant","timestamp":"soon",'
                b'"usage":{"input":1,"output":2}}}\n')  # fmt: skip
        f.write(b'{"type":"message","message":{"role":"assistant","usage":{"totalTokens":222},'
                b'"timestamp":1764493200000}}\n')  # fmt: skip
        f.write(b"\x00\x00\x00\n")
        f.write(line(P2.entry()))
    r = read_jsonl(path, pi.READER)
    assert sorted(e.dedup_key for e in r.events) == sorted([key(P1), key(P2)])
    assert r.skipped_count == 5
    assert r.error is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=0, max_value=5_000), min_size=1, max_size=4))
def test_appends_in_any_steps_read_the_same(tmp_path: Path, cuts: list[int]) -> None:
    src = write_jsonl(tmp_path / "src.jsonl", [header("s", T, "/p"), P1.entry(),
                                               model_change("m", T, "openai", "gpt-5.2"), P2.entry(), G1.entry()])  # fmt: skip
    data = src.read_bytes()
    path = tmp_path / PROJECT / "s.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    events = []
    cursor = None
    for cut in [*sorted(c % (len(data) + 1) for c in cuts), len(data)]:
        path.write_bytes(data[:cut])
        r = read_jsonl(path, pi.READER, cursor)
        events += r.events
        cursor = r.cursor
    assert events == read_jsonl(path, pi.READER).events
    assert [e.model for e in events] == ["claude-sonnet-4-5", "gpt-5.2", "gemini-2.5-flash"]


def test_roots_per_os_and_env(tmp_path: Path) -> None:
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(pi.SPEC, tmp_path, {}, platform=platform) == [tmp_path / ".pi" / "agent" / "sessions"]
        env = {"PI_CODING_AGENT_DIR": "/opt/pi-agent"}
        assert spec_roots(pi.SPEC, tmp_path, env, platform=platform) == [Path("/opt/pi-agent/sessions")]
        env = {"PI_CODING_AGENT_DIR": "~/agent"}
        assert spec_roots(pi.SPEC, tmp_path, env, platform=platform) == [Path("~/agent").expanduser() / "sessions"]
