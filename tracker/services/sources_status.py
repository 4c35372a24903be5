"""What the ``sources`` view shows: where each tool's logs were found and how reading went."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.services.context import Context
from tracker.services.importer import source_roots
from tracker.sources.registry import SOURCES
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
