"""Cline (VS Code extension ``saoudrizwan.claude-dev``, and its standalone/JetBrains host).

Task folders under every VS Code-family editor (``vscode_family``) and ``~/.cline/data``
(``CLINE_DIR``, as Cline itself reads it). Reading, token mapping and key: ``cline_tasks``.
"""

from __future__ import annotations

from tracker.sources.cline_tasks import TaskMessages
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.vscode_family import extension_roots

NAME = "cline"
EXTENSION_ID = "saoudrizwan.claude-dev"

SPEC = SourceSpec(
    id=NAME,
    label="Cline",
    roots=(*extension_roots(EXTENSION_ID), Root("~/.cline/data", env="CLINE_DIR", env_sub="data")),
    parts=(Part("tasks", Kind.DOCUMENT, ("ui_messages.json",), TaskMessages(NAME, "cl", "cline"), under="tasks"),),
    counts=(
        "Each API request of each task once, in every editor that has Cline; cached tokens are "
        "taken out of input for the providers that report them inside it; Cline's own cost is kept."
    ),
)
