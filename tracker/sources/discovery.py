"""Finding a source's files: its roots and parts, one generic walker for every tool.

Each part is looked for below every root (below ``root/under`` when it names a sub-folder),
matching file names against its patterns. Symlinked folders are not followed; a file
reached twice (two roots, a link) is yielded once. What cannot be used is yielded too, with
the reason, so the import can report it rather than pass over it in silence: a folder whose
name matches a pattern ("not a regular file"), a broken link, a folder that cannot be listed.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import translate
from functools import cache
from pathlib import Path

from tracker.sources.spec import Part, SourceSpec


@dataclass(frozen=True)
class Found:
    """One file of a source, or a reason it cannot be read (``error`` set, ``st`` None)."""

    path: Path
    part: Part | None  # None for a folder that could not be listed
    st: os.stat_result | None
    error: str | None = None


def part_folders(spec: SourceSpec, roots: Sequence[Path]) -> list[tuple[Path, Part]]:
    """Where each part of ``spec`` is looked for below ``roots`` (existing or not)."""
    return [(root / part.under if part.under else root, part) for root in roots for part in spec.parts]


@cache
def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str]:
    flags = re.IGNORECASE if os.path.normcase("A") == "a" else 0  # as fnmatch does here
    return re.compile("|".join(translate(p) for p in patterns), flags)


def matches(part: Part, name: str) -> bool:
    return _matcher(part.patterns).match(name) is not None


def discover(spec: SourceSpec, roots: Sequence[Path]) -> Iterator[Found]:
    """Every file of ``spec`` below the existing ``roots``, sorted within each folder walked."""
    groups: dict[tuple[Path, tuple[str, ...]], list[Part]] = {}
    for folder, part in part_folders(spec, roots):
        groups.setdefault((folder, part.skip_dirs), []).append(part)
    seen: set[tuple[int, int]] = set()
    for (folder, skip), parts in groups.items():
        if not folder.is_dir():
            continue
        found, unreadable = _walk(folder, parts, frozenset(skip))
        for path, message in unreadable:
            yield Found(Path(path), None, None, message)
        for path, part in sorted(found, key=lambda f: f[0]):
            p = Path(path)
            try:
                st = os.stat(p)
                if not stat.S_ISREG(st.st_mode):
                    raise IsADirectoryError(errno.EISDIR, "not a regular file")
            except OSError as exc:
                yield Found(p, part, None, f"{p}: cannot read ({exc.strerror or exc})")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue  # the same file reached by two roots or a link
            seen.add(key)
            yield Found(p, part, st)


def _walk(
    folder: Path, parts: list[Part], skip: frozenset[str]
) -> tuple[list[tuple[str, Part]], list[tuple[str, str]]]:
    found: list[tuple[str, Part]] = []
    unreadable: list[tuple[str, str]] = []

    def failed(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else str(folder)
        unreadable.append((where, f"{where}: cannot read this folder ({exc.strerror or exc})"))

    for here, dirs, names in os.walk(folder, onerror=failed):
        if skip:
            dirs[:] = [d for d in dirs if d not in skip]
        for name in (*names, *dirs):  # a folder named like a file is reported, not passed over
            for part in parts:
                if matches(part, name):
                    found.append((os.path.join(here, name), part))
                    break
    return found, unreadable
