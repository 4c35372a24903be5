"""Every registered source's sample files, put where the tool writes them.

A source joins the shared import properties by adding ``tests/fixtures/<source id>/``:
either a home tree copied into HOME as it is (``home/``, or the fixture folder itself when
it holds the tool's dot-folder, e.g. ``.gemini/``), or plain files, each put below the
source's first root (and its part's ``under`` folder) in a ``fixture`` folder.

A source whose files are binary (another tool's SQLite database) or easier to generate
provides a builder instead: ``build_fixture(home)`` in its generator module, named in
``BUILDERS``. It writes the same data its reader-level tests check.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.helpers import gen_cline, gen_copilot, gen_goose, gen_openclaw, gen_opencode, gen_pi, gen_zed
from tracker.sources.discovery import matches
from tracker.sources.registry import SOURCES
from tracker.sources.spec import Kind, SourceSpec, spec_roots

FIXTURES = Path(__file__).parent.parent / "fixtures"

BUILDERS: dict[str, Callable[[Path], None]] = {
    "openclaw": gen_openclaw.build_fixture,
    "pi": gen_pi.build_fixture,
    "opencode": gen_opencode.build_fixture,
    "cline": gen_cline.build_cline,
    "roo": gen_cline.build_roo,
    "kilo": gen_cline.build_kilo,
    "copilot": gen_copilot.build_fixture,
    "goose": gen_goose.build_fixture,
    "zed": gen_zed.build_fixture,
}


def _built(source: str, kind: Kind | None) -> bool:
    """Whether ``source`` has a builder (with ``kind``: one whose files include that kind)."""
    if source not in BUILDERS:
        return False
    if kind is None:
        return True
    with tempfile.TemporaryDirectory(prefix="tw-fixture-") as tmp:
        return any(k is kind for _, k in install_source_fixture(source, Path(tmp)))


def fixture_sources(kind: Kind | None = None) -> list[str]:
    """Sources with a fixture; with ``kind``, only those whose fixture has a file of that kind."""
    return [
        sid
        for sid in SOURCES
        if _built(sid, kind)
        or (
            (FIXTURES / sid).is_dir()
            and (
                kind is None
                or any(
                    p.kind is kind and matches(p, f.name)
                    for f in (FIXTURES / sid).rglob("*")
                    if f.is_file()
                    for p in SOURCES[sid].parts
                )
            )
        )
    ]


def install_source_fixture(source: str, home: Path) -> list[tuple[Path, Kind]]:
    """Copy ``source``'s fixture into ``home``; the files placed, with their reader kind."""
    spec, folder = SOURCES[source], FIXTURES / source
    placed: list[tuple[Path, Kind]] = []
    if source in BUILDERS:
        BUILDERS[source](home)
        return _placed(spec, home, home)
    # A home tree: ``home/``, or the fixture folder itself when it holds the tool's dot-folder.
    tree = folder / "home" if (folder / "home").is_dir() else folder
    if tree != folder or any(p.name.startswith(".") and p.is_dir() for p in folder.iterdir()):
        shutil.copytree(tree, home, dirs_exist_ok=True)
        return _placed(spec, tree, home)
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


def _placed(spec: SourceSpec, tree: Path, home: Path) -> list[tuple[Path, Kind]]:
    """The files of ``tree`` (now in ``home``) that one of ``spec``'s parts reads, with its kind."""
    placed: list[tuple[Path, Kind]] = []
    for path in sorted(tree.rglob("*")):
        part = next((p for p in spec.parts if path.is_file() and matches(p, path.name)), None)
        if part is not None:
            placed.append((home / path.relative_to(tree), part.kind))
    return placed
