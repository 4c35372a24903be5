"""OTLP/protobuf export requests as ``Record``s, through ``opentelemetry-proto``'s generated
classes (imported on first use: only the receiver decodes protobuf)."""

from __future__ import annotations

from typing import Any, Literal

from tracker.sources.otlp.records import Decoded, Record, event_name

ProtoSignal = Literal["logs", "traces", "metrics"]
MAX_DEPTH = 8


class ProtoError(ValueError):
    """The body is not a protobuf message of the expected kind."""


def _classes() -> dict[ProtoSignal, Any]:
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    return {
        "logs": ExportLogsServiceRequest,
        "traces": ExportTraceServiceRequest,
        "metrics": ExportMetricsServiceRequest,
    }


def any_value(value: Any, depth: int = 0) -> object:
    kind = value.WhichOneof("value")
    if kind is None or depth > MAX_DEPTH:
        return None
    if kind == "array_value":
        return [any_value(v, depth + 1) for v in value.array_value.values]
    if kind == "kvlist_value":
        return key_values(value.kvlist_value.values, depth + 1)
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def key_values(items: Any, depth: int = 0) -> dict[str, object]:
    return {kv.key: any_value(kv.value, depth) for kv in items}


def parse(body: bytes, signal: ProtoSignal) -> Any:
    try:
        return _classes()[signal].FromString(body)
    except Exception as exc:  # protobuf's DecodeError and the C extension's own errors
        raise ProtoError(f"not an OTLP {signal} protobuf message ({type(exc).__name__})") from None


def sniff(body: bytes) -> ProtoSignal:
    """Which export request ``body`` is, for senders that post every signal to ``/`` (Gemini
    CLI). The three requests share their outer field numbers, so each is tried: read as the
    wrong kind, fields of the wrong wire type become unknown fields, and the message that
    keeps the most of the body once those are dropped is the one sent."""
    best: tuple[int, ProtoSignal] | None = None
    for signal in ("logs", "traces", "metrics"):
        try:
            msg = parse(body, signal)
        except ProtoError:
            continue
        msg.DiscardUnknownFields()
        size = msg.ByteSize()
        if size == len(body):
            return signal
        if best is None or size > best[0]:
            best = (size, signal)
    if best is None:
        raise ProtoError("not an OTLP logs, traces or metrics protobuf message")
    return best[1]


def records(body: bytes, signal: ProtoSignal) -> Decoded:
    """Every record of one protobuf export request."""
    msg = parse(body, signal)
    out = Decoded()
    if signal == "logs":
        for rl in msg.resource_logs:
            resource = key_values(rl.resource.attributes)
            for sl in rl.scope_logs:
                for lr in sl.log_records:
                    attrs = key_values(lr.attributes)
                    body_value = any_value(lr.body) if lr.HasField("body") else None
                    out.records.append(
                        Record(
                            "log", event_name(attrs, lr.event_name, body_value), attrs, resource,
                            lr.time_unix_nano or lr.observed_time_unix_nano,
                            lr.trace_id.hex(), lr.span_id.hex(),
                            body_value if isinstance(body_value, str) else "",
                        )
                    )  # fmt: skip
    elif signal == "traces":
        for rs in msg.resource_spans:
            resource = key_values(rs.resource.attributes)
            for ss in rs.scope_spans:
                for sp in ss.spans:
                    out.records.append(
                        Record(
                            "span", sp.name, key_values(sp.attributes), resource,
                            sp.end_time_unix_nano or sp.start_time_unix_nano, sp.trace_id.hex(), sp.span_id.hex(),
                        )
                    )  # fmt: skip
    else:
        for rm in msg.resource_metrics:
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    kind = metric.WhichOneof("data")
                    if kind is not None:
                        out.metric_points += len(getattr(metric, kind).data_points)
    return out
