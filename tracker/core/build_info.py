"""Which Tokenworth this is: the package version and, for a frozen build, its build id.

Caches that depend on the code (rendered reports) are keyed by ``code_stamp``, never by
stat-ing source files: a PyInstaller bundle keeps pure modules in an archive, not as files.
``importlib.metadata`` is imported only when a version is asked for: it costs a warm run
more than the rest of its report (it brings in the ``email`` package).
"""

from __future__ import annotations

import os
import site
import sys
from functools import cache

from tracker.core import resources

BUILD_ID_FILE = "build-id.txt"  # written into the bundle's resources by packaging/tokenworth.spec


def package_version(name: str) -> str | None:
    """An installed distribution's version (``genai-prices``, ``tzdata``), or None when absent."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@cache
def build_id() -> str:
    """``<version>+<build>``: the bundle's baked id when frozen; ``source`` in a checkout (a
    ``pyproject.toml`` beside the package), ``installed`` from a wheel (``uv tool``, pipx)."""
    version = package_version("tokenworth") or "unknown"
    if resources.is_frozen():
        return f"{version}+{_baked()}"
    where = "source" if (resources.PACKAGE_DIR.parent / "pyproject.toml").is_file() else "installed"
    return f"{version}+{where}"


def _baked() -> str:
    try:
        return resources.resource_path(BUILD_ID_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return "frozen"


@cache
def code_stamp() -> str:
    """Changes whenever the installed code or data a report depends on may have: Tokenworth,
    genai-prices' prices, tzdata. A frozen build's baked id (one per build); elsewhere the
    modification times of the site-packages folders on ``sys.path``: installing, upgrading or
    removing any distribution adds or removes its ``*.dist-info`` folder there. Cheaper than
    asking ``importlib.metadata`` for three versions, so a warm run's report cache needs no
    version lookups; a change it cannot see in a source checkout (an edited module) was not in
    the versions either."""
    if resources.is_frozen():
        return f"frozen:{_baked()}"
    folders = [*site.getsitepackages(), site.getusersitepackages()]
    stamps = []
    for folder in dict.fromkeys(f for f in folders if f in sys.path):
        try:
            stamps.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            continue
    return "|".join(stamps)
