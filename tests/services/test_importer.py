"""The import service on real files and a real SQLite store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO, install_fixture_logs
from tracker.core.records import dedup_digest
from tracker.services.context import Context
from tracker.services.importer import ImportSummary, run_import


def do_import(ctx: Context, **kw: object) -> ImportSummary:
    conn = ctx.connect()
    return run_import(conn, home=ctx.home, env=ctx.env, config=ctx.source_config(), **kw)  # type: ignore[arg-type]


def totals(ctx: Context) -> tuple[int, int]:
    row = ctx.connect().execute("SELECT COUNT(*), COALESCE(SUM(total_tokens), 0) FROM events").fetchone()
    return int(row[0]), int(row[1])


CLAUDE_TOTAL = 33203
CODEX_TOTAL = 31500


def test_first_import_reads_both_tools(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    summary = do_import(ctx)
    assert summary.skipped == 0
    assert summary.sources["claude-code"].files_seen == 1
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)
    conn = ctx.connect()
    assert conn.execute("SELECT COUNT(*) FROM rate_limits").fetchone()[0] == 2
    # The streamed reply is stored once, as its final, largest snapshot.
    key = dedup_digest("cc:msg_01A:req_01A")
    assert conn.execute("SELECT output_tokens FROM events WHERE dedup_key = ?", (key,)).fetchone() == (420,)


def test_second_import_reads_nothing_new(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    do_import(ctx)
    again = do_import(ctx)
    assert sum(s.files_read for s in again.sources.values()) == 0
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)


def test_appended_lines_are_read_from_where_it_stopped(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    log = next((home / ".claude").rglob("*.jsonl"))
    content = log.read_bytes()
    cut = content.index(b'{"parentUuid":"u-2"')  # before msg_01B
    log.write_bytes(content[:cut] + content[cut : cut + 40])  # plus a half-written line
    do_import(ctx)
    n_before, _ = totals(ctx)
    with log.open("ab") as f:
        f.write(content[cut + 40 :])
    summary = do_import(ctx)
    assert summary.sources["claude-code"].new_lines == content[cut:].count(b"\n")
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)
    assert n_before == 3


def test_shrunk_or_replaced_files_are_reread_without_double_counting(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    do_import(ctx)
    log = next((home / ".codex").rglob("*.jsonl"))
    content = log.read_bytes()
    log.write_bytes(content[: len(content) // 2])  # shrank (rewritten shorter)
    do_import(ctx)
    replacement = log.with_suffix(".new")
    replacement.write_bytes(content)
    os.replace(replacement, log)  # a new inode with the same name
    summary = do_import(ctx)
    assert summary.sources["codex"].files_read == 1
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)


def test_same_head_different_content_is_noticed(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    do_import(ctx)
    log = next((home / ".claude").rglob("*.jsonl"))
    content = log.read_bytes()
    with log.open("r+b") as f:  # rewritten in place, same inode, first bytes changed
        f.write(content.replace(b'"parentUuid":null', b'"parentUuid":None', 1)[:200])
    with log.open("ab") as f:
        f.write(b"\n")
    summary = do_import(ctx)
    assert summary.sources["claude-code"].files_read == 1
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)


def test_history_outlives_deleted_logs(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    do_import(ctx)
    shutil.rmtree(home / ".claude")
    shutil.rmtree(home / ".codex")
    do_import(ctx)
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)


def test_copies_in_resumed_sessions_and_subagent_folders_count_once(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    log = next((home / ".claude").rglob("*.jsonl"))
    resumed = log.parent / "another-session.jsonl"
    shutil.copy(log, resumed)
    nested = log.parent / log.stem / "subagents" / "agent-1.jsonl"
    nested.parent.mkdir(parents=True)
    shutil.copy(log, nested)
    do_import(ctx)
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)
    assert ctx.connect().execute("SELECT COUNT(*) FROM files").fetchone()[0] == 4


def test_bad_input_is_counted_skipped_and_keeps_stored_data(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    do_import(ctx)
    folder = home / ".claude" / "projects" / "-home-dev-shop"
    (folder / "garbage.jsonl").write_bytes(os.urandom(3000).replace(b"\n", b"\n\x00") + b"\n")
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "dir.jsonl").mkdir()
    (folder / "dangling.jsonl").symlink_to(folder / "nowhere")
    summary = do_import(ctx)
    cc = summary.sources["claude-code"]
    assert cc.skipped > 0
    assert len(cc.errors) == 2 and all("cannot read" in e for e in cc.errors)
    assert summary.skipped > 0
    assert totals(ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)
    # Skipped lines are remembered with file and line number for 'tokenworth sources'.
    rows = ctx.connect().execute("SELECT path, line_no FROM skipped_lines").fetchall()
    assert rows and all(p.endswith("garbage.jsonl") and n >= 1 for p, n in rows)


def test_disabled_sources_are_not_read(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    ctx.settings.set("sources.codex.enabled", "false")
    summary = do_import(ctx)
    assert "codex" not in summary.sources
    assert totals(ctx) == (3, CLAUDE_TOTAL)


def test_env_and_extra_paths_are_searched(ctx: Context, home: Path, tmp_path: Path) -> None:
    install_fixture_logs(home)
    moved = tmp_path / "elsewhere"
    shutil.move(str(home / ".claude"), moved)
    shutil.move(str(home / ".codex"), tmp_path / "codex-home")
    extra = tmp_path / "extra-cc"
    extra.mkdir()
    env_ctx = Context(
        ctx.paths,
        home,
        {"CLAUDE_CONFIG_DIR": f"{tmp_path / 'none'}, {moved}", "CODEX_HOME": str(tmp_path / "codex-home")},
    )
    do_import(env_ctx)
    assert totals(env_ctx) == (5, CLAUDE_TOTAL + CODEX_TOTAL)


def store_contents(ctx: Context) -> dict[str, list[tuple[object, ...]]]:
    """Every table an import writes, in a comparable form (import times left out)."""
    conn = ctx.connect()
    queries = {
        "events": "SELECT * FROM events",
        "usage_rollup": "SELECT * FROM usage_rollup",
        "usage_rollup_project": "SELECT * FROM usage_rollup_project",
        "models": "SELECT * FROM models",
        "sessions": "SELECT * FROM sessions",
        "rate_limits": "SELECT * FROM rate_limits",
        "files": "SELECT path, source, size, head_hash, cursor, events, skipped, error FROM files",
        "skipped_lines": "SELECT * FROM skipped_lines",
        "ignored_lines": "SELECT * FROM ignored_lines",
    }
    out = {name: sorted(conn.execute(q).fetchall(), key=repr) for name, q in queries.items()}
    out["events"] = [row[1:] for row in out["events"]]  # ids depend on the order files were stored
    out["events"].sort(key=repr)
    return out


def test_staged_parallel_import_stores_exactly_what_a_serial_one_does(ctx: Context, home: Path, tmp_path: Path) -> None:
    """Workers stage their batches for the writer to merge; the store ends up the same, through
    resumed copies, a file read again from the start, appended lines and bad lines."""
    from tests.helpers.loggen import generate

    expected = generate(home, days=4, sessions_per_day=3, turns=5)
    other = Context(type(ctx.paths)(tmp_path / "data2"), home, {})

    def both() -> None:
        do_import(ctx, workers=1)
        summary = run_import(
            other.connect(), home=home, env={}, config=other.source_config(), workers=2, parallel_min_bytes=0
        )
        assert summary.sources["claude-code"].files_read > 0 or summary.sources["codex"].files_read > 0
        assert store_contents(ctx) == store_contents(other)

    both()
    assert totals(other) == (len(expected.events), expected.total_tokens())
    logs = sorted(home.rglob("*.jsonl"))
    shutil.copy(logs[0], logs[0].with_name("resumed-copy.jsonl"))  # every key a clash
    replaced = logs[1].read_bytes()
    logs[1].write_bytes(replaced[: len(replaced) // 2])  # shrunk: read again from the start
    with logs[2].open("ab") as f:
        f.write(b'{"type":"assistant","message":{"id":\n')  # a bad line appended
    both()
    logs[1].write_bytes(replaced)  # grown back: the rest is new again
    both()
    assert totals(other) == (len(expected.events), expected.total_tokens())


def test_parallel_and_serial_reading_agree(ctx: Context, home: Path, tmp_path: Path) -> None:
    from tests.helpers.loggen import generate

    expected = generate(home, days=3, sessions_per_day=2, turns=4)
    do_import(ctx, workers=1)
    serial = totals(ctx)
    other = Context(type(ctx.paths)(tmp_path / "data2"), home, {})
    conn = other.connect()
    jobs_total = run_import(conn, home=home, env={}, config=other.source_config(), workers=2, parallel_min_bytes=0)
    assert jobs_total.skipped == 0
    assert totals(other) == serial == (len(expected.events), expected.total_tokens())


# ---- bad input is contained to its line, record or file (issue 10) ---------------------------


def cc_line(i: int, usage: object = None, **fields: object) -> bytes:
    """One Claude Code assistant line with 100 input tokens unless ``usage`` says otherwise."""
    import json

    line: dict[str, object] = {
        "type": "assistant",
        "timestamp": "2026-06-02T12:00:00Z",
        "sessionId": "poison-session",
        "requestId": f"req-{i}",
        "cwd": "/home/dev/poison",
        "message": {"id": f"msg-{i}", "model": "claude-sonnet-4-5", "usage": usage or {"input_tokens": 100}},
    }
    for key, value in fields.items():
        if key.startswith("message_"):
            line["message"][key[8:]] = value  # type: ignore[index]
        else:
            line[key] = value
    return json.dumps(line).encode() + b"\n"


def poison(home: Path, name: str, content: bytes) -> Path:
    path = home / ".claude" / "projects" / "-aaa-poison" / name  # read first, as in the review
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def poison_input(ctx: Context) -> int:
    row = ctx.connect().execute("SELECT COALESCE(SUM(input_tokens), 0) FROM events WHERE project = '/home/dev/poison'")
    return int(row.fetchone()[0])


def test_f1_huge_numbers_and_deep_nesting_skip_their_lines_only(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    deep = b"[" * 5000 + b"]" * 5000
    poison(
        home,
        "p.jsonl",
        cc_line(1, {"input_tokens": 5 * 10**18, "output_tokens": 1})
        + cc_line(2, {"input_tokens": 5 * 10**18, "output_tokens": 1})
        + cc_line(3, {"input_tokens": 10**30})
        + b'{"type":"assistant","message":{"id":"d","usage":{"input_tokens":' + deep + b"}}}\n"
        + deep + b"\n"
        + cc_line(4),
    )  # fmt: skip
    cx = next((home / ".codex").rglob("*.jsonl"))
    with cx.open("ab") as f:
        f.write(
            b'{"timestamp":"2026-06-01T11:00:00Z","type":"event_msg","payload":{"type":"token_count","info":'
            b'{"total_token_usage":{"input_tokens":9000000000000000000,"output_tokens":9000000000000000000}}}}\n'
        )
    summary = do_import(ctx)
    assert summary.sources["claude-code"].skipped == 5
    assert summary.sources["codex"].skipped == 1
    assert totals(ctx) == (6, CLAUDE_TOTAL + CODEX_TOTAL + 100)  # every clean line, the last poisoned one's too
    assert poison_input(ctx) == 100
    assert do_import(ctx).skipped == 0  # nothing new, nothing failing
    from tracker.services.usage import UsageQuery, build_usage_report

    report = build_usage_report(ctx.connect(), UsageQuery("daily", "UTC"), {})
    assert report.total.totals.total_tokens == CLAUDE_TOTAL + CODEX_TOTAL + 100


def test_f2_timestamps_outside_2000_to_2100_are_unreadable(ctx: Context, home: Path) -> None:
    install_fixture_logs(home)
    poison(
        home,
        "t.jsonl",
        cc_line(1, timestamp="0001-01-01T00:00:00+14:00")
        + cc_line(2, timestamp="1970-01-01T00:00:00Z")
        + cc_line(3, timestamp="2150-01-01T00:00:00Z")
        + cc_line(4, timestamp="9999-12-31T23:59:59-12:00")
        + cc_line(5),
    )
    summary = do_import(ctx)
    assert summary.sources["claude-code"].skipped == 4
    assert poison_input(ctx) == 100
    from tracker.services.usage import UsageQuery, build_usage_report

    for kind in ("daily", "weekly", "monthly", "session"):
        report = build_usage_report(ctx.connect(), UsageQuery(kind, "Pacific/Kiritimati"), {})  # type: ignore[arg-type]
        assert report.total.totals.total_tokens == CLAUDE_TOTAL + CODEX_TOTAL + 100


def test_f16_one_wrongly_typed_field_keeps_the_lines_usage(ctx: Context, home: Path) -> None:
    variants = [
        {"gitBranch": 123},
        {"cwd": {"a": 1}},
        {"sessionId": 42},
        {"requestId": 7},
        {"message_model": 5},
        {"isSidechain": "yes", "version": 3},
    ]
    lines = b"".join(cc_line(i, **v) for i, v in enumerate(variants))
    lines += cc_line(50, {"input_tokens": 100, "cache_creation": [1, 2]})
    lines += cc_line(51, {"input_tokens": 100, "cache_creation": {"ephemeral_1h_input_tokens": "5"}})
    lines += cc_line(52, {"input_tokens": 100, "cache_creation_input_tokens": 10, "cache_creation": {"x": None}})
    poison(home, "types.jsonl", lines)
    summary = do_import(ctx)
    assert summary.skipped == 0
    conn = ctx.connect()
    rows = conn.execute("SELECT input_tokens, cache_write_5m_tokens FROM events ORDER BY id").fetchall()
    assert rows == [(100, 0)] * 8 + [(100, 10)]


def test_f1_a_file_whose_rows_cannot_be_stored_never_rolls_back_the_others(ctx: Context, home: Path) -> None:
    """A reader that bypasses the range checks (a bug in a new source): its file gets an
    error and keeps no cursor; every other file is stored, serially and from workers."""
    from tests.sources.kinds import DOC_SPEC, write_doc_unchecked
    from tracker.sources.registry import SOURCES

    install_fixture_logs(home)
    write_doc_unchecked(home / ".kinds" / "docs" / "bad.json", 10**30)
    write_doc_unchecked(home / ".kinds" / "docs" / "good.json", 7)
    specs = {**SOURCES, "doc-test": DOC_SPEC}
    for workers in (1, 2):
        other = Context(type(ctx.paths)(ctx.paths.root / f"w{workers}"), home, {})
        conn = other.connect()
        summary = run_import(
            conn, home=home, env={}, config=other.source_config(), sources=specs, workers=workers, parallel_min_bytes=0
        )
        errors = summary.sources["doc-test"].errors
        stored_errors = conn.execute("SELECT path, error, cursor FROM files WHERE error IS NOT NULL").fetchall()
        assert len(stored_errors) == 1 and stored_errors[0][0].endswith("bad.json"), (errors, stored_errors)
        assert "could not be stored" in stored_errors[0][1] and stored_errors[0][2] == b""
        assert totals(other) == (6, CLAUDE_TOTAL + CODEX_TOTAL + 7 + 1)


def test_f5_rewritten_in_place_behind_an_unchanged_head_is_read_again(ctx: Context, home: Path) -> None:
    import json

    first = json.dumps({"type": "summary", "summary": "x" * 5000}).encode() + b"\n"  # > the hashed 4 KiB head
    path = poison(home, "f5.jsonl", first + b"".join(cc_line(i) for i in range(5)))
    do_import(ctx)
    with path.open("r+b") as f:  # truncated and rewritten: same inode, same head, longer
        f.truncate(0)
        f.write(first + b"".join(cc_line(i) for i in range(100, 120)))
    summary = do_import(ctx)
    assert summary.skipped == 0
    assert poison_input(ctx) == 25 * 100


def test_f6_an_unreadable_log_folder_is_reported(ctx: Context, home: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from tests.sources.test_discovery import without_dac

    install_fixture_logs(home)
    locked = home / ".claude" / "projects" / "-home-dev-locked"
    locked.mkdir()
    shutil.copy(FIXTURES / "claude-code" / "session.jsonl", locked / "s.jsonl")
    locked.chmod(0)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(ctx.paths.root), TZ="UTC")
    try:
        proc = subprocess.run(
            without_dac([sys.executable, "-m", "tracker", "import"]), capture_output=True, text=True, env=env, cwd=REPO
        )
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    errors = ctx.connect().execute("SELECT path, error FROM files WHERE error IS NOT NULL").fetchall()
    assert errors == [(str(locked), f"{locked}: cannot read this folder (Permission denied)")]
    assert "-home-dev-locked" in cli("sources").stdout
    do_import(ctx)  # readable again: read, and the folder's error is gone
    assert ctx.connect().execute("SELECT COUNT(*) FROM files WHERE error IS NOT NULL").fetchone()[0] == 0


# ---- migration 7: the tool's own cost, subscriptions, parts; old cursors ---------------------


def test_tool_cost_and_subscription_are_stored_exactly(ctx: Context, home: Path) -> None:
    import json

    from tests.sources.kinds import KINDS

    docs = home / ".kinds" / "docs"
    docs.mkdir(parents=True)
    requests = [
        {"id": "paid", "in": 10, "out": 1, "cost": 0.012345},
        {"id": "plan", "in": 20, "out": 2, "cost": 0, "sub": True},
        {"id": "silent", "in": 30, "out": 3},
        {"id": "absurd", "in": 40, "out": 4, "cost": 10**9},  # beyond any request: not a cost
    ]
    for i in range(3):  # three files: more than one worker batch
        (docs / f"d{i}.json").write_text(json.dumps({"requests": requests if i == 0 else requests[i:]}))
    expected = [("absurd", None, 0), ("paid", 12345, 0), ("plan", 0, 1), ("silent", None, 0)]
    for workers in (1, 2):
        other = Context(type(ctx.paths)(ctx.paths.root / f"w{workers}"), home, {})
        conn = other.connect()
        run_import(
            conn, home=home, env={}, config=other.source_config(), sources=KINDS, workers=workers, parallel_min_bytes=0
        )
        got = conn.execute("SELECT dedup_key, tool_cost_micro, subscription FROM events").fetchall()
        assert sorted(got) == sorted((dedup_digest(f"doc:{k}"), c, s) for k, c, s in expected)
        parts = conn.execute("SELECT DISTINCT source, part FROM files").fetchall()
        assert parts == [("doc-test", "docs")]


def test_a_version_6_store_migrates_and_its_old_cursors_resume(ctx: Context, home: Path) -> None:
    import sqlite3

    import msgspec

    from tracker.store.schema import migrate

    install_fixture_logs(home)
    old = sqlite3.connect(ctx.paths.ensure().database, isolation_level=None)
    migrate(old, target=6)
    old.execute(
        "INSERT INTO events (source, dedup_key, session_id, project, git_branch, model, ts_ms, input_tokens,"
        " output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens,"
        " total_tokens, prompt_class) VALUES ('codex', X'00ff', 's', '/p', '', 'gpt-5', 1780000000000, 1, 2, 0, 0, 0, 0, 3, 0)"
    )
    old.close()
    log = next((home / ".claude").rglob("*.jsonl"))
    content = log.read_bytes()
    cut = content.index(b'{"parentUuid":"u-2"')
    log.write_bytes(content[:cut])
    do_import(ctx)
    conn = ctx.connect()
    assert conn.execute(
        "SELECT COUNT(*) FROM events WHERE tool_cost_micro IS NULL AND subscription = 0"
    ).fetchone() == (4,)
    # Cursors as a version-6 Tokenworth wrote them: no kind, no hash before the offset.
    for path, blob in conn.execute("SELECT path, cursor FROM files").fetchall():
        legacy = msgspec.msgpack.decode(blob)
        legacy.pop("kind"), legacy.pop("before_hash")
        conn.execute("UPDATE files SET cursor = ? WHERE path = ?", (msgspec.msgpack.encode(legacy), path))
    with log.open("ab") as f:
        f.write(content[cut:])
    summary = do_import(ctx)
    assert summary.sources["claude-code"].new_lines == content[cut:].count(b"\n")  # resumed, not re-read
    assert totals(ctx) == (6, CLAUDE_TOTAL + CODEX_TOTAL + 3)
