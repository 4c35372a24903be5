"""The Claude Code Analytics Admin API against a real server on 127.0.0.1 serving its
documented shape: one request per UTC day, pages followed, a 429 waited out, a malformed body
failing the sync; with an actor only that person's rows are kept, without one the whole
organisation's, said to be so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.apis.fakes import MemoryChain
from tests.apis.server import ApiServer, Reply
from tracker.core.errors import UsageError
from tracker.core.secret import Secret
from tracker.services import api_sync
from tracker.sources.usage_apis.claude_code_analytics import Activity, activity
from tracker.sources.usage_apis.http import HttpPolicy
from tracker.store.store import Store

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
KEY = "sk-ant-admin01-TEST-0123456789"
PATH = "/v1/organizations/usage_report/claude_code"
SONNET, HAIKU, OPUS = "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-5-20251101"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite") as s:
        yield s


def record(day: str, actor: dict[str, str], terminal: str, models: list[dict[str, Any]], sessions: int = 1,
           added: int = 0, removed: int = 0, commits: int = 0, prs: int = 0) -> dict[str, Any]:  # fmt: skip
    return {
        "date": day, "actor": actor, "organization_id": "12345678-1234-5678-1234-567812345678",
        "customer_type": "api", "terminal_type": terminal,
        "core_metrics": {"num_sessions": sessions, "lines_of_code": {"added": added, "removed": removed},
                         "commits_by_claude_code": commits, "pull_requests_by_claude_code": prs},
        "tool_actions": {"edit_tool": {"accepted": 3, "rejected": 1}, "write_tool": {"accepted": 1, "rejected": 0},
                         "notebook_edit_tool": {"accepted": 0, "rejected": 0}},
        "model_breakdown": models,
    }  # fmt: skip


def model(name: str, inp: int, out: int, read: int, write: int, cents: float | None) -> dict[str, Any]:
    m: dict[str, Any] = {"model": name, "tokens": {"input": inp, "output": out, "cache_read": read,
                                                   "cache_creation": write}}  # fmt: skip
    if cents is not None:
        m["estimated_cost"] = {"currency": "USD", "amount": cents}
    return m


def page(*records: dict[str, Any], more: str | None = None) -> dict[str, Any]:
    return {"data": list(records), "has_more": more is not None, "next_page": more}


ME = {"type": "user_actor", "email_address": "me@example.com"}
OTHER = {"type": "user_actor", "email_address": "other@example.com"}
CI = {"type": "api_actor", "api_key_name": "ci-key"}


def script_three_days(api: ApiServer) -> None:
    api.script(
        PATH,
        # 11-28: two pages; the same person twice (two terminals), someone else, a CI key
        Reply(page(record("2026-11-28", ME, "vscode", [model(SONNET, 1000, 200, 5000, 300, 150.5)], 2, 120, 20, 1),
                   record("2026-11-28", OTHER, "vscode", [model(SONNET, 7, 7, 7, 7, 1)], 5, 900, 0, 4, 2),
                   more="page_MjAyNi0xMS0yOA==")),
        Reply(page(record("2026-11-28", ME, "iTerm.app", [model(SONNET, 10, 1, 0, 0, 2), model(HAIKU, 50, 5, 0, 0, None)],
                          1, 30, 5, 0, 1),
                   record("2026-11-28", CI, "unknown", [model(OPUS, 100, 10, 0, 0, 20)]))),
        # 11-29: rate-limited once; then my record is broken (skipped with its reason), another's is fine
        Reply({"type": "error", "error": {"type": "rate_limit_error"}}, 429, {"Retry-After": "2"}),
        Reply(page(record("2026-11-29", ME, "vscode", [model(SONNET, -1, 0, 0, 0, 1)]),
                   record("2026-11-29", OTHER, "vscode", [model(SONNET, 40, 4, 0, 0, 3)]))),
        # 11-30: nothing yet
        Reply(page()),
    )  # fmt: skip


def setup(store: Store, api: ApiServer, actor: str | None) -> MemoryChain:
    chain = MemoryChain()
    api_sync.set_key(store, chain, "org", "claude-code-analytics", Secret(KEY), api.url, actor)  # type: ignore[arg-type]  # a fake chain
    acc = api_sync.account(store, "org")
    assert acc is not None
    store.provider.save_sync_state(api_sync._state(acc.__class__(**{**acc.__dict__, "since": "2026-11-28"})))
    return chain


def run(store: Store, chain: MemoryChain) -> api_sync.SyncReport:
    waited: list[float] = []
    (report,) = api_sync.sync(store, chain, now=NOW, policy=HttpPolicy(timeout_s=5), sleep=waited.append)  # type: ignore[arg-type]  # a fake chain
    assert report.waits == waited
    return report


def stored(store: Store) -> list[tuple[Any, ...]]:
    return [(r.day, r.model, r.input_tokens, r.cache_creation_tokens, r.cache_read_tokens, r.output_tokens,
             r.cost_micro, r.origin, r.provider) for r in store.provider.rows()]  # fmt: skip


def test_your_rows_only_day_by_day_with_pages_and_a_429(store: Store, api: ApiServer) -> None:
    script_three_days(api)
    report = run(store, setup(store, api, "ME@example.com"))  # an email in any case
    assert (report.error, report.new, report.whole_org, report.waits) == (None, 2, False, [2.0])
    assert report.skipped == ["claude code analytics 2026-11-29: input is not a count (-1)"]
    assert stored(store) == [
        ("2026-11-28", HAIKU, 50, 0, 0, 5, None, "api", "claude-code-analytics"),
        ("2026-11-28", SONNET, 1010, 300, 5000, 201, 1_525_000, "api", "claude-code-analytics"),  # 152.5 cents
    ]
    # the day's activity of both terminals, once per day, on each of its rows
    assert {activity(r.detail) for r in store.provider.rows()} == {Activity("you", 1, 3, 150, 25, 1, 1)}
    assert "other@example.com" not in json.dumps([r.detail for r in store.provider.rows()])
    asked = api.asked(PATH)
    assert [(s.param("starting_at"), s.param("page"), s.param("limit")) for s in asked] == [
        ("2026-11-28", None, "1000"), ("2026-11-28", "page_MjAyNi0xMS0yOA==", "1000"),
        ("2026-11-29", None, "1000"), ("2026-11-29", None, "1000"), ("2026-11-30", None, "1000")]  # fmt: skip
    assert asked[0].headers["x-api-key"] == KEY and asked[0].headers["anthropic-version"] == "2023-06-01"
    acc = api_sync.account(store, "org")
    assert acc is not None and (acc.since, acc.actor, acc.whole_org) == ("2026-11-30", "ME@example.com", False)


def test_without_an_actor_the_whole_organisation_is_summed_and_said_to_be(store: Store, api: ApiServer) -> None:
    script_three_days(api)
    report = run(store, setup(store, api, None))
    assert (report.error, report.new, report.whole_org) == (None, 4, True)
    assert stored(store) == [
        ("2026-11-28", HAIKU, 50, 0, 0, 5, None, "api", "claude-code-analytics"),
        ("2026-11-28", OPUS, 100, 0, 0, 10, 200_000, "api", "claude-code-analytics"),
        ("2026-11-28", SONNET, 1017, 307, 5007, 208, 1_535_000, "api", "claude-code-analytics"),
        ("2026-11-29", SONNET, 40, 0, 0, 4, 30_000, "api", "claude-code-analytics"),
    ]
    by_day = {r.day: activity(r.detail) for r in store.provider.rows()}
    assert by_day == {"2026-11-28": Activity("organisation", 3, 9, 1050, 25, 5, 3),
                      "2026-11-29": Activity("organisation", 1, 1, 0, 0, 0, 0)}  # fmt: skip
    assert "@example.com" not in json.dumps([r.detail for r in store.provider.rows()])  # no one's email kept


def test_a_malformed_body_stores_nothing_and_keeps_the_cursor(store: Store, api: ApiServer) -> None:
    api.script(PATH, Reply(page(record("2026-11-28", ME, "vscode", [model(SONNET, 1, 1, 0, 0, 1)]))),
               Reply(b'{"data": [ {"date": "2026-11-29", '))  # fmt: skip
    chain = setup(store, api, "me@example.com")
    report = run(store, chain)
    assert report.error is not None and "the answer is not JSON" in report.error and report.new == 0
    assert stored(store) == []
    acc = api_sync.account(store, "org")
    assert acc is not None and (acc.since, acc.error) == ("2026-11-28", report.error)
    api.script(PATH, Reply({"error": "drifted"}))  # an answer without 'data' never reads as a quiet zero
    assert "has no 'data' list" in (run(store, chain).error or "")


def test_a_record_of_another_day_is_not_counted_twice(store: Store, api: ApiServer) -> None:
    api.script(PATH, Reply(page(record("2026-11-28T00:00:00Z", ME, "vscode", [model(SONNET, 1, 1, 0, 0, 1)]),
                                record("2026-11-29", ME, "vscode", [model(SONNET, 9, 9, 0, 0, 9)]))),
               Reply(page()))  # fmt: skip
    report = run(store, setup(store, api, "me@example.com"))
    assert [r[:3] for r in stored(store)] == [("2026-11-28", SONNET, 1)]
    assert report.skipped == [
        "claude code analytics 2026-11-28: a record dated 2026-11-29 in the answer for 2026-11-28"
    ]


def test_the_actor_is_only_for_the_analytics_and_a_new_one_forgets_the_old_rows(store: Store, api: ApiServer) -> None:
    chain = MemoryChain()
    with pytest.raises(UsageError, match="does not report per person"):
        api_sync.set_key(store, chain, "x", "anthropic", Secret(KEY), None, "me@example.com")  # type: ignore[arg-type]
    assert chain.keys == {}
    api.script(PATH, Reply(page(record("2026-11-28", ME, "vscode", [model(SONNET, 1, 1, 0, 0, 1)]))), Reply(page()))
    chain = setup(store, api, "me@example.com")
    run(store, chain)
    assert len(stored(store)) == 1
    api_sync.set_key(store, chain, "org", "claude-code-analytics", Secret(KEY), api.url, "me@example.com")  # type: ignore[arg-type]
    assert len(stored(store)) == 1  # the same key again keeps its figures and cursor
    api_sync.set_key(store, chain, "org", "claude-code-analytics", Secret(KEY), api.url, None)  # type: ignore[arg-type]
    assert stored(store) == []  # the organisation's rows are not the old person's: fetched again


def test_hostile_records_are_skipped_with_their_reasons_and_the_rest_kept(store: Store, api: ApiServer) -> None:
    good = record("2026-11-28", ME, "vscode", [model(SONNET, 5, 1, 0, 0, "2.5")])  # an amount as a decimal string
    api.script(PATH, Reply(page(
        good,
        "not an object",
        {**good, "model_breakdown": {"model": SONNET}},
        {**good, "core_metrics": {"num_sessions": True}},
        record("2026-11-28", ME, "vscode", [model(SONNET, 10**12, 0, 0, 0, 1)]),
        record("2026-11-28", ME, "vscode", [model(SONNET, 1, 0, 0, 0, float("1e300"))]),
        record("2026-11-28", ME, "vscode", [{**model(SONNET, 1, 0, 0, 0, None), "estimated_cost": {"currency": "EUR", "amount": 1}}]),
        record("2026-11-28", ME, "vscode", [{"model": SONNET}]),
        {**good, "date": "yesterday"},
    )), Reply(page()))  # fmt: skip
    report = run(store, setup(store, api, "me@example.com"))
    where = "claude code analytics 2026-11-28: "
    assert report.skipped == [where + r for r in (
        "a record is not an object", "model_breakdown is not a list", "num_sessions is not a count (True)",
        "input is not a count (1000000000000)", "the amount is out of range ('1e+300')",
        "a cost in EUR (only USD is kept)", "a model_breakdown entry has no tokens object",
        "the bucket's time is not a time ('yesterday')")]  # fmt: skip
    assert stored(store) == [("2026-11-28", SONNET, 5, 0, 0, 1, 25_000, "api", "claude-code-analytics")]
