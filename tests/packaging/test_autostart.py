"""Start at login: the entries for Linux, macOS and Windows, rendered from resources/autostart,
with the command that starts this Tokenworth, and a data folder whose name needs quoting."""

from __future__ import annotations

import json
import logging
import plistlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.packaging.tools import require
from tracker.services import autostart
from tracker.services.autostart import (
    AutostartError,
    FileEntry,
    RegistryEntry,
    apply_autostart,
    desktop_exec,
    for_platform,
    launch_argv,
    render_desktop_entry,
    render_launch_agent,
    windows_command,
)

HOSTILE = '/tmp/my data/$HOME \\ "q" 100% `x` it\'s (1) #2'


class FakeRun:
    """``RunRegistry`` as a dict (winreg exists only on Windows)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_frozen_launch_runs_the_bundles_executable() -> None:
    exe = "/home/u/.local/opt/tokenworth/tokenworth"
    assert launch_argv(None, frozen=True, executable=exe) == [exe, "--tray"]
    assert launch_argv(Path("/d"), frozen=True, executable=exe) == [exe, "--data-dir", "/d", "--tray"]


def test_unfrozen_launch_prefers_the_installed_script(tmp_path: Path) -> None:
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    assert launch_argv(None, frozen=False, executable=str(python)) == [str(python), "-m", "tracker", "--tray"]
    (tmp_path / "bin" / "tokenworth").touch()
    assert launch_argv(None, frozen=False, executable=str(python)) == [str(tmp_path / "bin" / "tokenworth"), "--tray"]


def test_exec_quoting_follows_the_desktop_entry_spec() -> None:
    assert desktop_exec(["/usr/bin/tokenworth", "--tray"]) == "/usr/bin/tokenworth --tray"
    assert desktop_exec(["/opt/x", "--data-dir", "/a b"]) == '/opt/x --data-dir "/a b"'
    # inside quotes " ` $ \ are backslash-escaped, then every backslash is doubled (string escape)
    assert desktop_exec(["a$b"]) == '"a\\\\$b"'
    assert desktop_exec(["50%"]) == "50%%"
    with pytest.raises(AutostartError, match="line break"):
        desktop_exec(["/a\nb"])


def test_linux_entry_validates_and_launches_with_the_exact_arguments(tmp_path: Path) -> None:
    """The real check: GLib (``gio launch``, what GNOME's session starts autostart entries with)
    parses the written Exec line back into the very arguments we meant."""
    validate = require("desktop-file-validate", "desktop-file-utils")
    gio = require("gio", "libglib2.0-bin")
    out = tmp_path / "argv.json"
    recorder = tmp_path / "record.py"
    recorder.write_text(f"import json, sys\nopen({str(out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    argv = [sys.executable, str(recorder), "--data-dir", HOSTILE, "--tray"]
    entry = FileEntry(tmp_path / "autostart" / "tokenworth.desktop", "desktop")
    entry.enable(argv)
    assert entry.is_enabled()
    checked = subprocess.run([validate, str(entry.path)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    subprocess.run([gio, "launch", str(entry.path)], check=True, timeout=60)
    deadline = time.monotonic() + 60  # gio returns once started; wait for the child, not a timing check
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert json.loads(out.read_text()) == ["--data-dir", HOSTILE, "--tray"]
    entry.disable()
    assert not entry.is_enabled() and not entry.path.exists()
    entry.disable()  # disabling twice is fine


def test_linux_entry_keeps_the_templates_other_keys() -> None:
    text = render_desktop_entry(["/opt/tokenworth/tokenworth", "--tray"])
    assert text.splitlines() == [
        "[Desktop Entry]",
        "Type=Application",
        "Name=Tokenworth",
        "Comment=What your AI tokens were worth",
        "Exec=/opt/tokenworth/tokenworth --tray",
        "Icon=tokenworth",
        "Terminal=false",
        "Categories=Utility;",
        "X-GNOME-Autostart-enabled=true",
    ]


def test_macos_launch_agent(tmp_path: Path) -> None:
    exe = "/Applications/Tokenworth.app/Contents/MacOS/tokenworth"
    agent = plistlib.loads(render_launch_agent([exe, "--data-dir", HOSTILE, "--tray"]))
    assert agent == {
        "Label": "com.tokenworth.tray",
        "ProgramArguments": [exe, "--data-dir", HOSTILE, "--tray"],  # an array: no quoting at all
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    entry = for_platform(tmp_path, {}, "darwin")
    assert entry.location() == str(tmp_path / "Library" / "LaunchAgents" / "com.tokenworth.tray.plist")
    entry.enable([exe, "--tray"])
    assert entry.is_enabled()
    assert plistlib.loads(Path(entry.location()).read_bytes())["ProgramArguments"] == [exe, "--tray"]
    entry.disable()
    assert not entry.is_enabled()


def test_windows_run_value() -> None:
    exe = r"C:\Users\Ann Lee\AppData\Local\Programs\Tokenworth\tokenworth.exe"
    assert windows_command([exe, "--data-dir", r"D:\my data", "--tray"]) == (
        r'"C:\Users\Ann Lee\AppData\Local\Programs\Tokenworth\tokenworth.exe" --data-dir "D:\my data" --tray'
    )
    run = FakeRun()
    entry = RegistryEntry(run)
    assert not entry.is_enabled()
    entry.enable([exe, "--tray"])
    assert run.values == {"Tokenworth": f'"{exe}" --tray'} and entry.is_enabled()
    assert entry.location() == r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\Tokenworth"
    entry.disable()
    assert run.values == {} and not entry.is_enabled()
    assert isinstance(for_platform(Path("/h"), {}, "win32"), RegistryEntry)


def test_the_installer_writes_the_same_run_value() -> None:
    """Inno Setup's "start at login" task and the app's setting are one entry, not two."""
    iss = (Path(__file__).parents[2] / "packaging" / "windows" / "tokenworth.iss").read_text()
    assert f'Subkey: "{autostart.RUN_KEY}"' in iss and f'ValueName: "{autostart.RUN_VALUE}"' in iss


def test_a_failure_is_an_autostart_error_and_the_setting_sync_logs_it(tmp_path: Path, caplog) -> None:
    blocker = tmp_path / "cfg"
    blocker.write_text("a file where the config folder should be")
    entry = for_platform(tmp_path, {"XDG_CONFIG_HOME": str(blocker)}, "linux")
    with pytest.raises(AutostartError, match="cannot set up start at login"):
        entry.enable(["/x", "--tray"])
    with caplog.at_level(logging.WARNING):
        assert apply_autostart(True, tmp_path, {}, entry=entry) is None
    assert "cannot set up start at login" in caplog.records[0].getMessage()


def test_apply_follows_the_setting(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    entry = for_platform(tmp_path, env, "linux")
    path = apply_autostart(True, tmp_path, env, tmp_path / "my data", entry=entry)
    assert path == tmp_path / "cfg" / "autostart" / "tokenworth.desktop"
    assert f'--data-dir "{tmp_path / "my data"}" --tray' in path.read_text()
    assert apply_autostart(False, tmp_path, env, entry=entry) is None and not path.exists()
