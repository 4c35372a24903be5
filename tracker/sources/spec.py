"""What a source declares: the registry's data, and the three reader contracts.

A tool is one module that builds a ``SourceSpec`` and one entry in ``registry``. The spec
says where the tool keeps its data on each OS (``Root``), which files there hold usage and
how each kind of file is read (``Part``). Everything else — settings, the watcher, the
``--source`` choices, the Sources page, the report's method — is derived from the specs.

Reader kinds (``Kind``); a part's ``reader`` implements the matching protocol:

- ``JSONL``: append-only JSON lines, read incrementally from a byte offset
  (``JsonlReader``: the block-decoding ``LineFormat`` of ``sources.jsonl``).
- ``DOCUMENT``: a whole file that the tool rewrites in place (a JSON document, a
  compressed archive). Re-read whole when it changed; the reader turns its bytes into
  records (``DocumentReader``). Records are keyed by the tool's own ids, so a rewrite never
  counts twice and a truncation never deletes what was stored.
- ``SQLITE``: another tool's database, opened read-only by the importer
  (``file:…?mode=ro``); the reader queries it (``SqliteReader``), probing the schema, and
  returns the marks (e.g. the largest rowid or update time it saw) it wants back next time.

Every reader fills a ``ReadResult`` through ``sources.normalize.add_usage``, which holds the
one token contract and the range checks; it never raises for bad content (count and skip).
"""

from __future__ import annotations

import enum
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tracker.core.reading import ReadResult

if TYPE_CHECKING:
    from tracker.sources.jsonl import LineFormat


class Kind(enum.StrEnum):
    JSONL = "jsonl"
    DOCUMENT = "document"
    SQLITE = "sqlite"


class JsonlReader(Protocol):
    # Every line the parser needs contains one of these; other lines are not decoded.
    needles: tuple[bytes, ...]
    # The same lines as typed records, decoded a block at a time (None: line by line only).
    line_format: LineFormat[Any] | None

    def start_context(self, path: Path) -> dict[str, Any]:
        """Parser context for reading ``path`` from its first byte."""
        ...

    def parse_line(self, line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        """Turn one complete line into records on ``result``."""
        ...


class DocumentReader(Protocol):
    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        """Turn the whole file's bytes into records on ``result``; never raises for bad content."""
        ...


class SqliteReader(Protocol):
    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        """Read what is new since ``marks`` (empty: everything) from a read-only connection;
        return the marks for next time. A missing table or column means "nothing here"."""
        ...


Reader = JsonlReader | DocumentReader | SqliteReader

PLATFORMS = ("linux", "darwin", "win32")


@dataclass(frozen=True)
class Root:
    """One folder where a tool keeps its data.

    ``path`` is a template: ``~`` is the home folder; ``{config}``, ``{data}``, ``{state}``
    and ``{cache}`` are the platform's base folders (XDG on Linux, honouring
    ``XDG_*_HOME``; ``~/Library/Application Support`` (config, data, state) and
    ``~/Library/Caches`` on macOS; ``%APPDATA%`` (config) and ``%LOCALAPPDATA%`` (data, state,
    cache) on Windows). When ``env`` is set in the environment its value replaces the template
    (a comma-separated list if ``env_list``), with ``env_sub`` appended to each folder.
    ``platforms`` limits the root to some OSes (``sys.platform`` values).
    """

    path: str
    env: str | None = None
    env_sub: str = ""
    env_list: bool = False
    platforms: tuple[str, ...] = PLATFORMS


@dataclass(frozen=True)
class Part:
    """One kind of file a source reads, found below each of its roots."""

    name: str  # stable within the source; stored with each file ("transcripts", "db", …)
    kind: Kind
    patterns: tuple[str, ...]  # file-name globs (fnmatch), matched in every folder below a root
    reader: Reader
    under: str = ""  # only below this sub-folder of a root ("" = anywhere below it)
    # Folder names never walked into for this part (e.g. caches beside the data).
    skip_dirs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceSpec:
    """A tool Tokenworth reads: the registry's entry."""

    id: str  # lower-case, one word or hyphenated: the ``--source`` value and JSON key
    label: str  # as the tool calls itself
    roots: tuple[Root, ...]
    parts: tuple[Part, ...]
    counts: str  # one sentence for the README table, the Sources page and the report's method
    # Cost shown for this tool is an API-equivalent estimate, not money the user spent
    # (e.g. Copilot bills premium requests, not tokens).
    api_equivalent_cost: bool = False
    env_vars: tuple[str, ...] = field(default=())  # derived from roots when empty

    def all_env_vars(self) -> tuple[str, ...]:
        return self.env_vars or tuple(dict.fromkeys(r.env for r in self.roots if r.env))


def base_dirs(home: Path, env: Mapping[str, str], platform: str = sys.platform) -> dict[str, Path]:
    """The platform base folders a ``Root`` template may name, from ``home`` and ``env``."""

    def pick(var: str, default: Path) -> Path:
        value = env.get(var, "").strip()
        return Path(value).expanduser() if value and Path(value).is_absolute() else default

    if platform == "darwin":
        support = home / "Library" / "Application Support"
        return {"config": support, "data": support, "state": support, "cache": home / "Library" / "Caches"}
    if platform == "win32":
        roaming = pick("APPDATA", home / "AppData" / "Roaming")
        local = pick("LOCALAPPDATA", home / "AppData" / "Local")
        return {"config": roaming, "data": local, "state": local, "cache": local}
    return {
        "config": pick("XDG_CONFIG_HOME", home / ".config"),
        "data": pick("XDG_DATA_HOME", home / ".local" / "share"),
        "state": pick("XDG_STATE_HOME", home / ".local" / "state"),
        "cache": pick("XDG_CACHE_HOME", home / ".cache"),
    }


def expand_root(root: Root, home: Path, env: Mapping[str, str], platform: str = sys.platform) -> list[Path]:
    """The folders ``root`` names here (existing or not)."""
    if platform not in root.platforms:
        return []
    if root.env and env.get(root.env, "").strip():
        raw = env[root.env]
        values = [v.strip() for v in raw.split(",")] if root.env_list else [raw.strip()]
        return [Path(v).expanduser() / root.env_sub if root.env_sub else Path(v).expanduser() for v in values if v]
    text = root.path
    if text == "~" or text.startswith("~/"):
        text = str(home) + text[1:]
    for name, folder in base_dirs(home, env, platform).items():
        text = text.replace("{" + name + "}", str(folder))
    return [Path(text)]


def spec_roots(
    spec: SourceSpec, home: Path, env: Mapping[str, str], extra: Sequence[Path] = (), platform: str = sys.platform
) -> list[Path]:
    """Every folder ``spec`` reads here, in declaration order then the user's extra folders,
    each once. A root moved by its environment variable replaces only that root."""
    out: list[Path] = []
    for root in spec.roots:
        for p in expand_root(root, home, env, platform):
            if p not in out:
                out.append(p)
    for p in extra:
        if p not in out:
            out.append(p)
    return out
