"""Which tools' own logs are read on this machine, for the setup text: their OTLP records are
matched call by call to the logs' events (``store.otlp_events``), so a call in both counts once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tracker.sources.otlp.mapping import TOOLS
from tracker.sources.registry import SOURCES
from tracker.sources.spec import spec_roots


def local_log_sources(
    home: Path,
    env: Mapping[str, str],
    enabled: Mapping[str, bool] | None = None,
    extra: Mapping[str, Sequence[Path]] | None = None,
) -> frozenset[str]:
    """The tools (of ``mapping.TOOLS``) that are enabled and have a log folder here."""
    found = set()
    for tool in TOOLS:
        spec = SOURCES.get(tool)
        if spec is None or not (enabled or {}).get(tool, True):
            continue
        if any(p.is_dir() for p in spec_roots(spec, home, env, (extra or {}).get(tool, ()))):
            found.add(tool)
    return frozenset(found)
