"""The usage-API tests' parts: a real HTTP server on 127.0.0.1 and a real Secret Service
(gnome-keyring on a private D-Bus session bus). On CI (``CI=true``) a missing Secret Service
fails the run: the keyring tests must run there, not skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apis.server import ApiServer


@pytest.fixture
def api() -> Iterator[ApiServer]:
    server = ApiServer().start()
    try:
        yield server
    finally:
        server.stop()


def _state() -> str:
    """'ok' once the default collection exists and is unlocked; asked without side effects
    (the keyring would try to create a collection, which needs a prompt)."""
    import secretstorage
    from secretstorage.defines import SS_PATH, SS_PREFIX
    from secretstorage.util import DBusAddressWrapper

    try:
        conn = secretstorage.dbus_init()
    except Exception as exc:
        return f"no bus ({type(exc).__name__})"
    try:
        (path,) = DBusAddressWrapper(SS_PATH, SS_PREFIX + "Service", conn).call("ReadAlias", "s", "default")
        if path == "/":
            return "no default collection"
        return "locked" if secretstorage.Collection(conn, path).is_locked() else "ok"
    except Exception as exc:
        return f"not answering ({type(exc).__name__})"
    finally:
        conn.close()


def _start(root: Path) -> tuple[dict[str, str], int, str]:
    """A bus and a gnome-keyring unlocked with a throwaway password, as a desktop session
    starts it (the daemon lives on the bus and ends with it)."""
    root.mkdir()
    (root / "run").mkdir(mode=0o700)
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    env = {
        "DBUS_SESSION_BUS_ADDRESS": bus[0],
        "XDG_RUNTIME_DIR": str(root / "run"),
        "XDG_DATA_HOME": str(root / "data"),
    }
    subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"], input=b"throwaway",
                   env={**os.environ, **env}, capture_output=True, timeout=60)  # fmt: skip
    old = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = env["DBUS_SESSION_BUS_ADDRESS"]
    try:
        deadline, state = time.monotonic() + 3, ""
        while time.monotonic() < deadline and (state := _state()) != "ok":
            time.sleep(0.1)
    finally:
        if old is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS")
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = old
    return env, int(bus[1]), state


@pytest.fixture(scope="session")
def _secret_service_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running, unlocked gnome-keyring on a private session bus, for the whole session; the
    environment that reaches it (never left in ``os.environ``: other tests read XDG folders)."""
    missing = [p for p in ("dbus-daemon", "gnome-keyring-daemon") if shutil.which(p) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} needed for the keyring tests; .ci/run installs them")
        pytest.skip(f"not installed: {', '.join(missing)}")
    base = tmp_path_factory.mktemp("secret-service")
    states = []
    # gnome-keyring now and then starts without applying the --unlock password (its login
    # collection missing or locked for good): such a start is thrown away and made again.
    for attempt in range(6):
        env, bus_pid, state = _start(base / str(attempt))
        if state == "ok":
            break
        states.append(state)
        os.kill(bus_pid, 15)
    else:
        pytest.fail(f"gnome-keyring did not offer an unlocked Secret Service: {states}")
    try:
        yield env
    finally:
        os.kill(bus_pid, 15)  # the keyring daemon leaves with its bus


@pytest.fixture
def secret_service(_secret_service_bus: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The test bus in ``DBUS_SESSION_BUS_ADDRESS`` for one test (CLI subprocesses inherit it)."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", _secret_service_bus["DBUS_SESSION_BUS_ADDRESS"])
    return _secret_service_bus


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
