"""The one GET every client uses, against a real server on 127.0.0.1: retries on 429 (with
Retry-After) and 5xx, timeouts, a malformed body, a refused key echoed back, no redirects."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tests.apis.server import ApiServer, Reply
from tracker.core.secret import Secret
from tracker.sources.usage_apis.http import ApiError, Fetcher, HttpPolicy, retry_after

KEY = Secret("sk-test-0123456789abcdef")


def bearer(secret: Secret) -> Mapping[str, str]:
    return {"Authorization": f"Bearer {secret.reveal()}"}


def fetcher(policy: HttpPolicy | None = None) -> tuple[Fetcher, list[float]]:
    waited: list[float] = []
    return Fetcher(KEY, bearer, policy or HttpPolicy(timeout_s=5), sleep=waited.append), waited


def test_a_429_waits_as_long_as_retry_after_says_then_succeeds(api: ApiServer) -> None:
    api.script("/u", Reply({"x": 1}, 429, {"Retry-After": "7"}), Reply({"data": [1, 2]}))
    f, waited = fetcher()
    assert f.get_json(f"{api.url}/u", [("a", "1")]) == {"data": [1, 2]}
    assert waited == [7.0]
    assert [s.param("a") for s in api.asked("/u")] == ["1", "1"]
    assert api.seen[0].headers["authorization"] == f"Bearer {KEY.reveal()}"


def test_a_500_then_a_503_back_off_exponentially_then_succeed(api: ApiServer) -> None:
    api.script("/u", Reply("oops", 500), Reply("busy", 503), Reply([]))
    f, waited = fetcher(HttpPolicy(timeout_s=5, backoff_s=1.5))
    assert f.get_json(f"{api.url}/u") == []
    assert waited == [1.5, 3.0]
    assert f.requests == 3


def test_a_slow_answer_times_out_and_is_asked_again(api: ApiServer) -> None:
    api.script("/u", Reply({"late": True}, delay=3.0), Reply({"ok": True}))
    f, waited = fetcher(HttpPolicy(timeout_s=1.0, backoff_s=0.5))
    assert f.get_json(f"{api.url}/u") == {"ok": True}
    assert waited == [0.5]


def test_a_body_cut_off_mid_way_is_asked_again(api: ApiServer) -> None:
    api.script("/u", Reply({"data": [1]}, cut=True), Reply({"data": [2]}))
    f, waited = fetcher(HttpPolicy(timeout_s=5, backoff_s=0.25))
    assert f.get_json(f"{api.url}/u") == {"data": [2]}
    assert waited == [0.25]


def test_a_server_that_keeps_failing_is_given_up_with_the_reason(api: ApiServer) -> None:
    api.script("/u", Reply("down", 502))
    f, waited = fetcher(HttpPolicy(timeout_s=5, attempts=3, backoff_s=1))
    with pytest.raises(ApiError, match=r"/u: gave up after 3 attempts \(HTTP 502: down\)"):
        f.get_json(f"{api.url}/u", [("since", "x")])
    assert waited == [1, 2]


def test_waits_longer_than_the_time_limit_stop_the_sync(api: ApiServer) -> None:
    api.script("/u", Reply({}, 429, {"Retry-After": "50"}))
    f, waited = fetcher(HttpPolicy(timeout_s=5, budget_s=30))
    with pytest.raises(ApiError, match="would pass the sync's time limit"):
        f.get_json(f"{api.url}/u")
    assert waited == [] and f.requests == 1


def test_a_malformed_body_is_an_error_not_an_empty_answer(api: ApiServer) -> None:
    api.script("/u", Reply(b'{"data": [1, 2'))
    f, _ = fetcher()
    with pytest.raises(ApiError, match="not JSON"):
        f.get_json(f"{api.url}/u")
    assert f.requests == 1  # not retried: asking again would get the same


def test_a_refused_key_echoed_by_the_server_is_taken_out_of_the_message(api: ApiServer) -> None:
    api.script("/u", Reply({"error": f"invalid key {KEY.reveal()}"}, 401))
    f, _ = fetcher()
    with pytest.raises(ApiError) as caught:
        f.get_json(f"{api.url}/u")
    assert "the key was refused" in str(caught.value) and "<secret>" in str(caught.value)
    assert KEY.reveal() not in str(caught.value)


def test_a_redirect_is_not_followed_with_the_key(api: ApiServer) -> None:
    api.script("/u", Reply("", 302, {"Location": f"{api.url}/elsewhere"}))
    api.script("/elsewhere", Reply({}))
    f, _ = fetcher()
    with pytest.raises(ApiError, match="HTTP 302"):
        f.get_json(f"{api.url}/u")
    assert api.asked("/elsewhere") == []


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("12", 0) == 12.0
    assert retry_after("Wed, 21 Oct 2015 07:28:30 GMT", 1445412480.0) == 30.0
    assert retry_after("soon", 0) is None and retry_after(None, 0) is None
