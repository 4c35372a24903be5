"""OTLP/JSON and the SDK-object JSON that some tools' file exporters write, as ``Record``s.

OTLP/JSON is not protobuf's usual JSON (so ``json_format.Parse`` would misread it): trace
and span ids are hex, 64-bit integers are decimal strings (numbers are accepted too), enums
are integers and keys lowerCamelCase (the OTLP specification, "JSON Protobuf Encoding").
A request object holds ``resourceLogs`` / ``resourceSpans`` / ``resourceMetrics``.

The SDK-object style is one SDK span or log record serialized as it is in memory: GitHub
Copilot's file exporter writes ``{"type": "span", "traceId": …, "attributes": {…plain
values…}, "startTime": [s, ns]}`` lines; Gemini CLI's ``outfile`` writes the JS SDK's
``ReadableLogRecord``/``ReadableSpan`` objects pretty-printed (``hrTime``, ``_body``,
``_spanContext``). Both carry attributes as a plain object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.sources.otlp.records import Decoded, Record, event_name

MAX_DEPTH = 8  # nested AnyValues deeper than this are not usage (and could be hostile)


def any_value(value: object, depth: int = 0) -> object:
    """One OTLP/JSON ``AnyValue`` as a Python value (None when empty or unreadable)."""
    if not isinstance(value, Mapping) or depth > MAX_DEPTH:
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        return _int(value["intValue"])
    if "doubleValue" in value:
        v = value["doubleValue"]
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else _float(v)
    if "boolValue" in value:
        return value["boolValue"] if isinstance(value["boolValue"], bool) else None
    if "arrayValue" in value:
        items = value["arrayValue"].get("values", []) if isinstance(value["arrayValue"], Mapping) else []
        return [any_value(v, depth + 1) for v in items] if isinstance(items, list) else None
    if "kvlistValue" in value:
        kv = value["kvlistValue"]
        return key_values(kv.get("values", []), depth + 1) if isinstance(kv, Mapping) else None
    if "bytesValue" in value:
        return value["bytesValue"]  # base64 text; never usage
    return None


def key_values(items: object, depth: int = 0) -> dict[str, object]:
    """An OTLP/JSON ``KeyValue`` list as a dict (later duplicates win, as in the SDKs)."""
    out: dict[str, object] = {}
    if isinstance(items, list):
        for kv in items:
            if isinstance(kv, Mapping) and isinstance(kv.get("key"), str):
                out[kv["key"]] = any_value(kv.get("value"), depth)
    elif isinstance(items, Mapping):  # SDK-object style: already a plain object
        out.update({str(k): v for k, v in items.items()})
    return out


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 24:
        return int(value)
    return None


def _float(value: object) -> float | None:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _nanos(value: object) -> int:
    """A ``*UnixNano`` field (decimal string or number), or an SDK ``[seconds, nanos]`` pair."""
    if isinstance(value, list) and len(value) == 2:
        s, ns = _int(value[0]), _int(value[1])
        return s * 1_000_000_000 + ns if s is not None and ns is not None and s >= 0 and ns >= 0 else 0
    n = _int(value)
    return n if n is not None and n > 0 else 0


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def request_records(doc: Mapping[str, Any], line_no: int = 0) -> Decoded:
    """Every record of one OTLP/JSON export request (any of the three signals)."""
    out = Decoded()
    for rl in _list(doc.get("resourceLogs")):
        resource = _resource(rl)
        for sl in _list(rl.get("scopeLogs")) + _list(rl.get("instrumentationLibraryLogs")):
            for lr in _list(sl.get("logRecords")):
                attrs = key_values(lr.get("attributes"))
                body = any_value(lr.get("body"))
                out.records.append(
                    Record(
                        "log", event_name(attrs, lr.get("eventName"), body), attrs, resource,
                        _nanos(lr.get("timeUnixNano")) or _nanos(lr.get("observedTimeUnixNano")),
                        _text(lr.get("traceId")).lower(), _text(lr.get("spanId")).lower(),
                        body if isinstance(body, str) else "", line_no,
                    )
                )  # fmt: skip
    for rs in _list(doc.get("resourceSpans")):
        resource = _resource(rs)
        for ss in _list(rs.get("scopeSpans")) + _list(rs.get("instrumentationLibrarySpans")):
            for sp in _list(ss.get("spans")):
                out.records.append(
                    Record(
                        "span", _text(sp.get("name")), key_values(sp.get("attributes")), resource,
                        _nanos(sp.get("endTimeUnixNano")) or _nanos(sp.get("startTimeUnixNano")),
                        _text(sp.get("traceId")).lower(), _text(sp.get("spanId")).lower(), line_no=line_no,
                    )
                )  # fmt: skip
    for rm in _list(doc.get("resourceMetrics")):
        for sm in _list(rm.get("scopeMetrics")) + _list(rm.get("instrumentationLibraryMetrics")):
            for metric in _list(sm.get("metrics")):
                out.metric_points += _metric_points(metric)
    return out


def _metric_points(metric: Mapping[str, Any]) -> int:
    for kind in ("sum", "gauge", "histogram", "exponentialHistogram", "summary"):
        data = metric.get(kind)
        if isinstance(data, Mapping):
            return len(_list(data.get("dataPoints")))
    return len(_list(metric.get("dataPoints")))


def _list(value: object) -> list[Any]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _resource(parent: Mapping[str, Any]) -> dict[str, object]:
    res = parent.get("resource")
    if not isinstance(res, Mapping):
        return {}
    if "attributes" in res:
        return key_values(res["attributes"])
    # The JS SDK's Resource object serialized as it is in memory.
    for name in ("_memoizedAttributes", "_attributes", "_syncAttributes"):
        if isinstance(res.get(name), Mapping):
            return key_values(res[name])
    raw = res.get("_rawAttributes")
    if isinstance(raw, list):
        return {str(p[0]): p[1] for p in raw if isinstance(p, list) and len(p) == 2}
    return {}


def is_request(doc: Mapping[str, Any]) -> bool:
    return any(k in doc for k in ("resourceLogs", "resourceSpans", "resourceMetrics"))


def sdk_record(doc: Mapping[str, Any], line_no: int = 0) -> Decoded:
    """One SDK-object span, log record or metric batch (Copilot's and Gemini's file exporters)."""
    out = Decoded()
    kind = doc.get("type")
    if kind == "metric" or "scopeMetrics" in doc or "dataPoints" in doc:
        points = _list(doc.get("dataPoints"))
        out.metric_points += len(points) or sum(
            len(_list(m.get("dataPoints"))) for sm in _list(doc.get("scopeMetrics")) for m in _list(sm.get("metrics"))
        )
        return out
    attrs = key_values(doc.get("attributes"))
    resource = _resource(doc)
    context = doc.get("spanContext", doc.get("_spanContext"))
    ctx = context if isinstance(context, Mapping) else {}
    trace_id = _text(doc.get("traceId")) or _text(ctx.get("traceId"))
    span_id = _text(doc.get("spanId")) or _text(ctx.get("spanId"))
    is_log = kind == "log" or (kind != "span" and ("hrTime" in doc or "_body" in doc or "body" in doc))
    if is_log:
        body = doc.get("body", doc.get("_body"))
        name = event_name(attrs, doc.get("eventName", doc.get("_eventName")), body)
        when = _nanos(doc.get("hrTime")) or _nanos(doc.get("timestamp")) or _nanos(doc.get("hrTimeObserved"))
        out.records.append(
            Record("log", name, attrs, resource, when, trace_id.lower(), span_id.lower(),
                   body if isinstance(body, str) else "", line_no)
        )  # fmt: skip
    else:
        when = _nanos(doc.get("endTime")) or _nanos(doc.get("startTime"))
        out.records.append(
            Record("span", _text(doc.get("name")), attrs, resource, when, trace_id.lower(), span_id.lower(),
                   line_no=line_no)
        )  # fmt: skip
    return out


def document_records(doc: object, line_no: int = 0) -> Decoded:
    """Whatever one JSON object holds: an OTLP request, an SDK object, or nothing usable."""
    if not isinstance(doc, Mapping):
        out = Decoded()
        out.problems.append((line_no, "a JSON value that is not an object"))
        return out
    if is_request(doc):
        return request_records(doc, line_no)
    if (
        isinstance(doc.get("attributes"), Mapping)
        or doc.get("type") in ("span", "log", "metric")
        or "scopeMetrics" in doc
    ):
        return sdk_record(doc, line_no)
    out = Decoded()
    out.problems.append((line_no, "a JSON object that is neither an OTLP request nor an SDK span or log record"))
    return out


def file_records(text: str) -> Decoded:
    """Every record of a file of JSON objects: JSON lines (the OTLP file exporter, Copilot's
    exporter) or objects written one after another, pretty-printed (Gemini CLI's ``outfile``).
    An object cut off at the end (a file still being written) is a problem, not an error."""
    import json  # deferred: the receiver's protobuf path never needs it

    decoder = json.JSONDecoder()
    out = Decoded()
    pos, end, line_no = 0, len(text), 1
    while True:
        start = pos
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        line_no += text.count("\n", start, pos)
        if pos >= end:
            return out
        try:
            doc, after = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            following = text.find("\n{", pos)  # the next object starts a line
            if following < 0 and not text.endswith("\n"):  # writers end every record with a newline
                out.problems.append((line_no, "an incomplete last record (the file may still be being written)"))
                return out
            out.problems.append((line_no, f"not JSON ({exc.msg})"))
            if following < 0:
                return out
            line_no += text.count("\n", pos, following + 1)
            pos = following + 1
            continue
        out.extend(document_records(doc, line_no))
        line_no += text.count("\n", pos, after)
        pos = after
