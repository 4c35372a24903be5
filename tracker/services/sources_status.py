"""What the ``sources`` view shows: where each tool's logs were found and how reading went."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker.services.context import Context
from tracker.services.importer import source_roots
from tracker.sources.discovery import part_folders
from tracker.sources.registry import SOURCES
from tracker.store.db import indexes_pending
from tracker.store.store import Store

SHOW_SKIPPED = 10


@dataclass
class SourceStatus:
    name: str
    label: str
    enabled: bool
    roots: list[str]
    found: list[str]
    files: int
    events: int
    last_import_ms: int | None
    skipped_lines: int
    skipped_first: list[tuple[str, int, str]] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def source_statuses(ctx: Context, store: Store) -> list[SourceStatus]:
    config = ctx.source_config()
    out = []
    for name, source in SOURCES.items():
        roots = source_roots(source, ctx.home, ctx.env, config)
        files = store.files.of_source(name, SHOW_SKIPPED)
        out.append(
            SourceStatus(
                name=name,
                label=source.label,
                enabled=config.is_enabled(name),
                roots=[str(r) for r in roots],
                found=[str(r) for r in roots if r.is_dir()],
                files=files.files,
                events=files.events,
                last_import_ms=files.last_import_ms,
                skipped_lines=files.skipped_lines,
                skipped_first=files.skipped_first,
                ignored=files.ignored,
                errors=files.errors,
            )
        )
    return out


def folder_statuses(ctx: Context) -> list[SourceStatus]:
    """Each enabled tool's folders and which exist, without the store (the counts stay 0): what
    the welcome and an empty dashboard's message need. It stats every candidate folder, so the
    GUI asks it on the read thread."""
    config = ctx.source_config()
    out = []
    for name, source in SOURCES.items():
        if not config.is_enabled(name):
            continue
        roots = source_roots(source, ctx.home, ctx.env, config)
        out.append(SourceStatus(name, source.label, True, [str(r) for r in roots],
                                [str(r) for r in roots if r.is_dir()], 0, 0, None, 0))  # fmt: skip
    return out


def rollup_state(store: Store) -> str:
    """One line on the store's summary tables (the quarter-hour rollup reports read) and the
    indexes of stored records, which a first import leaves to build with them."""
    if store.usage.rollup_pending() or indexes_pending(store.conn):
        return (
            "Summary tables and indexes: pending after the first import (reports read every stored record "
            "meanwhile, with the same results); the next import builds them"
        )
    return "Summary tables and indexes: up to date"


@dataclass(frozen=True)
class WatchFolder:
    """A folder the log watcher watches (and every folder below it) for these file names."""

    path: Path
    patterns: tuple[str, ...]


def watch_folders(ctx: Context) -> list[WatchFolder]:
    """Where every enabled source's parts are looked for, each folder once, with the
    patterns of all the parts found there (the GUI's watcher watches these)."""
    config = ctx.source_config()
    merged: dict[Path, list[str]] = {}
    for name, spec in SOURCES.items():
        if not config.is_enabled(name):
            continue
        for folder, part in part_folders(spec, source_roots(spec, ctx.home, ctx.env, config)):
            patterns = merged.setdefault(folder, [])
            patterns.extend(p for p in part.patterns if p not in patterns)
    return [WatchFolder(path, tuple(patterns)) for path, patterns in merged.items()]


def reading_line(ctx: Context) -> str:
    """One line saying where usage is read from; tools with no logs here are counted, not listed
    (a user of two tools should not read twelve "not found"s), and named when none is found."""
    found, missing = [], []
    config = ctx.source_config()
    for name, spec in SOURCES.items():
        if not config.is_enabled(name) or not spec.roots:  # no log folder to find (exports, OTLP)
            continue
        roots = [r for r in source_roots(spec, ctx.home, ctx.env, config) if r.is_dir()]
        if roots:
            found.append(f"{spec.label} ({', '.join(_short(r, ctx.home) for r in roots)})")
        else:
            missing.append(spec.label)
    if not found and not missing:
        return "All sources are off (Settings)."
    if not found:
        return f"No logs of {len(missing)} supported tools found yet; Sources shows where Tokenworth looks."
    line = "Reading " + " · ".join(found)
    if missing:
        line += f" · {len(missing)} other {'tool' if len(missing) == 1 else 'tools'} not found (see Sources)"
    return line


def _short(path: Path, home: Path) -> str:
    """``~/…`` for folders in the home folder: shorter, and the same on every machine."""
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)
