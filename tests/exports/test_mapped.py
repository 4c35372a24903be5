"""Usage files of tools with no reader, through a field mapping: exact, and once per request."""

from __future__ import annotations

import json

import pytest

from tracker.core.errors import SettingError
from tracker.core.settings_schema import USAGE_MAPPINGS
from tracker.sources.exports.mapped import MappingError, columns, parse_time, read_mapped, saved_mapping
from tracker.sources.registry import SOURCES

LOGS = frozenset(SOURCES)
NESTED = {"timestamp": "time", "model": "llm.model", "input_tokens": "usage.prompt", "output_tokens": "usage.completion",
          "cache_read_tokens": "usage.cached", "reasoning_tokens": "usage.reasoning", "session": "run",
          "project": "repo", "cost_usd": "usage.cost", "request_id": "id"}  # fmt: skip


def record(rid, t, prompt, completion, cached=0, reasoning=0, cost=None):
    usage = {"prompt": prompt, "completion": completion, "cached": cached, "reasoning": reasoning}
    if cost is not None:
        usage["cost"] = cost
    return {"id": rid, "time": t, "run": "r1", "repo": "shop", "llm": {"model": "gpt-4.1"}, "usage": usage}


def test_jsonl_with_nested_keys_openai_style_input(tmp_path):
    path = tmp_path / "agent.jsonl"
    lines = [
        record("a", "2026-11-30T10:00:00Z", 1000, 200, cached=600, reasoning=50, cost=0.0123),
        record("b", 1764496800, 10, 5),  # epoch seconds
        record("a", "2026-11-30T10:00:00Z", 1000, 200, cached=600, reasoning=50),  # the same request again
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n[1]\n")
    read = read_mapped(path, NESTED, "acme-agent", frozenset({"input_includes_cache"}))
    assert read.error is None and read.rows_read == 5 and read.skipped_count == 2
    assert [(s.line_no, s.reason) for s in read.skipped] == [(4, "not valid JSON"), (5, "not an object with fields")]
    a, b, again = read.events
    assert (a.source, a.model, a.project, a.session_id) == ("acme-agent", "gpt-4.1", "shop", "r1")
    # input included the 600 cached tokens: 400 fresh; reasoning is part of output
    assert (a.input_tokens, a.cache_read_tokens, a.output_tokens, a.reasoning_tokens) == (400, 600, 200, 50)
    assert a.total_tokens == 1200 and a.tool_cost_micro == 12_300
    assert b.ts_ms == 1764496800_000 and b.tool_cost_micro is None
    assert again.dedup_key == a.dedup_key  # the store keeps one row per key


def test_csv_with_thousands_separators_and_a_bad_row(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(
        "When,Model,In,Out,Cost\n"
        '2026-11-30 09:15:00,claude-sonnet-4-5,"1,234",56,\n'
        "yesterday,claude-sonnet-4-5,1,1,\n"
        "2026-11-30 09:16:00,claude-sonnet-4-5,-5,1,\n"
    )
    mapping = {"timestamp": "When", "model": "Model", "input_tokens": "In", "output_tokens": "Out", "cost_usd": "Cost"}
    read = read_mapped(path, mapping, "internal")
    (e,) = read.events
    assert (e.input_tokens, e.output_tokens, e.ts_ms) == (1234, 56, parse_time("2026-11-30T09:15:00+00:00"))
    assert [(s.line_no, s.reason.split(" ")[0]) for s in read.skipped] == [(3, "no"), (4, "token")]
    assert columns(path, path.read_text()) == ["When", "Model", "In", "Out", "Cost"]


def test_a_json_document_and_its_key_paths(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": [record("x", 1764496800123, 7, 3)]}))
    assert "usage.prompt" in columns(path, path.read_text())
    (e,) = read_mapped(path, NESTED, "acme").events
    assert e.ts_ms == 1764496800123 and e.input_tokens == 7


def test_mappings_refuse_a_log_tool_a_bad_id_and_unknown_flags():
    with pytest.raises(MappingError, match="count twice"):
        saved_mapping({"source": "claude-code", "timestamp": "t"}, LOGS)
    with pytest.raises(MappingError, match="lower-case"):
        saved_mapping({"source": "Acme Agent", "timestamp": "t"}, LOGS)
    with pytest.raises(MappingError, match="unknown flags"):
        saved_mapping({"source": "acme", "timestamp": "t", "flags": "cache_twice"}, LOGS)
    fields, source, flags = saved_mapping({"source": "acme", "timestamp": "t", "flags": "reasoning_separate"}, LOGS)
    assert (fields, source, flags) == ({"timestamp": "t"}, "acme", frozenset({"reasoning_separate"}))


def test_the_setting_needs_a_time_and_a_source():
    with pytest.raises(SettingError, match="'timestamp' and 'source'"):
        USAGE_MAPPINGS.parse('{"acme": {"timestamp": "t"}}')
    assert USAGE_MAPPINGS.parse('{"acme": {"timestamp": "t", "source": "acme"}}') == {
        "acme": {"timestamp": "t", "source": "acme"}
    }


def test_a_broken_document_is_one_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[{"time": ')
    assert "cannot be read" in (read_mapped(path, NESTED, "acme").error or "")
    assert "names no column" in (read_mapped(path, {"model": "m"}, "acme").error or "")


def test_import_with_a_saved_mapping_counts_once(cli, tmp_path) -> None:
    path = tmp_path / "agent.jsonl"
    path.write_text("\n".join(json.dumps(record(rid, "2026-11-30T10:00:00Z", 100, 10)) for rid in ("a", "b")) + "\n")
    assert "no saved usage mapping 'acme'" in cli("import", str(path), "--mapping", "acme", check_rc=2).stderr
    cli("config", "set", "sources.usage_mappings", json.dumps({"acme": {**NESTED, "source": "acme-agent"}}), check_rc=0)
    first = json.loads(cli("import", str(path), "--mapping", "acme", "--json", check_rc=0).stdout)["files"][0]
    assert (first["format"], first["events"], first["events_new"]) == ("mapped usage (acme → acme-agent)", 2, 2)
    again = json.loads(cli("import", str(path), "--mapping", "acme", "--json", check_rc=0).stdout)["files"][0]
    assert again["events_new"] == 0
    day = json.loads(cli("usage", "daily", "--json", "--no-import", check_rc=0).stdout)
    assert day["totals"]["total_tokens"] == 220 and set(day["totals"]["sources"]) == {"acme-agent"}
    # an unknown file says a mapping can read it
    assert "--mapping NAME" in cli("import", str(tmp_path / "agent.jsonl"), check_rc=2).stderr
