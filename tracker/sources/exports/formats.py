"""Every format ``tokenworth import FILE`` recognises, tried in this order (the first that
recognises a file reads it)."""

from __future__ import annotations

from tracker.sources.exports import chat_exports, otlp_file
from tracker.sources.exports.format import ExportFormat

# Each format module adds its ``FORMAT`` here, one line each.
FORMATS: tuple[ExportFormat, ...] = (
    chat_exports.CHATGPT,
    chat_exports.CLAUDE_AI,
    *otlp_file.FORMATS,  # OTLP JSON lines, Copilot's and Gemini CLI's OTel files
)
