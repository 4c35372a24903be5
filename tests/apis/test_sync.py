"""Each provider's sync against a real server on 127.0.0.1 serving its documented shapes:
pages followed, exact rows stored, a re-sync replacing (never adding), failures storing
nothing and keeping the cursor."""

from __future__ import annotations

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
from tracker.sources.usage_apis.http import HttpPolicy
from tracker.store.store import Store

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
KEY = "sk-test-KEY-0123456789"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite") as s:
        yield s


def setup(store: Store, api: ApiServer, provider: str, name: str = "acct") -> MemoryChain:
    chain = MemoryChain()
    api_sync.set_key(store, chain, name, provider, Secret(KEY), api.url)  # type: ignore[arg-type]  # a fake chain
    return chain


def run(store: Store, chain: MemoryChain, now: datetime = NOW, **kw: Any) -> api_sync.SyncReport:
    waited: list[float] = []
    (report,) = api_sync.sync(store, chain, now=now, policy=HttpPolicy(**{"timeout_s": 5, **kw}), sleep=waited.append)  # type: ignore[arg-type]  # a fake chain
    assert report.waits == waited
    return report


def stored(store: Store) -> list[tuple[Any, ...]]:
    return [(r.day, r.model, r.input_tokens, r.cache_creation_tokens, r.cache_read_tokens, r.output_tokens,
             r.reasoning_tokens, r.requests, r.cost_micro, r.origin, r.account) for r in store.provider.rows()]  # fmt: skip


def anthropic_usage(day: str, *results: dict[str, Any], more: str | None = None) -> dict[str, Any]:
    return {"data": [{"starting_at": f"{day}T00:00:00Z", "ending_at": f"{day}T23:59:59Z", "results": list(results)}],
            "has_more": more is not None, "next_page": more}  # fmt: skip


def a_result(model: str, uncached: int, w5: int, w1: int, read: int, out: int) -> dict[str, Any]:
    return {"uncached_input_tokens": uncached, "cache_creation": {"ephemeral_5m_input_tokens": w5,
            "ephemeral_1h_input_tokens": w1}, "cache_read_input_tokens": read, "output_tokens": out,
            "server_tool_use": {"web_search_requests": 0}, "model": model, "api_key_id": None,
            "workspace_id": None, "service_tier": None, "context_window": None}  # fmt: skip


SONNET, OPUS = "claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101"
USAGE = "/v1/organizations/usage_report/messages"
COST = "/v1/organizations/cost_report"


