"""OpenCode: ``opencode*.db`` and legacy ``storage/message`` JSON in its data folder.

The data folder is ``$XDG_DATA_HOME/opencode`` (``~/.local/share/opencode``; OpenCode uses
the XDG layout on macOS and Windows too — anomalyco/opencode ``src/global/index.ts``), or
the folders named in ``OPENCODE_DATA_DIR`` (comma-separated, as ccusage reads it).
Token mapping, exact step sums and the fork-proof key: ``opencode_usage``; tables,
generations and incremental reads: ``opencode_readers``.
"""

from __future__ import annotations

from tracker.sources.opencode_readers import OpenCodeDatabase, OpenCodeMessageFiles
from tracker.sources.opencode_usage import Origin
from tracker.sources.spec import Kind, Part, Root, SourceSpec

NAME = "opencode"
ORIGIN = Origin(source=NAME, tag="oc")
DB_PATTERNS = ("opencode.db", "opencode-*.db")
# Folders of the data dir that never hold usage (snapshot/ holds whole git repositories).
NOT_USAGE = ("snapshot", "log", "bin", "tool-output", "worktree")

SPEC = SourceSpec(
    id=NAME,
    label="OpenCode",
    roots=(
        Root("{data}/opencode", env="OPENCODE_DATA_DIR", env_list=True, platforms=("linux",)),
        Root("~/.local/share/opencode", env="OPENCODE_DATA_DIR", env_list=True, platforms=("darwin", "win32")),
    ),
    parts=(
        Part("db", Kind.SQLITE, DB_PATTERNS, OpenCodeDatabase(ORIGIN), skip_dirs=("storage", *NOT_USAGE)),
        Part(
            "messages",
            Kind.DOCUMENT,
            ("*.json",),
            OpenCodeMessageFiles(ORIGIN, DB_PATTERNS),
            under="storage/message",
        ),
    ),
    counts=(
        "Each model request (every step of a message, summed from its step-finish parts), once "
        "even when a fork copies it; reasoning is counted as output; OpenCode's own cost is kept."
    ),
)
