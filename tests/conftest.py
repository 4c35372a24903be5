"""Shared fixtures: a temporary HOME with real-format logs, a data folder, the CLI."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.desktop import qapp, x_display  # noqa: F401 - session fixtures for every widget test
from tests.helpers.logfail import LogFailHandler
from tracker.core.paths import DataPaths
from tracker.services.context import Context

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's real cache (CLI subprocesses inherit this)."""
    from tracker.pricing.shared_cache import CACHE_DIR_ENV

    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("user-cache"))


LOGFAIL = LogFailHandler()


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger().addHandler(LOGFAIL)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log_records(request: pytest.FixtureRequest) -> Iterator[None]:
    """A warning or error logged by the code under test fails the test unless it expected it."""
    caplog = request.getfixturevalue("caplog") if "caplog" in request.fixturenames else None
    LOGFAIL.start(caplog)
    yield
    LOGFAIL.check(allowed=request.node.get_closest_marker("expect_log_warnings") is not None)


@pytest.fixture(autouse=True)
def _restore_tracker_log_handlers() -> Iterator[None]:
    """A test that calls ``setup_logging`` leaves its handler behind: a file in its tmp folder,
    or stderr as pytest captured it then (closed later, so a later test's record would print
    "--- Logging error ---" into that test's stderr). Each test starts with the same handlers."""
    logger = logging.getLogger("tracker")
    before, level = list(logger.handlers), logger.level
    yield
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(level)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def install_fixture_logs(home: Path) -> None:
    """Put the sample logs where the tools write them."""
    cc = home / ".claude" / "projects" / "-home-dev-shop"
    cc.mkdir(parents=True)
    shutil.copy(FIXTURES / "claude-code" / "session.jsonl", cc / "5f1c2f8e-0000-4000-8000-000000000001.jsonl")
    cx = home / ".codex" / "sessions" / "2026" / "06" / "01"
    cx.mkdir(parents=True)
    for f in (FIXTURES / "codex").glob("*.jsonl"):
        shutil.copy(f, cx / f.name)


@pytest.fixture
def ctx(home: Path, data_dir: Path) -> Context:
    return Context(DataPaths(data_dir), home, {})


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(home: Path, data_dir: Path) -> CliRunner:
    """Run ``python -m tracker`` in a subprocess with HOME and the data folder set."""

    def run(
        *args: str, env: dict[str, str] | None = None, check_rc: int | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
        full_env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC")
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            capture_output=True,
            text=True,
            env=full_env,
            cwd=REPO,
            timeout=120,
        )
        if check_rc is not None:
            assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
        return proc

    return run


def usage_json(cli: CliRunner, *args: str) -> dict[str, Any]:
    proc = cli("usage", *args, "--json")
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]
