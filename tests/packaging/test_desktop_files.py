"""The launcher entry and the AppStream metadata pass the freedesktop validators."""

from __future__ import annotations

import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.packaging.tools import require

RESOURCES = Path(__file__).parents[2] / "resources"
METAINFO = RESOURCES / "com.tokenworth.Tokenworth.metainfo.xml"


def test_desktop_entries_validate() -> None:
    validate = require("desktop-file-validate", "desktop-file-utils")
    for entry in (RESOURCES / "tokenworth.desktop", RESOURCES / "autostart" / "tokenworth-autostart.desktop"):
        result = subprocess.run([validate, str(entry)], capture_output=True, text=True)
        assert (result.returncode, result.stdout + result.stderr) == (0, ""), entry


def test_metainfo_validates() -> None:
    appstreamcli = require("appstreamcli", "appstream")
    result = subprocess.run([appstreamcli, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_matches_the_app() -> None:
    """The id's launchable is the shipped entry, the newest release is this version, and the
    screenshot it names is in resources/screenshots."""
    root = ET.parse(METAINFO).getroot()  # noqa: S314 - our own file in the repository, not untrusted input
    assert root.findtext("launchable") == "tokenworth.desktop" and (RESOURCES / "tokenworth.desktop").is_file()
    project = tomllib.loads((RESOURCES.parent / "pyproject.toml").read_text())["project"]
    assert root.find("releases/release").get("version") == project["version"]  # type: ignore[union-attr]
    image = root.findtext("screenshots/screenshot/image") or ""
    assert (RESOURCES / "screenshots" / image.rsplit("/", 1)[-1]).is_file()
