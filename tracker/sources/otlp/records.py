"""One OTLP log record or span, flattened: what the mapping reads, whatever the encoding.

OTLP nests records as resource → scope → records, with typed ``AnyValue`` attributes;
here a record carries its resource's and its own attributes as plain Python values (ints,
floats, strings, bools, lists, dicts), its ids as lower-case hex and its time in nanoseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Signal = Literal["log", "span"]


@dataclass(frozen=True)
class Record:
    signal: Signal
    name: str  # a log's event name (``event.name``, ``eventName``, a string body); a span's name
    attrs: Mapping[str, object]
    resource: Mapping[str, object]
    time_ns: int  # a log's time (else when it was observed); a span's end (else its start)
    trace_id: str = ""  # hex, "" when absent
    span_id: str = ""
    body: str = ""  # a log's body when it is a string
    line_no: int = 0  # the file line (or request) it came from, for skip messages

    @property
    def service(self) -> str:
        value = self.resource.get("service.name", self.attrs.get("service.name", ""))
        return value if isinstance(value, str) else ""


@dataclass
class Decoded:
    """Everything one OTLP request (or one file) held."""

    records: list[Record] = field(default_factory=list)
    metric_points: int = 0  # data points of metrics (never stored: see ``mapping``)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of unusable parts

    def extend(self, other: Decoded) -> None:
        self.records.extend(other.records)
        self.metric_points += other.metric_points
        self.problems.extend(other.problems)


def event_name(attrs: Mapping[str, object], field_name: object, body: object) -> str:
    """A log record's event name: the ``event.name`` attribute, then the record's
    ``eventName`` field (newer SDKs), then a string body (older Claude Code puts
    ``claude_code.api_request`` there)."""
    for value in (attrs.get("event.name"), field_name, body):
        if isinstance(value, str) and value:
            return value
    return ""
