"""Every registered source's sample files, put where the tool writes them.

A source joins the shared import properties by adding ``tests/fixtures/<source id>/``:
either a ``home/`` tree copied into HOME as it is, or plain files, each put below the
source's first root (and its part's ``under`` folder) in a ``fixture`` folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tracker.sources.discovery import matches
from tracker.sources.registry import SOURCES
from tracker.sources.spec import Kind, spec_roots

FIXTURES = Path(__file__).parent.parent / "fixtures"


def fixture_sources() -> list[str]:
    return [sid for sid in SOURCES if (FIXTURES / sid).is_dir()]


def install_source_fixture(source: str, home: Path) -> list[tuple[Path, Kind]]:
    """Copy ``source``'s fixture into ``home``; the files placed, with their reader kind."""
    spec, folder = SOURCES[source], FIXTURES / source
    placed: list[tuple[Path, Kind]] = []
    if (folder / "home").is_dir():
        shutil.copytree(folder / "home", home, dirs_exist_ok=True)
        for path in sorted((folder / "home").rglob("*")):
            part = next((p for p in spec.parts if path.is_file() and matches(p, path.name)), None)
            if part is not None:
                placed.append((home / path.relative_to(folder / "home"), part.kind))
        return placed
    root = spec_roots(spec, home, {})[0]
    for path in sorted(folder.iterdir()):
        part = next((p for p in spec.parts if matches(p, path.name)), None)
        if part is None:
            continue
        target = (root / part.under if part.under else root) / "fixture" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        placed.append((target, part.kind))
    return placed
