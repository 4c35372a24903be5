"""One JSON GET with the retries a usage API needs, bounded in time.

429 and 5xx answers are retried with exponential backoff, honouring ``Retry-After`` (seconds
or an HTTP date); timeouts and refused connections are retried the same way. The whole sync of
one account shares one deadline, so a slow or rate-limiting server cannot hold a sync for
ever. Redirects are not followed: the key must never be sent on to another host.

Error messages name the URL without its query, the status and a short excerpt of the body,
with the key taken out (``Secret.redact``): a server may echo a key back.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from tracker.core.errors import TokenworthError
from tracker.core.secret import Secret

USER_AGENT = "tokenworth (usage sync)"


class ApiError(TokenworthError):
    """A usage API could not be read: the message says why (never holding the key)."""


@dataclass(frozen=True)
class HttpPolicy:
    timeout_s: float = 30.0  # one request (each socket operation)
    budget_s: float = 180.0  # the whole sync of one account
    attempts: int = 6  # per request, the first included
    backoff_s: float = 1.0  # first wait; doubles each attempt
    max_wait_s: float = 60.0  # one wait, even when Retry-After asks for more
    max_body: int = 32 * 1024 * 1024
    max_pages: int = 500


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx then surfaces as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` in seconds from now (delta-seconds or an HTTP date), None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class Fetcher:
    """GETs JSON for one account: its key's header, one deadline for everything."""

    def __init__(
        self,
        secret: Secret,
        headers: Callable[[Secret], Mapping[str, str]],
        policy: HttpPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._secret = secret
        self._headers = headers
        self.policy = policy or HttpPolicy()
        self._sleep = sleep
        self._clock = clock
        self._deadline = clock() + self.policy.budget_s
        self.requests = 0
        self.waits: list[float] = []  # what was waited before retries, for the sync report

    def _fail(self, url: str, what: str) -> ApiError:
        shown = urllib.parse.urlsplit(url)._replace(query="").geturl()
        return ApiError(self._secret.redact(f"{shown}: {what}"))

    def get_json(self, url: str, params: Sequence[tuple[str, str]] = ()) -> Any:
        full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
        policy = self.policy
        last = ""
        for attempt in range(policy.attempts):
            left = self._deadline - self._clock()
            if left <= 0:
                raise self._fail(url, f"stopped: the sync took longer than {policy.budget_s:g} s ({last or 'slow'})")
            wait: float | None = None
            try:
                return self._once(full, url, min(policy.timeout_s, left))
            except urllib.error.HTTPError as exc:
                body = _excerpt(exc)
                if exc.code == 429 or 500 <= exc.code < 600:
                    last = f"HTTP {exc.code}{body}"
                    wait = retry_after(exc.headers.get("Retry-After"), time.time())
                elif exc.code in (401, 403):
                    raise self._fail(url, f"HTTP {exc.code}: the key was refused{body}") from None
                else:
                    raise self._fail(url, f"HTTP {exc.code}{body}") from None
            except (TimeoutError, socket.timeout):  # noqa: UP041 - both names, for older ssl paths
                last = f"no answer within {min(policy.timeout_s, left):g} s"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError | socket.timeout):
                    last = f"no answer within {min(policy.timeout_s, left):g} s"
                else:
                    last = f"cannot connect ({exc.reason})"
            except (OSError, http.client.HTTPException) as exc:  # reset or cut off mid-body, refused
                last = f"connection failed ({type(exc).__name__})"
            if attempt == policy.attempts - 1:
                break
            delay = min(policy.max_wait_s, wait if wait is not None else policy.backoff_s * 2**attempt)
            if self._clock() + delay > self._deadline:
                raise self._fail(url, f"stopped: waiting {delay:g} s more would pass the sync's time limit ({last})")
            self.waits.append(delay)
            self._sleep(delay)
        raise self._fail(url, f"gave up after {policy.attempts} attempts ({last})")

    def _once(self, full: str, url: str, timeout: float) -> Any:
        request = urllib.request.Request(full, headers={  # noqa: S310 - https or a user-set base URL
            "Accept": "application/json", "User-Agent": USER_AGENT, **self._headers(self._secret)})  # fmt: skip
        self.requests += 1
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read(self.policy.max_body + 1)
            promised = response.headers.get("Content-Length", "")
        if promised.isdigit() and len(body) < int(promised):  # read(n) returns a cut-off body quietly
            raise http.client.IncompleteRead(body[:0], int(promised) - len(body))
        if len(body) > self.policy.max_body:
            raise self._fail(url, f"the answer is larger than {self.policy.max_body // 2**20} MiB")
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise self._fail(url, f"the answer is not JSON ({len(body)} bytes)") from None


def _excerpt(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read(300)
    except OSError:
        return ""
    text = " ".join(raw.decode("utf-8", "replace").split())[:200]
    return f": {text}" if text else ""
