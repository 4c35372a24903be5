"""The OTLP/HTTP receiver: tools export their usage to 127.0.0.1 and it is stored as events.

- Binds 127.0.0.1 only (never another interface); ``POST /v1/logs``, ``/v1/traces``,
  ``/v1/metrics`` and ``/`` (Gemini CLI posts every signal to the endpoint as given; the body
  says which it is). Protobuf (``application/x-protobuf``) and OTLP/JSON (``application/json``),
  optionally gzip-compressed (OTLP specification, "OTLP/HTTP").
- Every request carries the per-install token (``X-Tokenworth-Token: <token>`` or
  ``Authorization: Bearer <token>``), made once and kept 0600 in the data folder: another local
  user or a web page cannot post usage. Wrong or missing: 401.
- A body over ``max_body`` bytes (or inflating past ``MAX_INFLATE`` times that) is 413; one that
  cannot be decoded is 400 with the reason (the exporter does not retry those).
- Events go through the import writer in batches: requests arriving within ``flush_s`` share one
  transaction. A request is answered 200 (an empty export response) only once its events are
  committed, and 503 with ``Retry-After`` when the store cannot take them (locked, full), so the
  exporter sends them again; a retry's records have the same keys, so they are stored once.
- A call the tool's own logs hold too (Claude Code's transcripts, Codex's sessions …) counts
  once: each stored OTLP event is matched to the log events in the same transaction
  (``services.otlp_dedup``), and a log imported later replaces it (``store.otlp_events``).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import queue
import re
import secrets
import sqlite3
import threading
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tracker.core.atomic_write import write_text
from tracker.core.errors import TokenworthError
from tracker.core.paths import DataPaths
from tracker.core.reading import DocumentCursor, ReadResult
from tracker.core.settings_schema import OTLP_ENABLED, OTLP_PORT
from tracker.services.context import Context
from tracker.services.otlp_dedup import settle_events
from tracker.sources.otlp.decode_json import document_records
from tracker.sources.otlp.decode_proto import ProtoError, ProtoSignal, records, sniff
from tracker.sources.otlp.read import usage_of
from tracker.sources.otlp.records import Decoded
from tracker.sources.otlp.setup_env import TOKEN_HEADER
from tracker.store.db import connect
from tracker.store.import_state import FileIdentity
from tracker.store.writer import ImportWriter

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only: the receiver is for this machine's tools
DEFAULT_PORT = OTLP_PORT.default
MAX_BODY = 16 * 1024 * 1024  # the SDKs batch a few thousand records; far below this
MAX_INFLATE = 8  # a gzip body may inflate to this many times MAX_BODY, no more
FLUSH_S = 0.5
DRAIN_MAX = 64 * 1024 * 1024  # a refused body up to this size is read and dropped
REPLY_WAIT_S = 5.0  # below the exporters' default 10 s timeout
TOKEN_FILE = "otlp-token"  # noqa: S105 - the file name, not a token
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}")
_SIGNALS: dict[str, ProtoSignal | None] = {
    "/v1/logs": "logs",
    "/v1/traces": "traces",
    "/v1/metrics": "metrics",
    "/": None,
}
NO_IDENTITY = FileIdentity(0, 0, 0, 0, 0, "")


def receiver_path(source: str) -> str:
    """Where the receiver's events of ``source`` are kept in the files table (no file on disk)."""
    return f"otlp-receiver:{source}"


