"""Every registered source's sample files, put where the tool writes them.

A source joins the shared import properties by adding ``tests/fixtures/<source id>/``:
either a home tree copied into HOME as it is (``home/``, or the fixture folder itself when
it holds the tool's dot-folder, e.g. ``.gemini/``), or plain files, each put below the
source's first root (and its part's ``under`` folder) in a ``fixture`` folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tracker.sources.discovery import matches
from tracker.sources.registry import SOURCES
from tracker.sources.spec import Kind, spec_roots

FIXTURES = Path(__file__).parent.parent / "fixtures"


def fixture_sources(kind: Kind | None = None) -> list[str]:
    """Sources with a fixture; with ``kind``, only those whose fixture has a file of that kind."""
    return [
        sid
        for sid in SOURCES
        if (FIXTURES / sid).is_dir()
        and (
            kind is None
            or any(
                p.kind is kind and matches(p, f.name)
                for f in (FIXTURES / sid).rglob("*")
                if f.is_file()
                for p in SOURCES[sid].parts
            )
        )
    ]


def install_source_fixture(source: str, home: Path) -> list[tuple[Path, Kind]]:
    """Copy ``source``'s fixture into ``home``; the files placed, with their reader kind."""
    spec, folder = SOURCES[source], FIXTURES / source
    placed: list[tuple[Path, Kind]] = []
    # A home tree: ``home/``, or the fixture folder itself when it holds the tool's dot-folder.
    tree = folder / "home" if (folder / "home").is_dir() else folder
    if tree != folder or any(p.name.startswith(".") and p.is_dir() for p in folder.iterdir()):
        shutil.copytree(tree, home, dirs_exist_ok=True)
        for path in sorted(tree.rglob("*")):
            part = next((p for p in spec.parts if path.is_file() and matches(p, path.name)), None)
            if part is not None:
                placed.append((home / path.relative_to(tree), part.kind))
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
