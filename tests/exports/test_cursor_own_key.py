"""Cursor's "User API Key" requests: billed to the user's own provider key, not by Cursor.
Reconcile sets them against that provider's figures (beside the Claude Code logs) and leaves
them out of Cursor's own; the CLI's JSON and text say so."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner
from tests.exports.test_reconcile import write_claude_logs
from tracker.services.export_import import import_files
from tracker.services.reconcile import reconcile
from tracker.sources.exports.cursor import own_key_day
from tracker.store.rollup import mark_pending
from tracker.store.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"
OWN = FIXTURES / "cursor-own-key.csv"


def test_own_key_requests_are_stored_in_sessions_named_for_their_utc_day(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        result = import_files(store, [OWN]).files[0]
        sessions = sorted(
            store.conn.execute("SELECT session_id, model, total_tokens FROM events ORDER BY session_id, model")
        )
    assert any("2 request(s) were billed to your own provider key" in n for n in result.notes), result.notes
    assert sessions == [
        ("cursor-dev@example.com-2026-11-30", "claude-sonnet-4-5", 7500),
        ("cursor-dev@example.com-2026-12-01", "gpt-5", 110),
        ("cursor-own-key-dev@example.com-2026-11-30", "claude-sonnet-4-5", 37000),
        ("cursor-own-key-dev@example.com-2026-12-01", "gpt-5", 5500),  # 23:30 at -02:00 is 12-01 in UTC
    ]


def test_a_re_import_moves_rows_an_older_version_stored_under_other_sessions(tmp_path: Path) -> None:
    def sessions(store: Store) -> list[tuple[str, int]]:
        events = store.conn.execute("SELECT session_id, SUM(total_tokens) FROM events GROUP BY 1 ORDER BY 1")
        rollup = store.conn.execute("SELECT session_id, SUM(input_tokens + output_tokens + cache_write_5m_tokens"
                                    " + cache_write_1h_tokens + cache_read_tokens) FROM usage_rollup GROUP BY 1 ORDER BY 1")  # fmt: skip
        got = events.fetchall()
        assert got == rollup.fetchall()  # the session rollup moved with them
        return got

    with Store.open(tmp_path / "db.sqlite") as store:
        import_files(store, [OWN])
        now = sessions(store)
        # As an older Tokenworth stored them: own-key requests in the day's plain Cursor session.
        with store.transaction() as conn:
            conn.execute("UPDATE events SET session_id = replace(session_id, 'cursor-own-key-', 'cursor-')")
            mark_pending(conn)
    with Store.open(tmp_path / "db.sqlite") as store:  # opening builds the rollup the old rows had
        assert [s for s, _ in sessions(store)] == [
            "cursor-dev@example.com-2026-11-30",
            "cursor-dev@example.com-2026-12-01",
        ]
        result = import_files(store, [OWN]).files[0]
        assert result.events_new == 0  # nothing new: the same rows, moved
        assert sessions(store) == now
        assert [own_key_day(s) for s, _ in now] == [None, None, "2026-11-30", "2026-12-01"]  # recognised again


def test_own_key_requests_join_the_providers_rows_and_leave_cursors_own(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        import_files(store, [OWN, FIXTURES / "anthropic-usage.csv",
                             FIXTURES / "completions_usage_2026-11-30_2026-12-01.csv"])  # fmt: skip
        rec = reconcile(store)
    got = [(r.day, r.provider, r.model, r.logs.tokens, sorted(r.sources)) for r in rec.rows if r.logs.tokens]
    assert got == [
        ("2026-11-30", "anthropic", "claude-sonnet-4-5", 37000, ["cursor (own key)"]),
        ("2026-12-01", "openai", "gpt-5", 5500, ["cursor (own key)"]),
    ]
    assert rec.cursor is not None
    assert (rec.cursor.own_key.tokens, rec.cursor.own_key.requests) == (42500, 2)
    assert (rec.cursor.cursor.tokens, rec.cursor.cursor.requests) == (7610, 2)  # Cursor's own: never compared


def test_reconcile_cli_with_own_key_rows_beside_claude_code_logs(cli: CliRunner, home: Path) -> None:
    write_claude_logs(home)
    cli("import", check_rc=0)
    cli("import", str(FIXTURES / "anthropic-usage.csv"), str(OWN))
    out = json.loads(cli("reconcile", "--json", check_rc=0).stdout)
    sonnet = next(r for r in out["rows"] if r["day"] == "2026-11-30" and r["model"] == "claude-sonnet-4-5")
    assert sonnet["logs"]["sources"] == ["claude-code", "cursor (own key)"]
    assert (sonnet["bill"]["total_tokens"], sonnet["logs"]["total_tokens"]) == (1028566, 37000 + 37000)
    assert out["cursor"] == {
        # within the figures' days (11-30..12-01); the gpt-5 one has no OpenAI figures to meet here
        "own_key": {"requests": 2, "total_tokens": 42500},
        "cursor": {"requests": 2, "total_tokens": 7610},
        "note": "Cursor requests billed to your own provider key (Kind 'User API Key') are on that provider's "
        "bill: counted above beside its figures, as 'cursor (own key)'. Cursor's own requests are billed "
        "through its plan and never compared.",
    }
    text = cli("reconcile", check_rc=0).stdout
    assert "cursor (own key)" in text and "billed to your own provider key" in text


def test_the_bill_vs_logs_view_says_where_cursors_requests_were_billed(qtbot, tmp_path: Path) -> None:
    from tracker.ui.reconcile_view import ReconcileView

    with Store.open(tmp_path / "db.sqlite") as store:
        import_files(store, [OWN, FIXTURES / "anthropic-usage.csv"])
        rec = reconcile(store)
    view = ReconcileView(None, reads=None)  # type: ignore[arg-type]  # only show_data is used
    qtbot.addWidget(view)
    view.show()
    view.show_data(rec)
    sources = [view.table.item(r, 4).text() for r in range(view.table.rowCount())]
    assert "37,000" in sources  # the own-key Sonnet request on the logs side of Anthropic's 11-30 row
    assert view.cursor_note.isVisible() and not view.activity.isVisible()
    assert view.cursor_note.text().startswith(
        "Cursor on these days: 2 request(s) billed to your own provider key, 2 by Cursor."
    )
