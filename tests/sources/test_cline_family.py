"""Cline, Roo Code, Kilo Code: cache rules by extension and version, placeholders, two editors,
truncation, hostile rows, and the roots under every VS Code-family editor."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.gen_cline import (
    CLINE_TASK,
    DEC_1,
    NOV_5,
    OCT_1,
    cline_task,
    conversation,
    request,
    roo_like,
    task_dir,
    user_dir,
    write_task,
)
from tests.helpers.reading import dedup, read_document
from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.sources import cline, kilo, roo_code
from tracker.sources.cline_tasks import TaskMessages
from tracker.sources.spec import Kind, SourceSpec, spec_roots

# (session, project, model, ts, input, output, cache read, cache write, cost µ$)
Row = tuple[str, str, str, int, int, int, int, int, int | None]


def rows(events: Iterable[UsageEvent]) -> list[Row]:
    return sorted(
        (
            e.session_id, e.project, e.model, e.ts_ms, e.input_tokens, e.output_tokens, e.cache_read_tokens,
            e.cache_write_5m_tokens + e.cache_write_1h_tokens, e.tool_cost_micro,
        )
        for e in dedup(events).values()
    )  # fmt: skip


def reader(spec: SourceSpec) -> TaskMessages:
    part = next(p for p in spec.parts if p.name == "tasks")
    assert isinstance(part.reader, TaskMessages)
    return part.reader


def parse(spec: SourceSpec, path: Path, data: bytes | None = None) -> ReadResult:
    return read_document(path, reader(spec), data)


CLINE_EXPECTED: list[Row] = [
    (CLINE_TASK, "/home/u/cl", "claude-sonnet-4-5", 1764493200500, 12, 488, 0, 14210, 60680),
    (CLINE_TASK, "/home/u/cl", "deepseek-chat", 1764493240000, 300, 30, 0, 0, None),
    (CLINE_TASK, "/home/u/cl", "deepseek-chat", 1764493250000, 5, 3, 0, 0, None),
    (CLINE_TASK, "/home/u/cl", "gpt-4.1", 1764493230000, 1700, 210, 14100, 0, 9300),
]


def test_cline_task_exact(home: Path) -> None:
    r = parse(cline.SPEC, cline_task(home))
    assert rows(r.events) == CLINE_EXPECTED
    assert r.skipped_count == 5  # wrong ts type, truncated text, -5, 10^12, a non-object
    assert r.ignored == {"request without numbers yet (placeholder or cancelled before any)": 1}


def test_one_task_under_two_editors_counts_once(home: Path) -> None:
    code = parse(cline.SPEC, cline_task(home, "Code"))
    cursor = parse(cline.SPEC, cline_task(home, "Cursor"))
    assert rows([*code.events, *cursor.events]) == CLINE_EXPECTED


def test_roo_cache_rules_by_date_and_protocol(home: Path) -> None:
    r = parse(roo_code.SPEC, roo_like(home, roo_code.EXTENSION_ID))
    task, proj, model = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "/home/u/roo", "claude-sonnet-4-5"
    assert rows(r.events) == [
        (task, proj, model, OCT_1 + 1000, 12, 488, 0, 14210, None),  # below the cache: the remainder
        (task, proj, model, OCT_1 + 2000, 500, 40, 100, 0, None),  # anthropic before 3.29.5: remainder
        (task, proj, model, OCT_1 + 3000, 1700, 210, 14100, 0, None),  # openai: cache inside
        (task, proj, model, NOV_5, 600, 10, 400, 0, None),  # after Roo's change: cache inside
        (task, proj, model, DEC_1, 12, 60, 0, 14210, 50000),
    ]
    assert all(e.source == "roo" and e.dedup_key.startswith("roo:") for e in r.events)


def test_kilo_changed_eleven_days_later(home: Path) -> None:
    r = parse(kilo.SPEC, roo_like(home, kilo.EXTENSION_ID))
    nov5 = [row for row in rows(r.events) if row[3] == NOV_5]
    assert [row[4:8] for row in nov5] == [(1000, 10, 400, 0)]  # still the remainder for Kilo
    assert all(e.source == "kilo" and e.dedup_key.startswith("kilo:") for e in r.events)


def test_project_from_the_conversation_when_nothing_else_says(home: Path) -> None:
    folder = task_dir(home, roo_code.EXTENSION_ID, "t-1")
    ui = write_task(
        folder, [request(DEC_1, apiProtocol="openai", tokensIn=10, tokensOut=1)],
        api_conversation_history=conversation("/home/u/from-conv", "gpt-5"),
    )  # fmt: skip
    assert rows(parse(roo_code.SPEC, ui).events) == [("t-1", "/home/u/from-conv", "gpt-5", DEC_1, 10, 1, 0, 0, None)]


def test_not_json_is_an_error(home: Path) -> None:
    ui = write_task(task_dir(home, cline.EXTENSION_ID, "1"), [])
    r = parse(cline.SPEC, ui, b'[{"ts": 1764493200000, "type": "say", "say": "api_req_sta')
    assert r.error and r.events == []


def test_specs_parts_and_roots(home: Path) -> None:
    for spec in (cline.SPEC, roo_code.SPEC):
        assert [(p.name, p.kind, p.patterns, p.under) for p in spec.parts] == [
            ("tasks", Kind.DOCUMENT, ("ui_messages.json",), "tasks")
        ]
    assert [(p.name, p.kind) for p in kilo.SPEC.parts] == [
        ("tasks", Kind.DOCUMENT), ("cli-db", Kind.SQLITE), ("cli-messages", Kind.DOCUMENT),
    ]  # fmt: skip
    ext = cline.EXTENSION_ID
    linux = spec_roots(cline.SPEC, home, {}, platform="linux")
    assert user_dir(home) / "globalStorage" / ext in linux
    assert user_dir(home, "Cursor") / "globalStorage" / ext in linux
    assert user_dir(home, "Code - Insiders") / "globalStorage" / ext in linux
    assert home / ".vscode-server" / "data" / "User" / "globalStorage" / ext in linux
    assert linux[-1] == home / ".cline" / "data"
    assert spec_roots(cline.SPEC, home, {"CLINE_DIR": "/c"}, platform="linux")[-1] == Path("/c/data")
    xdg = spec_roots(cline.SPEC, home, {"XDG_CONFIG_HOME": "/cfg"}, platform="linux")
    assert Path("/cfg/Windsurf/User/globalStorage") / ext in xdg
    mac = spec_roots(roo_code.SPEC, home, {}, platform="darwin")
    support = home / "Library" / "Application Support"
    assert mac[0] == support / "Code" / "User" / "globalStorage" / roo_code.EXTENSION_ID
    assert home / ".cursor-server" / "data" / "User" / "globalStorage" / roo_code.EXTENSION_ID in mac
    win = spec_roots(roo_code.SPEC, home, {"APPDATA": "/roaming"}, platform="win32")
    assert win[0] == Path("/roaming/Code/User/globalStorage") / roo_code.EXTENSION_ID
    assert not any(".vscode-server" in str(p) for p in win)  # remote servers are Linux/macOS hosts
    k = spec_roots(kilo.SPEC, home, {}, platform="linux")
    assert k[0] == home / ".local" / "share" / "kilo"
    assert user_dir(home) / "globalStorage" / kilo.EXTENSION_ID in k
    assert spec_roots(kilo.SPEC, home, {"KILO_DATA_DIR": "/k1,/k2"}, platform="win32")[:2] == [Path("/k1"), Path("/k2")]
    assert spec_roots(kilo.SPEC, home, {}, platform="darwin")[0] == home / ".local" / "share" / "kilo"


# Operations on a task's file: start a request (placeholder), finish the oldest open one,
# or truncate to n rows (checkpoint restore). Every read merges into what is stored.
OPS = st.lists(
    st.one_of(st.just(("start", 0)), st.just(("finish", 0)), st.tuples(st.just("cut"), st.integers(0, 8))), max_size=25
)


@settings(max_examples=60, deadline=None)
@given(ops=OPS)
def test_any_rewrites_and_truncations_store_each_request_once(ops: list[tuple[str, int]]) -> None:
    path = Path("/nonexistent/tasks/t-9/ui_messages.json")  # siblings absent: nothing else read
    doc: list[dict[str, object]] = []
    finished: dict[int, tuple[int, int]] = {}
    stored: list[UsageEvent] = []
    ts = 1764493200000
    for op, n in ops:
        if op == "start":
            ts += 1000
            doc.append(request(ts))
        elif op == "finish":
            open_ = [i for i, el in enumerate(doc) if "tokensIn" not in json.loads(str(el["text"]))]
            if not open_:
                continue
            i = open_[0]
            t = int(str(doc[i]["ts"]))
            numbers = (t % 997 + 1, t % 89 + 1)
            doc[i] = request(t, apiProtocol="anthropic", tokensIn=numbers[0], tokensOut=numbers[1])
            finished[t] = numbers
        else:
            doc = doc[:n]
        r = ReadResult(cursor=Cursor())
        reader(roo_code.SPEC).parse_document(path, json.dumps(doc).encode(), r)
        stored.extend(r.events)
    assert {e.ts_ms: (e.input_tokens, e.output_tokens) for e in dedup(stored).values()} == finished
