"""Roo Code (VS Code extension ``rooveterinaryinc.roo-cline``).

Task folders under every VS Code-family editor (``vscode_family``); a custom storage folder
(Roo's ``roo-cline.customStoragePath`` setting) is added as an extra path. Reading, token
mapping (cache inside ``tokensIn`` by version and protocol) and key: ``cline_tasks``.
"""

from __future__ import annotations

from tracker.sources.cline_tasks import TaskMessages
from tracker.sources.spec import Kind, Part, SourceSpec
from tracker.sources.vscode_family import extension_roots

NAME = "roo"
EXTENSION_ID = "rooveterinaryinc.roo-cline"

SPEC = SourceSpec(
    id=NAME,
    label="Roo Code",
    roots=extension_roots(EXTENSION_ID),
    parts=(Part("tasks", Kind.DOCUMENT, ("ui_messages.json",), TaskMessages(NAME, "roo", "roo"), under="tasks"),),
    counts=(
        "Each API request of each task once, in every editor that has Roo Code; cached tokens "
        "are taken out of input where Roo's version counts them inside it; Roo's own cost is kept."
    ),
)
