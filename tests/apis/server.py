"""A real HTTP server on 127.0.0.1 that answers each path from a script of replies."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    body: Any = None  # dict/list: sent as JSON; bytes/str: sent as is
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server, for timeouts)
    cut: bool = False  # promise more bytes than are sent, then hang up (a body cut off)


@dataclass
class Seen:
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)


class ApiServer:
    """``script(path, reply, …)``: the replies are given in order, the last one repeats."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                server.seen.append(
                    Seen(
                        parts.path, urllib.parse.parse_qsl(parts.query), {k.lower(): v for k, v in self.headers.items()}
                    )
                )
                script = server.routes.get(parts.path)
                reply = (
                    (script.pop(0) if len(script) > 1 else script[0]) if script else Reply({"error": "no route"}, 404)
                )
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                raw = (
                    body
                    if isinstance(body, bytes)
                    else body.encode()
                    if isinstance(body, str)
                    else json.dumps(body).encode()
                )
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(raw) + (100 if reply.cut else 0)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def asked(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def start(self) -> ApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
