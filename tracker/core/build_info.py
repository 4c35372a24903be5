"""Which Tokenworth this is: the package version and, for a frozen build, its build id.

Caches that depend on the code (rendered reports) are keyed by these, never by stat-ing
source files: a PyInstaller bundle keeps pure modules in an archive, not as files.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from tracker.core import resources

BUILD_ID_FILE = "build-id.txt"  # written into the bundle's resources by packaging/tokenworth.spec


def package_version(name: str) -> str | None:
    """An installed distribution's version (``genai-prices``, ``tzdata``), or None when absent."""
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
        try:
            baked = resources.resource_path(BUILD_ID_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            baked = "frozen"
        return f"{version}+{baked}"
    where = "source" if (resources.PACKAGE_DIR.parent / "pyproject.toml").is_file() else "installed"
    return f"{version}+{where}"
