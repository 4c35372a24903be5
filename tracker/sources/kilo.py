"""Kilo Code: the VS Code extension ``kilocode.kilo-code`` and the Kilo CLI (an OpenCode fork).

Two parts under one source id: the extension's task folders under every VS Code-family
editor (``cline_tasks``, Roo-style cache rules with Kilo's own change date) and the CLI's
``kilo.db`` in ``$XDG_DATA_HOME/kilo`` (``~/.local/share/kilo`` elsewhere; ``KILO_DATA_DIR``,
comma-separated, as ccusage reads it) in the OpenCode layout (``opencode_readers``).
"""

from __future__ import annotations

from tracker.sources.cline_tasks import TaskMessages
from tracker.sources.opencode_readers import OpenCodeDatabase, OpenCodeMessageFiles
from tracker.sources.opencode_usage import Origin
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.vscode_family import extension_roots

NAME = "kilo"
EXTENSION_ID = "kilocode.kilo-code"
CLI = Origin(source=NAME, tag="kilo-cli")
DB_PATTERNS = ("kilo.db", "kilo-*.db")
# Folders that never hold a database: task folders, OpenCode-layout snapshots (git repos).
NOT_DB = ("tasks", "checkpoints", "storage", "snapshot", "log", "bin", "tool-output", "worktree")

SPEC = SourceSpec(
    id=NAME,
    label="Kilo Code",
    roots=(
        Root("{data}/kilo", env="KILO_DATA_DIR", env_list=True, platforms=("linux",)),
        Root("~/.local/share/kilo", env="KILO_DATA_DIR", env_list=True, platforms=("darwin", "win32")),
        *extension_roots(EXTENSION_ID),
    ),
    parts=(
        Part("tasks", Kind.DOCUMENT, ("ui_messages.json",), TaskMessages(NAME, "kilo", "kilo"), under="tasks"),
        Part("cli-db", Kind.SQLITE, DB_PATTERNS, OpenCodeDatabase(CLI), skip_dirs=NOT_DB),
        Part(
            "cli-messages", Kind.DOCUMENT, ("*.json",), OpenCodeMessageFiles(CLI, DB_PATTERNS), under="storage/message"
        ),
    ),
    counts=(
        "Each API request of each extension task and each Kilo CLI model step once; cached tokens "
        "are taken out of input where Kilo counts them inside it; Kilo's own cost is kept."
    ),
)