def receiver_token(paths: DataPaths) -> str:
    """The per-install token, made on first use and kept (0600) in the data folder."""
    path = paths.root / TOKEN_FILE
    paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        token = secrets.token_urlsafe(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:  # another process made it first: use its token
            return receiver_token(paths)
        with os.fdopen(fd, "w") as f:
            f.write(token + "\n")
        return token
    except OSError:  # a link planted there, or unreadable: replace it with a fresh token
        fd = -1
    text = ""
    if fd >= 0:
        with os.fdopen(fd) as f:
            text = f.read(256).strip()
    if _TOKEN_SHAPE.fullmatch(text):
        return text
    token = secrets.token_urlsafe(32)
    write_text(path, token + "\n")  # atomic, replaces (never follows) a link
    return token


class ReceiverError(TokenworthError):
    """The receiver cannot start (its port is taken)."""


class BadRequestError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class _Job:
    results: dict[str, ReadResult]
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


@dataclass
class ReceiverStats:
    requests: int = 0
    rejected: int = 0  # 4xx answers
    records: int = 0  # log records and spans decoded
    events: int = 0  # usage events handed to the writer (before dedup)
    in_logs: int = 0  # of them, calls the tools' own logs hold (not counted again)
    batches: int = 0  # transactions committed
    metric_points: int = 0


def split_by_source(result: ReadResult) -> dict[str, ReadResult]:
    out: dict[str, ReadResult] = {}
    for event in result.events:
        part = out.setdefault(event.source, ReadResult(DocumentCursor()))
        part.events.append(event)
        if event.session_id in result.sessions:
            part.sessions[event.session_id] = result.sessions[event.session_id]
    return out


class OtlpReceiver:
    """The server and its writer thread; ``start`` and ``stop`` from the owning thread."""

    def __init__(
        self,
        database: Path,
        token: str,
        *,
        port: int = DEFAULT_PORT,
        off: Collection[str] = (),
        flush_s: float = FLUSH_S,
        max_body: int = MAX_BODY,
        reply_wait_s: float = REPLY_WAIT_S,
    ) -> None:
        self.database = database
        self.token = token
        self.off = frozenset(off)
        self.flush_s = flush_s
        self.max_body = max_body
        self.reply_wait_s = reply_wait_s
        self._conn: sqlite3.Connection | None = None
        self.stats = ReceiverStats()
        self._stats_lock = threading.Lock()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        try:
            self._server = ThreadingHTTPServer((HOST, port), _handler_for(self))
        except OSError as exc:
            raise ReceiverError(
                f"cannot listen on {HOST}:{port} ({exc.strerror or exc}); another receiver or collector may "
                "use it: choose another port (--port N, or the setting otlp.port)"
            ) from None
        self._server.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> OtlpReceiver:
        """Open the store (a ``StoreError`` says why it cannot be) and start serving."""
        try:
            self._conn = connect(self.database)
        except BaseException:
            self._server.server_close()
            raise
        serve = (self._server.serve_forever, (0.1,))  # the poll interval bounds how long stop() waits
        for (target, args), name in ((serve, "otlp-server"), ((self._write_loop, ()), "otlp-writer")):
            thread = threading.Thread(target=target, args=args, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("OTLP receiver listening on %s", self.endpoint)
        return self

    def stop(self) -> None:
        """Stop taking requests, write what was received, and close."""
        if self._threads:
            self._server.shutdown()
            self._jobs.put(None)
            for thread in self._threads:
                thread.join()
            self._threads.clear()
        self._server.server_close()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def count(self, **added: int) -> None:
        with self._stats_lock:
            for name, n in added.items():
                setattr(self.stats, name, getattr(self.stats, name) + n)

    # The request side (server threads).

    def accept(self, path: str, headers: dict[str, str], read_body: Callable[[int], bytes]) -> tuple[int, bytes, str]:
        """Answer one POST: (status, body, content type). ``read_body(n)`` reads ``n`` bytes."""
        self.count(requests=1)
        try:
            decoded, json_reply = self._decode(path, headers, read_body)
        except BadRequestError as bad:
            self.count(rejected=1)
            return bad.status, bad.reason.encode(), "text/plain; charset=utf-8"
        result = usage_of(decoded, off=self.off)
        self.count(records=len(decoded.records), events=len(result.events), metric_points=decoded.metric_points)
        for line, reason in decoded.problems[:3]:
            log.info("OTLP request: record %d not usable: %s", line, reason)
        if result.events:
            job = _Job(split_by_source(result))
            self._jobs.put(job)
            if not job.done.wait(self.reply_wait_s) or not job.ok:
                # Not stored yet (or not at all): the exporter sends it again; same keys, stored once.
                return 503, b"the usage store is busy; retry", "text/plain; charset=utf-8"
        if json_reply:
            return 200, b"{}", "application/json"
        return 200, b"", "application/x-protobuf"

    def _decode(self, path: str, headers: dict[str, str], read_body: Callable[[int], bytes]) -> tuple[Decoded, bool]:
        route = urlsplit(path).path.rstrip("/") or "/"
        if route not in _SIGNALS:
            raise BadRequestError(404, f"no such endpoint {route!r}: use /v1/logs, /v1/traces, /v1/metrics or /")
        if not self._authorised(headers):
            raise BadRequestError(401, f"missing or wrong {TOKEN_HEADER} header (see 'tokenworth receive --print-env')")
        length_text = headers.get("content-length", "")
        if not length_text.isdigit():
            raise BadRequestError(411, "a Content-Length header is required")
        length = int(length_text)
        if length > self.max_body:
            raise BadRequestError(413, f"body of {length:,} bytes is over the {self.max_body:,}-byte limit")
        body = read_body(length)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding == "gzip":
            body = self._gunzip(body)
        elif encoding not in ("identity", ""):
            raise BadRequestError(415, f"content encoding {encoding!r} is not supported (gzip or none)")
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            try:
                doc = json.loads(body)
            except (ValueError, RecursionError) as exc:
                raise BadRequestError(400, f"body is not JSON: {exc}") from None
            if not isinstance(doc, dict):
                raise BadRequestError(400, "body is not an OTLP/JSON export request object")
            return document_records(doc), True
        if kind in ("application/x-protobuf", "application/protobuf"):
            try:
                signal = _SIGNALS[route] or sniff(body)
                return records(body, signal), False
            except ProtoError as exc:
                raise BadRequestError(400, str(exc)) from None
        raise BadRequestError(415, f"content type {kind or 'none'!r}: send application/x-protobuf or application/json")

    def _authorised(self, headers: dict[str, str]) -> bool:
        given = headers.get(TOKEN_HEADER.lower(), "")
        bearer = headers.get("authorization", "")
        if not given and bearer.lower().startswith("bearer "):
            given = bearer[7:].strip()
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def _gunzip(self, body: bytes) -> bytes:
        inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        limit = self.max_body * MAX_INFLATE
        try:
            out = inflate.decompress(body, limit)
        except zlib.error as exc:
            raise BadRequestError(400, f"body is not valid gzip ({exc})") from None
        if inflate.unconsumed_tail:
            raise BadRequestError(413, f"gzip body inflates past the {limit:,}-byte limit")
        if not inflate.eof:
            raise BadRequestError(400, "gzip body is truncated")
        return out

    # The writer side (one thread).

    def _write_loop(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                break
            jobs = [first]
            try:  # gather what arrives within the flush interval into the same transaction
                while True:
                    more = self._jobs.get(timeout=self.flush_s)
                    if more is None:
                        stopping = True
                        break
                    jobs.append(more)
            except queue.Empty:
                pass
            try:
                assert self._conn is not None  # opened by start() before this thread
                self._write(self._conn, jobs)
                ok = True
            except Exception:
                log.exception("OTLP receiver: could not store %d request(s); the exporters will retry", len(jobs))
                ok = False
            for job in jobs:
                job.ok = ok
                job.done.set()

    def _write(self, conn: sqlite3.Connection, jobs: list[_Job]) -> None:
        merged: dict[str, ReadResult] = {}
        for job in jobs:
            for source, result in job.results.items():
                into = merged.setdefault(source, ReadResult(DocumentCursor()))
                into.events.extend(result.events)
                into.sessions.update(result.sessions)
        in_logs = 0
        with ImportWriter(conn) as writer:
            for source, result in merged.items():
                if writer.add(receiver_path(source), source, NO_IDENTITY, result, restarted=False):
                    in_logs += settle_events(conn, result.events)  # before the commit: one transaction
        self.count(batches=1, in_logs=in_logs)


def _handler_for(receiver: OtlpReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the exporters expect
        server_version = "Tokenworth-OTLP"
        timeout = 60  # an idle or stalled connection is closed, never kept forever

        def do_POST(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            consumed = False

            def read(n: int) -> bytes:
                nonlocal consumed
                consumed = True
                return self.rfile.read(n)

            status, body, kind = receiver.accept(self.path, headers, read)
            if not consumed:
                self._drain(headers.get("content-length", ""))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if status == 503:
                self.send_header("Retry-After", "2")
            self.end_headers()
            self.wfile.write(body)

        def _drain(self, length_text: str) -> None:
            """Read and drop a refused request's body, so the client reads the answer cleanly and
            the connection can be kept; a huge one is not read (the connection is closed)."""
            length = int(length_text) if length_text.isdigit() else -1
            if length < 0 or length > DRAIN_MAX:
                self.close_connection = True
                return
            while length > 0:
                chunk = self.rfile.read(min(length, 1 << 16))
                if not chunk:
                    break
                length -= len(chunk)

        def do_GET(self) -> None:
            body = b"Tokenworth OTLP receiver: POST OTLP/HTTP to /v1/logs, /v1/traces, /v1/metrics\n"
            self.send_response(405)
            self.send_header("Allow", "POST")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            log.debug("OTLP %s: " + format, self.address_string(), *args)

    return Handler


def receiver_for(ctx: Context, port: int | None = None) -> OtlpReceiver:
    """A receiver for the user's data folder and settings (not started)."""
    config = ctx.source_config()
    ctx.paths.ensure()
    return OtlpReceiver(
        ctx.paths.database,
        receiver_token(ctx.paths),
        port=ctx.settings.value(OTLP_PORT) if port is None else port,
        off={sid for sid, on in config.enabled.items() if not on},
    )


def start_if_enabled(ctx: Context) -> OtlpReceiver | None:
    """The app's receiver: started when the setting ``otlp.enabled`` is on; a port that is taken
    or a store that cannot be opened is logged (the app runs on without it)."""
    if not ctx.settings.value(OTLP_ENABLED):
        return None
    try:
        return receiver_for(ctx).start()
    except (TokenworthError, OSError) as exc:
        log.warning("OTLP receiver not started: %s", exc)
        return None
