"""What the ``sources`` view shows: where each tool's logs were found and how reading went."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tracker.services.context import Context
from tracker.services.importer import source_roots
from tracker.sources.discovery import part_folders
from tracker.sources.registry import SOURCES

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


def source_statuses(ctx: Context, conn: sqlite3.Connection) -> list[SourceStatus]:
    config = ctx.source_config()
    out = []
    for name, source in SOURCES.items():
        roots = source_roots(source, ctx.home, ctx.env, config)
        files, skipped, last = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(skipped), 0), MAX(last_import_ms) FROM files WHERE source = ?",
            (name,),
        ).fetchone()
        (events,) = conn.execute(  # from the rollup: no scan of every event
            "SELECT COALESCE(SUM(events), 0) FROM usage_rollup_project WHERE source = ?", (name,)
        ).fetchone()
        first = conn.execute(
            """SELECT s.path, s.line_no, s.reason FROM skipped_lines s JOIN files f ON f.path = s.path
               WHERE f.source = ? ORDER BY s.path, s.line_no LIMIT ?""",
            (name, SHOW_SKIPPED),
        ).fetchall()
        ignored = dict(
            conn.execute(
                """SELECT i.what, SUM(i.count) FROM ignored_lines i JOIN files f ON f.path = i.path
                   WHERE f.source = ? GROUP BY i.what ORDER BY i.what""",
                (name,),
            ).fetchall()
        )
        errors = [
            r[0]
            for r in conn.execute(
                "SELECT error FROM files WHERE source = ? AND error IS NOT NULL ORDER BY path", (name,)
            )
        ]
        out.append(
            SourceStatus(
                name=name,
                label=source.label,
                enabled=config.is_enabled(name),
                roots=[str(r) for r in roots],
                found=[str(r) for r in roots if r.is_dir()],
                files=int(files),
                events=int(events),
                last_import_ms=last,
                skipped_lines=int(skipped),
                skipped_first=[(p, int(n), r) for p, n, r in first],
                ignored={str(k): int(v) for k, v in ignored.items()},
                errors=errors,
            )
        )
    return out


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
    """One line saying where usage is read from, or where nothing was found."""
    parts = []
    config = ctx.source_config()
    for name, spec in SOURCES.items():
        if not config.is_enabled(name):
            continue
        roots = source_roots(spec, ctx.home, ctx.env, config)
        found = [str(r) for r in roots if r.is_dir()]
        if found:
            parts.append(f"{spec.label}: {', '.join(found)}")
        else:
            parts.append(f"no {spec.label} logs found under {', '.join(map(str, roots))}")
    return "Reading " + " · ".join(parts) if parts else "All sources are off (Settings)."
