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
from collections.abc import Callable, Iterator, Sequence
from fnmatch import translate
from functools import cache
from operator import itemgetter
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:  # only named: the warm start walks folders before any source module loads
    from tracker.sources.spec import Part, SourceSpec

T = TypeVar("T")


class Found(NamedTuple):
    """One file of a source, or a reason it cannot be read (``error`` set, ``st`` None).

    ``where`` is the path as a string: a warm import stats thousands of files and reads none,
    so a ``Path`` is made only for what is read (``path``)."""

    where: str
    part: Part | None  # None for a folder that could not be listed
    st: os.stat_result | None
    error: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.where)


def part_folders(spec: SourceSpec, roots: Sequence[Path]) -> list[tuple[Path, Part]]:
    """Where each part of ``spec`` is looked for below ``roots`` (existing or not)."""
    return [(root / part.under if part.under else root, part) for root in roots for part in spec.parts]


@cache
def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str]:
    flags = re.IGNORECASE if os.path.normcase("A") == "a" else 0  # as fnmatch does here
    return re.compile("|".join(translate(p) for p in patterns), flags)


def matches(part: Part, name: str) -> bool:
    return _matcher(part.patterns).match(name) is not None


Group = tuple[str, tuple[str, ...], list[tuple[tuple[str, ...], T]]]  # folder, skipped dirs, (patterns, tag)


def groups(spec: SourceSpec, roots: Sequence[Path]) -> list[Group[Part]]:
    """The folders walked for ``spec``: each once, with every part looked for in it."""
    out: dict[tuple[Path, tuple[str, ...]], list[tuple[tuple[str, ...], Part]]] = {}
    for folder, part in part_folders(spec, roots):
        out.setdefault((folder, part.skip_dirs), []).append((part.patterns, part))
    return [(str(folder), skip, parts) for (folder, skip), parts in out.items()]


def discover(spec: SourceSpec, roots: Sequence[Path]) -> Iterator[Found]:
    """Every file of ``spec`` below the existing ``roots``, sorted within each folder walked."""
    for where, part, st, error in find(groups(spec, roots)):
        yield Found(where, part, st, error)


def find(walked: Sequence[Group[T]]) -> Iterator[tuple[str, T | None, os.stat_result | None, str | None]]:
    """``discover`` for folders given as data (the warm start keeps them): each file's path,
    tag, stat and error, a file reached twice (two roots, a link) once."""
    seen: set[tuple[int, int]] = set()
    for folder, skip, parts in walked:
        if not os.path.isdir(folder):
            continue
        found, unreadable = _walk(folder, [(_matcher(patterns).match, tag) for patterns, tag in parts], frozenset(skip))
        for where, message in unreadable:
            yield where, None, None, message
        found.sort(key=itemgetter(0))
        for where, tag in found:
            try:
                st = os.stat(where)
                if not S_ISREG(st.st_mode):
                    raise IsADirectoryError(errno.EISDIR, "not a regular file")
            except OSError as exc:
                yield where, tag, None, f"{where}: cannot read ({exc.strerror or exc})"
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue  # the same file reached by two roots or a link
            seen.add(key)
            yield where, tag, st, None


def _walk(
    folder: str, match: list[tuple[Callable[[str], object], T]], skip: frozenset[str]
) -> tuple[list[tuple[str, T]], list[tuple[str, str]]]:
    """What ``os.walk(folder)`` would find (symlinked folders listed, not entered), with
    ``os.scandir`` alone: its entries' types come with the listing, so only the files that
    match are stat-ed (by the caller), never the folders."""
    found: list[tuple[str, T]] = []
    unreadable: list[tuple[str, str]] = []
    todo = [folder]
    while todo:
        here = todo.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as exc:
            where = exc.filename if isinstance(exc.filename, str) else here
            unreadable.append((where, f"{where}: cannot read this folder ({exc.strerror or exc})"))
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows a link, as os.walk does: a linked folder is listed
            except OSError:
                is_dir = False
            if is_dir:
                if name in skip:
                    continue
                try:
                    linked = entry.is_symlink()
                except OSError:
                    linked = False  # as os.walk: tried, and reported if it cannot be listed
                if not linked:
                    todo.append(entry.path)
            for fits, tag in match:  # a folder named like a file is reported, not passed over
                if fits(name) is not None:
                    found.append((entry.path, tag))
                    break
    return found, unreadable
