"""``tokenworth receive`` in a real subprocess: the receiver in the foreground until SIGTERM,
and ``--print-env``."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, CliRunner
from tests.otlp import shapes


def test_print_env_gives_the_exact_lines_with_the_token(cli: CliRunner, data_dir: Path, home: Path) -> None:
    proc = cli("receive", "--print-env", "--tool", "claude-code", "--port", "4444", check_rc=0)
    token = (data_dir / "otlp-token").read_text().strip()
    assert proc.stdout.splitlines() == [
        "# Claude Code",
        "export CLAUDE_CODE_ENABLE_TELEMETRY=1",
        "export OTEL_LOGS_EXPORTER=otlp",
        "export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4444",
        "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
        f"export OTEL_EXPORTER_OTLP_HEADERS=X-Tokenworth-Token={token}",
    ]
    (home / ".claude" / "projects").mkdir(parents=True)  # now its own logs are here: the lines say so
    again = cli("receive", "--print-env", "--tool", "claude-code", check_rc=0).stdout
    assert "a call in both counts once" in again and token in again  # the same token
    every = cli("receive", "--print-env", check_rc=0).stdout
    for needle in ("GEMINI_TELEMETRY_ENABLED=true", "COPILOT_OTEL_ENABLED=true", "[otel]", "diagnostics-otel"):
        assert needle in every
    assert cli("receive", "--tool", "codex").returncode == 2  # --tool goes with --print-env


def test_receive_runs_until_sigterm_and_keeps_what_it_received(home: Path, data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "receive", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("receiving OpenTelemetry on http://127.0.0.1:"), first
        port = int(first.split("127.0.0.1:")[1].split()[0])
        token = (data_dir / "otlp-token").read_text().strip()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps(shapes.copilot_spans())
        conn.request("POST", "/v1/traces", body, {"Content-Type": "application/json", "X-Tokenworth-Token": token})
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "received 1 request(s), 2 record(s), 1 usage event(s)" in err
    with sqlite3.connect(data_dir / "tokenworth.sqlite3") as db:
        assert db.execute("SELECT source, input_tokens FROM events").fetchall() == [("copilot", 17421)]


def test_a_taken_port_is_one_clear_line(cli: CliRunner) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        proc = cli("receive", "--port", str(s.getsockname()[1]))
    assert proc.returncode == 3
    assert proc.stderr.startswith("tokenworth: cannot listen on 127.0.0.1:") and "--port N" in proc.stderr


def test_sources_lists_the_otel_source_as_having_no_local_logs(cli: CliRunner) -> None:
    text = cli("sources", check_rc=0).stdout.splitlines()
    at = text.index("OpenTelemetry (gen_ai) [otel] — on")
    assert (
        text[at + 1]
        == "  no log folder: its usage comes from 'tokenworth import FILE' or the OTLP receiver ('tokenworth receive')"
    )
