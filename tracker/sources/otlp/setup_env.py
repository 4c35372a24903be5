"""What each tool needs set to send its usage to the receiver: shell lines for
``tokenworth receive --print-env`` and the Settings page.

Every line is a POSIX shell ``export`` (values quoted) or a ``#`` comment, so
``eval "$(tokenworth receive --print-env --tool claude-code)"`` works. The token travels in a
header of its own (``TOKEN_HEADER``), so the header list has no space to encode.
Tool variables per the tools' docs: Claude Code's monitoring page, Gemini CLI's
``docs/cli/telemetry.md``, Copilot's ``COPILOT_OTEL_*``, Codex's ``[otel]`` config table,
OpenClaw's ``diagnostics-otel`` plugin.
"""

from __future__ import annotations

import shlex
from collections.abc import Collection

from tracker.sources.otlp.mapping import CLAUDE, CODEX, COPILOT, GEMINI, GENERIC, LABELS, OPENCLAW

TOKEN_HEADER = "X-Tokenworth-Token"  # noqa: S105 - a header name, not a token
TOOL_IDS = (CLAUDE, CODEX, GEMINI, COPILOT, OPENCLAW, GENERIC)

# Each tool's own switches, beside the standard exporter variables.
_TOOL_VARS: dict[str, tuple[tuple[str, str], ...]] = {
    CLAUDE: (("CLAUDE_CODE_ENABLE_TELEMETRY", "1"), ("OTEL_LOGS_EXPORTER", "otlp")),
    GEMINI: (
        ("GEMINI_TELEMETRY_ENABLED", "true"),
        ("GEMINI_TELEMETRY_TARGET", "local"),
        ("GEMINI_TELEMETRY_OTLP_ENDPOINT", "{endpoint}"),
        ("GEMINI_TELEMETRY_OTLP_PROTOCOL", "http"),
        ("GEMINI_TELEMETRY_LOG_PROMPTS", "false"),
    ),
    COPILOT: (("COPILOT_OTEL_ENABLED", "true"), ("COPILOT_OTEL_EXPORTER_TYPE", "otlp-http")),
    OPENCLAW: (),
    GENERIC: (("OTEL_TRACES_EXPORTER", "otlp"),),
}


def _export(name: str, value: str) -> str:
    return f"export {name}={shlex.quote(value)}"


def tool_lines(tool: str, endpoint: str, token: str, local_logs: Collection[str] = ()) -> list[str]:
    """The lines for one tool (a ``TOOL_IDS`` member)."""
    lines = [f"# {LABELS[tool]}"]
    if tool in local_logs:
        lines.append(
            f"# {LABELS[tool]}'s own logs are read on this machine too: a call in both counts once "
            "(matched call by call); calls its logs lack (deleted logs, other machines) count from OTLP."
        )
    if tool == CODEX:
        # Codex takes its exporter from ~/.codex/config.toml, not from the environment.
        lines += [
            "# Codex reads its exporter from ~/.codex/config.toml; add:",
            "#   [otel]",
            f'#   exporter = {{ otlp-http = {{ endpoint = "{endpoint}/v1/logs", protocol = "binary", '
            f'headers = {{ "{TOKEN_HEADER.lower()}" = "{token}" }} }} }}',
        ]
        return lines
    if tool == OPENCLAW:
        lines.append("# first: openclaw plugins enable diagnostics-otel")
    for name, value in _TOOL_VARS[tool]:
        lines.append(_export(name, value.format(endpoint=endpoint)))
    lines += [
        _export("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        _export("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        _export("OTEL_EXPORTER_OTLP_HEADERS", f"{TOKEN_HEADER}={token}"),
    ]
    return lines


def env_text(tool: str | None, endpoint: str, token: str, local_logs: Collection[str] = ()) -> str:
    """The lines for ``tool``, or for every tool (blocks separated by a blank line)."""
    tools = (tool,) if tool else TOOL_IDS
    return "\n\n".join("\n".join(tool_lines(t, endpoint, token, local_logs)) for t in tools) + "\n"