def test_anthropic_usage_pages_and_cost_report_become_exact_rows(store: Store, api: ApiServer) -> None:
    api.script(
        USAGE,
        Reply(anthropic_usage("2026-11-28", a_result(SONNET, 1200, 300, 100, 5000, 800), more="page_2")),
        Reply(anthropic_usage("2026-11-29", a_result(OPUS, 10, 0, 0, 0, 20), a_result(SONNET, 1, 2, 3, 4, 5))),
    )
    api.script(COST, Reply({"data": [{"starting_at": "2026-11-28T00:00:00Z", "ending_at": "2026-11-29T00:00:00Z",
        "results": [
            {"currency": "USD", "amount": "123.45", "model": SONNET, "cost_type": "tokens", "token_type": "uncached_input_tokens",
             "description": "Claude Sonnet 4.5 Usage - Input Tokens", "workspace_id": None, "service_tier": "standard",
             "context_window": "0-200k"},
            {"currency": "USD", "amount": "50", "model": SONNET, "cost_type": "tokens", "token_type": "output_tokens"},
            {"currency": "USD", "amount": "7.5", "model": None, "cost_type": "web_search", "token_type": None}]}],
        "has_more": False, "next_page": None}))  # fmt: skip
    chain = setup(store, api, "anthropic")
    report = run(store, chain)
    assert (report.error, report.new, report.replaced, report.skipped, report.whole_org) == (None, 4, 0, [], True)
    assert stored(store) == [
        ("2026-11-28", "(web_search)", 0, 0, 0, 0, 0, 0, 75_000, "api", "acct"),
        ("2026-11-28", SONNET, 1200, 400, 5000, 800, 0, 0, 1_734_500, "api", "acct"),  # 173.45 cents
        ("2026-11-29", OPUS, 10, 0, 0, 20, 0, 0, None, "api", "acct"),
        ("2026-11-29", SONNET, 1, 5, 4, 5, 0, 0, None, "api", "acct"),
    ]
    first, second = api.asked(USAGE)
    assert first.param("starting_at") == "2026-10-31T00:00:00Z" and first.param("page") is None
    assert (second.param("page"), second.param("group_by[]"), second.param("bucket_width")) == ("page_2", "model", "1d")
    assert first.headers["x-api-key"] == KEY and first.headers["anthropic-version"] == "2023-06-01"
    assert api_sync.account(store, "acct").since == "2026-11-30"  # type: ignore[union-attr]  # it exists

    # the next sync asks from the last, unfinished day on; a changed bucket replaces its copy
    api.script(USAGE, Reply(anthropic_usage("2026-11-29", a_result(SONNET, 2, 2, 3, 4, 5))))
    api.script(COST, Reply({"data": [], "has_more": False, "next_page": None}))
    again = run(store, chain, datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert (again.new, again.replaced) == (0, 1)
    assert api.asked(USAGE)[-1].param("starting_at") == "2026-11-30T00:00:00Z"
    assert len(stored(store)) == 4 and stored(store)[3][2] == 2


def openai_page(day_s: int, results: list[dict[str, Any]], more: str | None = None) -> dict[str, Any]:
    return {"object": "page", "data": [{"object": "bucket", "start_time": day_s, "end_time": day_s + 86400,
            "results": results}], "has_more": more is not None, "next_page": more}  # fmt: skip


NOV28 = int(datetime(2026, 11, 28, tzinfo=UTC).timestamp())


def test_openai_usage_takes_cached_tokens_out_of_input_and_adds_costs(store: Store, api: ApiServer) -> None:
    usage = {"object": "organization.usage.completions.result", "input_tokens": 1000, "output_tokens": 300,
             "input_cached_tokens": 600, "input_audio_tokens": 0, "output_audio_tokens": 0, "num_model_requests": 7,
             "project_id": None, "user_id": None, "api_key_id": None, "model": "gpt-5-2025-08-07", "batch": None}  # fmt: skip
    api.script("/v1/organization/usage/completions", Reply(openai_page(NOV28, [usage], more="page_AAA")),
               Reply(openai_page(NOV28 + 86400, [{**usage, "input_tokens": 5, "input_cached_tokens": 0}])))  # fmt: skip
    api.script("/v1/organization/costs", Reply(openai_page(NOV28, [
        {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"},
         "line_item": "gpt-5-2025-08-07, input", "project_id": None},
        {"object": "organization.costs.result", "amount": {"value": 1.5, "currency": "usd"},
         "line_item": "gpt-5-2025-08-07, output", "project_id": None}])))  # fmt: skip
    report = run(store, setup(store, api, "openai"))
    assert (report.error, report.new) == (None, 2)
    assert stored(store) == [
        ("2026-11-28", "gpt-5-2025-08-07", 400, 0, 600, 300, 0, 7, 1_560_000, "api", "acct"),
        ("2026-11-29", "gpt-5-2025-08-07", 5, 0, 0, 300, 0, 7, None, "api", "acct"),
    ]
    asked = api.asked("/v1/organization/usage/completions")
    assert [s.param("page") for s in asked] == [None, "page_AAA"]
    assert asked[0].param("start_time") == str(int(datetime(2026, 10, 31, tzinfo=UTC).timestamp()))
    assert asked[0].headers["authorization"] == f"Bearer {KEY}"


def activity(
    day: str, model: str, endpoint: str, prompt: int, out: int, reasoning: int, n: int, usd: float
) -> dict[str, Any]:
    return {"date": day, "model": model, "model_permaslug": f"{model}-2025", "endpoint_id": endpoint,
            "provider_name": "P", "usage": usd, "byok_usage_inference": 0, "requests": n, "prompt_tokens": prompt,
            "completion_tokens": out, "reasoning_tokens": reasoning}  # fmt: skip


def test_openrouter_sums_endpoints_and_asks_day_by_day_after_the_first_sync(store: Store, api: ApiServer) -> None:
    api.script("/activity", Reply({"data": [
        activity("2026-11-28", "openai/gpt-4.1", "e1", 50, 125, 25, 5, 0.015),
        activity("2026-11-28", "openai/gpt-4.1", "e2", 10, 20, 0, 1, 0.005),
        activity("2026-11-29", "anthropic/claude-sonnet-4.5", "e3", 7, 8, 0, 2, 0.25)]}))  # fmt: skip
    chain = setup(store, api, "openrouter")
    report = run(store, chain)
    assert (report.error, report.new, report.whole_org) == (None, 2, False)
    assert stored(store) == [
        ("2026-11-28", "openai/gpt-4.1", 60, 0, 0, 145, 25, 6, 20_000, "api", "acct"),
        ("2026-11-29", "anthropic/claude-sonnet-4.5", 7, 0, 0, 8, 0, 2, 250_000, "api", "acct"),
    ]
    assert [s.param("date") for s in api.asked("/activity")] == [None]
    api.script("/activity", Reply({"data": [activity("2026-12-01", "openai/gpt-4.1", "e1", 1, 1, 0, 1, 0.001)]}))
    run(store, chain, datetime(2026, 12, 2, 8, tzinfo=UTC))
    assert [s.param("date") for s in api.asked("/activity")] == [None, "2026-11-30", "2026-12-01"]
    assert len(stored(store)) == 3


def litellm_day(day: str, models: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"date": day, "metrics": {}, "breakdown": {"models": {m: {"metrics": v, "metadata": {}}
            for m, v in models.items()}, "providers": {}, "api_keys": {}}}  # fmt: skip


def metrics(prompt: int, out: int, read: int, write: int, n: int, spend: float) -> dict[str, Any]:
    return {"spend": spend, "prompt_tokens": prompt, "completion_tokens": out, "total_tokens": prompt + out,
            "cache_read_input_tokens": read, "cache_creation_input_tokens": write, "api_requests": n,
            "successful_requests": n, "failed_requests": 0}  # fmt: skip


def test_litellm_reads_your_own_daily_activity_page_by_page(store: Store, api: ApiServer) -> None:
    api.script("/key/info", Reply({"key": "hashed", "info": {"user_id": "u-42", "spend": 1.0}}))
    api.script("/user/daily/activity",
        Reply({"results": [litellm_day("2026-11-28", {"gpt-4o": metrics(1000, 200, 300, 100, 4, 0.0125)})],
               "metadata": {"page": 1, "total_pages": 2, "has_more": True}}),
        Reply({"results": [litellm_day("2026-11-29", {"claude-sonnet-4-5": metrics(10, 2, 0, 0, 1, 0.5)})],
               "metadata": {"page": 2, "total_pages": 2, "has_more": False}}))  # fmt: skip
    chain = MemoryChain()
    with pytest.raises(UsageError, match="needs the proxy's address"):
        api_sync.set_key(store, chain, "gw", "litellm", Secret(KEY))  # type: ignore[arg-type]  # a fake chain
    chain = setup(store, api, "litellm")
    report = run(store, chain)
    assert (report.error, report.new) == (None, 2)
    assert stored(store) == [
        ("2026-11-28", "gpt-4o", 600, 100, 300, 200, 0, 4, 12_500, "api", "acct"),
        ("2026-11-29", "claude-sonnet-4-5", 10, 0, 0, 2, 0, 1, 500_000, "api", "acct"),
    ]
    asked = api.asked("/user/daily/activity")
    assert [(s.param("page"), s.param("user_id"), s.param("start_date"), s.param("end_date")) for s in asked] == [
        ("1", "u-42", "2026-10-31", "2026-11-30"), ("2", "u-42", "2026-10-31", "2026-11-30")]  # fmt: skip


def test_a_bad_item_is_skipped_with_its_reason_and_the_rest_kept(store: Store, api: ApiServer) -> None:
    api.script(USAGE, Reply(anthropic_usage("2026-11-28", a_result(SONNET, 1, 0, 0, 0, 1),
                                            {**a_result(OPUS, -5, 0, 0, 0, 1)}, "not an object")))  # fmt: skip
    api.script(COST, Reply({"data": [{"starting_at": "yesterday", "results": []}], "has_more": False}))
    report = run(store, setup(store, api, "anthropic"))
    assert report.error is None and report.new == 1
    assert report.skipped == ["usage report 2026-11-28: uncached_input_tokens is not a count (-5)",
                              "usage report 2026-11-28: a result is not an object",
                              "cost report: the bucket's time is not a time ('yesterday')"]  # fmt: skip


def test_a_malformed_page_mid_sync_stores_nothing_and_keeps_the_cursor(store: Store, api: ApiServer) -> None:
    api.script(
        USAGE,
        Reply(anthropic_usage("2026-11-28", a_result(SONNET, 1, 0, 0, 0, 1), more="p2")),
        Reply(b"<html>502 Bad Gateway</html>"),
    )
    chain = setup(store, api, "anthropic")
    report = run(store, chain)
    assert report.error is not None and "not JSON" in report.error and report.new == 0
    assert stored(store) == []
    acc = api_sync.account(store, "acct")
    assert acc is not None and (acc.since, acc.synced_ms, acc.error) == (None, 0, report.error)


def test_a_429_and_a_500_during_a_sync_are_waited_out(store: Store, api: ApiServer) -> None:
    api.script(
        USAGE,
        Reply({}, 429, {"Retry-After": "3"}),
        Reply("", 500),
        Reply(anthropic_usage("2026-11-28", a_result(SONNET, 1, 0, 0, 0, 1))),
    )
    api.script(COST, Reply({"data": [], "has_more": False, "next_page": None}))
    report = run(store, setup(store, api, "anthropic"), backoff_s=2)
    assert (report.error, report.new, report.waits) == (None, 1, [3.0, 4.0])


def test_a_timeout_that_lasts_fails_the_sync_with_a_clear_message(store: Store, api: ApiServer) -> None:
    api.script("/activity", Reply({"data": []}, delay=3))
    report = run(store, setup(store, api, "openrouter"), timeout_s=0.5, attempts=2)
    assert report.error is not None and "gave up after 2 attempts (no answer within 0.5 s)" in report.error
    assert stored(store) == []


def test_a_key_missing_from_the_keyring_is_named_and_nothing_is_asked(store: Store, api: ApiServer) -> None:
    chain = setup(store, api, "openrouter", "mine")
    chain.keys.clear()
    report = run(store, chain)
    assert report.error == ("no key in the keyring under 'mine': set it again with "
                            "'tokenworth keys set mine --provider openrouter'")  # fmt: skip
    assert api.seen == []


def test_names_and_addresses_are_checked_before_anything_is_stored(store: Store) -> None:
    chain = MemoryChain()
    with pytest.raises(UsageError, match="in the clear"):
        api_sync.set_key(store, chain, "gw", "litellm", Secret(KEY), "http://proxy.example.com")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="a key's name"):
        api_sync.set_key(store, chain, "../x", "openai", Secret(KEY))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="unknown provider"):
        api_sync.set_key(store, chain, "x", "bard", Secret(KEY))  # type: ignore[arg-type]
    assert chain.keys == {} and api_sync.accounts(store) == []


def test_accounts_left_when_the_syncs_time_limit_is_reached_are_named_not_asked(store: Store, api: ApiServer) -> None:
    chain = setup(store, api, "openrouter", "a")
    api_sync.set_key(store, chain, "b", "openai", Secret(KEY), api.url)  # type: ignore[arg-type]  # a fake chain
    reports = api_sync.sync(store, chain, now=NOW, budget_s=0)  # type: ignore[arg-type]  # a fake chain
    assert [(r.name, r.error) for r in reports] == [
        ("a", "not synced: this sync's time limit (0 s) was reached"),
        ("b", "not synced: this sync's time limit (0 s) was reached"),
    ]
    assert api.seen == []


def test_the_cli_knows_every_usage_api() -> None:
    from tracker.cli.keys_cmd import PROVIDERS
    from tracker.sources.usage_apis.registry import USAGE_APIS

    assert sorted(PROVIDERS) == sorted(USAGE_APIS)
