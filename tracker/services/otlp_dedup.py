"""OTLP usage counted once beside the tools' own logs: the calls in both are matched per call.

The receiver and the OTLP file import call ``settle_events`` right after the writer stored
their events; the log import calls ``store.otlp_events.match_new_log_events`` once at its end. The matching itself
(equal counts within a time window, one log event per call) is ``store.otlp_events``; which
events take part and by which rule comes from their keys (``sources.otlp.mapping.match_kind``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from tracker.core.records import UsageEvent
from tracker.sources.otlp.mapping import match_kind
from tracker.store.otlp_events import COUNTS, NEVER, SESSION, OtlpCall, settle

_RULES = {"session": SESSION, "counts": COUNTS, "never": NEVER}


def otlp_calls(events: Iterable[UsageEvent]) -> list[OtlpCall]:
    """The events that are OTLP records of a tool that may have local logs, with their rule."""
    out = []
    for e in events:
        kind = match_kind(e.dedup_key)
        if kind is not None:
            out.append(OtlpCall(e.dedup_key, _RULES[kind]))
    return out


def settle_events(conn: sqlite3.Connection, events: Iterable[UsageEvent]) -> int:
    """After the writer stored ``events`` (in its transaction): remove the OTLP ones whose call
    the logs hold already; how many. Events of other kinds are passed over."""
    return settle(conn, otlp_calls(events))
