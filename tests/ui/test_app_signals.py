"""The real program quits the orderly way on SIGTERM (logout, a service manager, ``kill``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import install_fixture_logs

REPO = Path(__file__).parents[2]


def test_sigterm_quits_the_app_cleanly_after_its_import(x_display: str, home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), DISPLAY=x_display, QT_QPA_PLATFORM="xcb")
    log = data_dir / "tokenworth.log"
    with subprocess.Popen(
        [sys.executable, "-m", "tracker"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as app:
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and app.poll() is None:
                if log.exists() and "import finished" in log.read_text():
                    break
                time.sleep(0.2)
            running = app.poll() is None
            app.send_signal(signal.SIGTERM)
            code = app.wait(30)
        finally:
            if app.poll() is None:
                app.kill()
        stderr = app.stderr.read().decode() if app.stderr else ""
    assert running, stderr
    assert code == 0, stderr
    assert "QThread: Destroyed while thread" not in stderr  # the import thread was stopped first
    text = log.read_text()
    assert f"signal {int(signal.SIGTERM)}: quitting" in text and "Tokenworth exits with 0" in text
