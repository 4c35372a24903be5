"""Every format ``tokenworth import FILE`` recognises, tried in this order (the first that
recognises a file reads it)."""

from __future__ import annotations

from tracker.sources.exports import otlp_file
from tracker.sources.exports.format import ExportFormat

# Each format module adds its ``FORMAT`` here, one line each.
FORMATS: tuple[ExportFormat, ...] = (
    *otlp_file.FORMATS,  # OTLP JSON lines, Copilot's and Gemini CLI's OTel files
)
