"""A real X display (Xvfb) and the QApplication for every widget test, one per test run.

Session fixtures defined once, in the root conftest, so a widget test outside ``tests/ui`` (the
Keys settings tab) shares the display and the QApplication rather than starting a second Xvfb
that real X input (``tests/ui/xinput.py``) would then miss. On CI (``CI=true``) a missing Xvfb
fails the run: desktop tests must run there, not skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

_SERVERS: list[subprocess.Popen[bytes]] = []  # kept referenced: they run until the tests end


def _die_with_parent() -> None:
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    if os.environ.get("DISPLAY") and os.environ.get("TOKENWORTH_TEST_USE_DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Xvfb is needed for the desktop tests; .ci/run installs it")
        pytest.skip("Xvfb not installed")
    read_fd, write_fd = os.pipe()
    # The server must outlive the QApplication (which lives until the test process exits),
    # so it is not stopped here: it gets SIGTERM when this process dies.
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    os.close(write_fd)
    _SERVERS.append(proc)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    display = f":{number}"
    old = {k: os.environ.get(k) for k in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        yield display
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def qapp(x_display: str):
    from PySide6.QtWidgets import QApplication

    from tracker.ui.charts import follow_palette
    from tracker.ui.gc_guard import GcGuard

    app = QApplication.instance() or QApplication(["tokenworth-tests"])
    follow_palette(app.palette())
    GcGuard(app)  # as the app does: no cycle collection on the import worker's thread
    return app
