"""End to end: ``tokenworth keys`` and ``tokenworth sync`` in subprocesses, the key in a real
Secret Service, a real server on 127.0.0.1; afterwards the key's bytes are in no file of the
data and cache folders or HOME, and in nothing the commands printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from keyring.backends import SecretService

from tests.apis.conftest import files_under
from tests.apis.server import ApiServer, Reply
from tests.conftest import REPO
from tracker.pricing.shared_cache import CACHE_DIR_ENV

KEY = "sk-ant-admin01-E2E-7a6b5c4d3e2f1a0b"


def run(
    home: Path, data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    full.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC", **(env or {}))
    return subprocess.run([sys.executable, "-m", "tracker", *args], input=stdin, capture_output=True, text=True,
                          env=full, cwd=REPO, timeout=120)  # fmt: skip


def usage_page(day: str) -> dict[str, object]:
    return {"data": [{"starting_at": f"{day}T00:00:00Z", "ending_at": f"{day}T23:59:59Z", "results": [
        {"uncached_input_tokens": 100, "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 0},
         "cache_read_input_tokens": 1000, "output_tokens": 50, "model": "claude-sonnet-4-5-20250929"}]}],
        "has_more": False, "next_page": None}  # fmt: skip


def test_a_key_set_synced_and_failing_never_leaves_the_keyring(
    secret_service: dict[str, str], api: ApiServer, home: Path, data_dir: Path
) -> None:
    outputs: list[str] = []

    def tw(*args: str, stdin: str = "", rc: int = 0, env: dict[str, str] | None = None) -> str:
        proc = run(home, data_dir, *args, stdin=stdin, env=env)
        outputs.extend([proc.stdout, proc.stderr])
        assert proc.returncode == rc, (proc.returncode, proc.stdout, proc.stderr)
        return proc.stdout + proc.stderr

    out = tw("keys", "set", "work", "--provider", "anthropic", "--base-url", api.url, stdin=KEY + "\n")
    assert "in the keyring: SecretService Keyring" in out and "whole organisation" in out
    assert SecretService.Keyring().get_password("tokenworth", "work") == KEY  # in the Secret Service itself

    listed = tw("keys", "list")
    assert "Keyring: SecretService Keyring (secure)" in listed
    assert f"work [anthropic] {api.url} — whole organisation; last sync: never" in listed

    api.script("/v1/organizations/usage_report/messages", Reply(usage_page("2026-11-28")))
    api.script("/v1/organizations/cost_report", Reply({"data": [], "has_more": False, "next_page": None}))
    assert "work [anthropic] (whole organisation): 1 new, 0 updated day-buckets" in tw("sync")
    assert api.seen[0].headers["x-api-key"] == KEY  # the key did reach the server, in its header

    # a failing sync whose server echoes the key back, in its body and a header
    api.script("/v1/organizations/usage_report/messages",
               Reply({"error": {"message": f"invalid x-api-key {KEY}"}}, 401, {"X-Echo": KEY}))  # fmt: skip
    failed = tw("sync", "work", rc=3)
    assert "failed, nothing stored" in failed and "the key was refused" in failed and "<secret>" in failed
    assert "last sync failed" in tw("keys", "list")
    tw("keys", "list", "--json")

    cache = Path(os.environ[CACHE_DIR_ENV])
    needle = KEY.encode()
    leaks = [p for p in files_under(data_dir, cache, home) if needle in p.read_bytes()]
    assert leaks == []
    assert all(KEY not in o for o in outputs)
    assert (data_dir / "tokenworth.sqlite").exists() or any(data_dir.iterdir())

    assert "key removed from the keyring; its synced figures forgotten" in tw("keys", "delete", "work")
    assert SecretService.Keyring().get_password("tokenworth", "work") is None
    assert "No keys." in tw("keys", "list")


def test_without_a_secure_keyring_the_key_is_refused_before_it_is_read(
    api: ApiServer, home: Path, data_dir: Path
) -> None:
    proc = run(home, data_dir, "keys", "set", "work", "--provider", "openrouter", stdin=KEY,
               env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})  # fmt: skip
    assert proc.returncode == 3
    assert "no secure keyring (fail Keyring); nothing was stored. To fix:" in proc.stderr
    assert KEY not in proc.stdout + proc.stderr
    listed = run(home, data_dir, "keys", "list", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert "NOT secure" in listed.stdout and "No keys." in listed.stdout


def test_a_key_for_a_plain_http_address_elsewhere_is_a_usage_error(home: Path, data_dir: Path) -> None:
    proc = run(home, data_dir, "keys", "set", "x", "--provider", "litellm", "--base-url", "http://10.0.0.5:4000",
               stdin=KEY)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "in the clear" in proc.stderr and KEY not in proc.stdout + proc.stderr


def test_the_claude_code_analytics_key_keeps_whose_rows_in_the_keyring_session(
    secret_service: dict[str, str], api: ApiServer, home: Path, data_dir: Path
) -> None:
    def tw(*args: str, stdin: str = "", rc: int = 0) -> str:
        proc = run(home, data_dir, *args, stdin=stdin)
        assert proc.returncode == rc, (proc.returncode, proc.stdout, proc.stderr)
        assert KEY not in proc.stdout + proc.stderr
        return proc.stdout + proc.stderr

    assert "does not report per person" in tw("keys", "set", "x", "--provider", "openrouter", "--actor", "me@x.com",
                                              stdin=KEY, rc=2)  # fmt: skip
    out = tw("keys", "set", "cc", "--provider", "claude-code-analytics", "--base-url", api.url, stdin=KEY)
    assert "the whole organisation's: shown, never compared with your logs" in out and "--actor" in out
    out = tw("keys", "set", "cc", "--provider", "claude-code-analytics", "--base-url", api.url,
             "--actor", "me@example.com", stdin=KEY)  # fmt: skip
    assert "Only me@example.com's rows are kept; they are set against your logs." in out
    (listed,) = json.loads(tw("keys", "list", "--json"))["keys"]
    assert (listed["provider"], listed["actor"], listed["whole_organisation"]) == (
        "claude-code-analytics", "me@example.com", False)  # fmt: skip
    assert "cc [claude-code-analytics]" in tw("keys", "list") and "me@example.com's rows" in tw("keys", "list")
    api.script("/v1/organizations/usage_report/claude_code", Reply({"data": [], "has_more": False, "next_page": None}))
    assert "cc [claude-code-analytics]: 0 new, 0 updated day-buckets" in tw("sync")
    days = {s.param("starting_at") for s in api.asked("/v1/organizations/usage_report/claude_code")}
    assert len(days) == 31 and all(s.headers["x-api-key"] == KEY for s in api.seen)  # one request per day
    tw("keys", "delete", "cc")
