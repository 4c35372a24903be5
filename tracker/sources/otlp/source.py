"""The registry entry for usage that arrives over OpenTelemetry from a sender that is not one
of the known tools (``gen_ai.usage.*`` spans): it has no local logs to find."""

from __future__ import annotations

from tracker.sources.spec import SourceSpec

SPEC = SourceSpec(
    id="otel",
    label="OpenTelemetry (gen_ai)",
    roots=(),
    parts=(),
    counts=(
        "Per-call gen_ai.usage.* spans of any other OpenTelemetry sender, from OTLP files "
        "(tokenworth import FILE) or the OTLP receiver (tokenworth receive); no local logs."
    ),
)
