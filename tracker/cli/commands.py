"""The commands, by name: the module that registers each and its one-line help.

``--help`` and an unknown command list every command from this table alone; only the chosen
command's module is imported (a warm ``usage daily`` must not pay for ``task`` or ``reconcile``).
``tests/cli/test_commands.py`` keeps the table equal to what the modules register.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    module: str  # registers the command: ``register(subparsers)``
    help: str  # the line ``tokenworth --help`` shows, as the module's own ``add_parser`` gives it


COMMANDS: dict[str, Command] = {
    "import": Command(
        "tracker.cli.import_cmd", "read new lines from every detected tool's logs, or import export files"
    ),
    "usage": Command("tracker.cli.usage_cmd", "tokens and cost by day, week, month, session or project"),
    "sources": Command("tracker.cli.sources_cmd", "where each tool's logs are and how reading them went"),
    "task": Command("tracker.cli.task_cmd", "log, list and link the work your tokens went into"),
    "report": Command("tracker.cli.report_cmd", "a summary of outcomes and AI usage, for your manager"),
    "config": Command("tracker.cli.config_cmd", "show or change settings"),
    "export-bundle": Command(
        "tracker.cli.bundle_cmd",
        "write this machine's stored usage (metadata only) for importing on another machine",
    ),
    "receive": Command(
        "tracker.cli.receive_cmd", "receive usage over OpenTelemetry (OTLP/HTTP on 127.0.0.1) until stopped"
    ),
    "keys": Command("tracker.cli.keys_cmd", "usage-API keys (kept in the OS keyring, never in files)"),
    "sync": Command("tracker.cli.sync_cmd", "fetch usage from the provider APIs whose keys are set ('keys set')"),
    "reconcile": Command(
        "tracker.cli.reconcile_cmd", "bill vs logs: provider figures beside the local logs, per day and model"
    ),
}

# The top-level options that take a value: the word after them is not the command.
VALUE_OPTIONS = frozenset({"--data-dir"})


def chosen(argv: list[str] | tuple[str, ...]) -> str | None:
    """The command ``argv`` names (its first word that is not a top-level option or an
    option's value), if it is one of ``COMMANDS``; None otherwise."""
    words = iter(argv)
    for word in words:
        if word == "--":
            word = next(words, "")
            return word if word in COMMANDS else None
        if word.startswith("-"):
            # argparse also takes an unambiguous prefix (``--data D``) as the option itself.
            if word.startswith("--") and "=" not in word and any(o.startswith(word) for o in VALUE_OPTIONS):
                next(words, None)
            continue
        return word if word in COMMANDS else None
    return None
