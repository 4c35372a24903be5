"""OpenTelemetry (OTLP) records as usage: decoding OTLP/JSON, OTLP/protobuf and the tools' own
file exporters into flat records (``decode_json``, ``decode_proto``), and mapping each tool's
per-call records to usage events (``mapping``). The receiver (``services.otlp_receiver``) and
the file formats (``sources.exports.otlp_file``) share them."""
