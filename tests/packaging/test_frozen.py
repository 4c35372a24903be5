"""The frozen smoke test: build the one-folder bundle with packaging/build.sh, then run what a
user runs from the built folder — ``--version``, a headless ``usage daily --json`` on the
fixture logs (numbers equal the source tree's), a PDF report, and the window under Xvfb.

The build takes about two minutes on CI's two cores (packaging/README.md has the figures), so it
runs where ``CI=true`` (a failed build fails the test there, loudly) or with
``TOKENWORTH_BUILD_TEST=1``; skip it locally with ``-m "not frozen"``. ``TOKENWORTH_FROZEN_DIR``
points it at an existing build (a folder holding ``tokenworth/tokenworth``) instead of building.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, install_fixture_logs

pytestmark = pytest.mark.frozen


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built folder (``…/tokenworth``)."""
    if existing := os.environ.get("TOKENWORTH_FROZEN_DIR"):
        return Path(existing) / "tokenworth"
    if os.environ.get("CI") != "true" and not os.environ.get("TOKENWORTH_BUILD_TEST"):
        pytest.skip("builds the bundle (~2 min): runs on CI, or set TOKENWORTH_BUILD_TEST=1 (see packaging/README.md)")
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [str(REPO / "packaging" / "build.sh"), str(out)], capture_output=True, text=True, timeout=1800, cwd=REPO
    )
    if build.returncode != 0:  # a failure, never a skip: on CI this is the build users would get
        pytest.fail(f"packaging/build.sh failed ({build.returncode}):\n{build.stdout[-3000:]}\n{build.stderr[-6000:]}")
    return out / "tokenworth"


def frozen_env(home: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC", **extra)
    return env


def run(bundle: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bundle / "tokenworth"), *args], capture_output=True, text=True, env=env, timeout=300)


def test_the_bundle_holds_what_the_app_needs(bundle: Path) -> None:
    internal = bundle / "_internal"
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in (
        "platforms/libqxcb.so",  # X11 desktops
        "platforms/libqwayland.so",
        "platforms/libqoffscreen.so",  # headless PDF reports
        "iconengines/libqsvgicon.so",
        "imageformats/libqsvg.so",
    ):
        assert (plugins / plugin).is_file(), plugin
    for resource in ("tokenworth.desktop", "icons/tokenworth.svg", "icons/tray/64x64/tokenworth-tray.png",
                     "autostart/tokenworth-autostart.desktop", "autostart/com.tokenworth.tray.plist", "build-id.txt"):  # fmt: skip
        assert (internal / "resources" / resource).is_file(), resource
    assert not (internal / "resources" / "icons" / "render.py").exists()
    assert list(internal.glob("genai_prices-*.dist-info")) and list(internal.glob("tokenworth-*.dist-info"))


def test_version(bundle: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my data"
    proc = run(bundle, "--data-dir", str(folder), "--version", env=frozen_env(tmp_path, tmp_path / "unused"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"tokenworth {version('tokenworth')} (") and "(source)" not in lines[0]
    assert lines[1].startswith(f"price catalogue: genai-prices {version('genai-prices')}, newest price change ")
    assert lines[2] == f"data folder: {folder}"
    assert lines[3] == "reader accelerator: native (tokenworth-native)"  # build.sh installs the extra


def test_every_command_is_in_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """Commands are imported by name (``tracker.cli.commands``): the spec must collect them all."""
    from tracker.cli.commands import COMMANDS

    env = frozen_env(tmp_path, tmp_path / "unused")
    for name in COMMANDS:
        proc = run(bundle, name, "--help", env=env)
        assert proc.returncode == 0 and proc.stdout.startswith(f"usage: tokenworth {name} "), (name, proc.stderr)


def test_usage_and_pdf_report_equal_the_source_tree(bundle: Path, tmp_path: Path, home: Path, cli: CliRunner) -> None:
    install_fixture_logs(home)
    env = frozen_env(home, tmp_path / "frozen-data", QT_QPA_PLATFORM="")
    env.pop("DISPLAY", None)  # headless: a report needs no screen
    frozen = run(bundle, "usage", "daily", "--json", env=env)
    assert frozen.returncode == 0, frozen.stderr
    source = cli("usage", "daily", "--json", check_rc=0)
    assert json.loads(frozen.stdout) == json.loads(source.stdout)
    assert json.loads(frozen.stdout)["totals"]["total_tokens"] > 0

    pdf = tmp_path / "report.pdf"
    report = run(bundle, "report", "--format", "pdf", "--period", "quarter", "--out", str(pdf), env=env)
    assert report.returncode == 0, report.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if pdftotext := shutil.which("pdftotext"):
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Tokenworth" in text or "tokens" in text.lower()


@pytest.fixture
def xvfb() -> Iterator[str]:
    server = shutil.which("Xvfb")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Xvfb is needed for the frozen window test; .ci/run installs it")
        pytest.skip("Xvfb not installed")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [server, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    try:
        if not number:
            pytest.fail("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_window_opens_and_imports_in_worker_processes(bundle: Path, tmp_path: Path, home: Path, xvfb: str) -> None:
    """The app's import starts worker processes with ``forkserver``, which re-runs the bundle's
    executable: without ``multiprocessing.freeze_support()`` first in ``main`` each worker
    would be a second app. Enough logs to pass the parallel threshold, then exact totals."""
    from tests.helpers.loggen import generate
    from tracker.services.importer import PARALLEL_MIN_BYTES

    expected = generate(home, days=4, sessions_per_day=3, turns=30, content_bytes=120_000)
    assert sum(f.stat().st_size for f in home.rglob("*.jsonl")) > PARALLEL_MIN_BYTES
    data = tmp_path / "data"
    env = frozen_env(home, data, DISPLAY=xvfb, QT_QPA_PLATFORM="xcb")
    env.pop("WAYLAND_DISPLAY", None)
    app = subprocess.Popen(
        [str(bundle / "tokenworth")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    log_file = data / "tokenworth.log"
    try:
        deadline = time.monotonic() + 600  # waiting for the window and the import, not a timing check
        shown = imported = failed = False
        while not (shown and imported) and not failed and app.poll() is None and time.monotonic() < deadline:
            if not shown:
                tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", xvfb], capture_output=True, text=True)
                shown = "what your AI tokens were worth" in tree.stdout
            text = log_file.read_text() if log_file.exists() else ""
            imported, failed = "import finished:" in text, "background import failed" in text
            time.sleep(0.2)
        # Without freeze_support the forkserver process starts as a second app, finds the first
        # running and exits: the import fails with EOFError (seen when it was left out).
        assert not failed, log_file.read_text()
        assert shown and imported, f"window shown {shown}, import finished {imported} (exit {app.poll()})"
        time.sleep(1)  # "for a second": the pages read what was imported
        assert app.poll() is None, "the app quit by itself"
        app.send_signal(signal.SIGTERM)  # the orderly quit (app.stop_on_signals)
        _out, err = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 0, err
    assert "Traceback" not in err
    log = log_file.read_text()
    assert log.count("starting; data folder") == 1  # no worker became a second app
    assert not [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line], log

    stored = run(bundle, "usage", "daily", "--json", "--no-import", "--since", "2026-01-01", env=env)
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["totals"]["total_tokens"] == expected.total_tokens()
