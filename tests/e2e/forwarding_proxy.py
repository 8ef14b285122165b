"""A small forwarding HTTP proxy on 127.0.0.1 for the proxy tests: it takes absolute-form requests
(``GET http://127.0.0.1:PORT/api/v1/workflows HTTP/1.1``, what a client sends to an HTTP proxy for an ``http://``
URL), sends each to its target and relays the answer, counting what passed. It can answer the first requests
with a 503 itself (``refuse_first``) or hold every request without answering (``stall``), to show retries and
deadlines through it."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade"}  # fmt: skip


class ForwardingProxy:
    """``with ForwardingProxy() as proxy:`` serves on ``proxy.url``; ``proxy.seen`` lists ``(method, url)``."""

    def __init__(self, *, refuse_first: int = 0, stall: bool = False) -> None:
        self.seen: list[tuple[str, str]] = []
        self.refuse_first = refuse_first
        self.stall = stall
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ForwardingProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _count(self, method: str, url: str) -> int:
        with self._lock:
            self.seen.append((method, url))
            return len(self.seen)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Forward(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests read ``seen``."""

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                number = proxy._count(self.command, self.path)
                if proxy.stall:
                    proxy.released.wait(timeout=60)
                    self.close_connection = True
                    return
                if number <= proxy.refuse_first:
                    self._answer(503, [("Retry-After", "0"), ("Content-Type", "text/plain")], b"proxy busy")
                    return
                target = urlsplit(self.path)
                path = target.path + (f"?{target.query}" if target.query else "")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=60)
                try:
                    upstream.request(self.command, path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
                    self._answer(answer.status, kept, data)
                finally:
                    upstream.close()

            def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        return Forward
