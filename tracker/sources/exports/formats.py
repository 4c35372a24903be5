"""Every format ``tokenworth import FILE`` recognises, tried in this order (the first that
recognises a file reads it)."""

from __future__ import annotations

from tracker.sources.exports import (
    anthropic_console,
    chat_exports,
    copilot_premium,
    cursor,
    openai_usage,
    otlp_file,
)
from tracker.sources.exports.format import ExportFormat

# Each format module adds its ``FORMAT`` here, one line each.
FORMATS: tuple[ExportFormat, ...] = (
    cursor.FORMAT,
    anthropic_console.USAGE_FORMAT,
    anthropic_console.COST_FORMAT,
    openai_usage.FORMAT,
    copilot_premium.FORMAT,
    chat_exports.CHATGPT,
    chat_exports.CLAUDE_AI,
    *otlp_file.FORMATS,  # OTLP JSON lines, Copilot's and Gemini CLI's OTel files
)
