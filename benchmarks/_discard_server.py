"""A tiny HTTP server that reads each request body and keeps nothing: the upload benchmark's counterpart.

It runs in its own process on 127.0.0.1 (ephemeral port), reads every request body in 1 MiB chunks and
answers like EigenPal's run endpoint, ``201 {"executionId": "exec_bench", "receivedBytes": n}``;
``receivedBytes`` lands in the response model's ``additional_properties`` and proves the body arrived.
``write_zeros`` writes the file to upload (real zeros, not sparse).
"""

from __future__ import annotations

import json
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MIB = 1024 * 1024
WRITE_CHUNK_BYTES = 8 * MIB
READ_CHUNK_BYTES = 1 * MIB
HOST = "127.0.0.1"


class DiscardingHandler(BaseHTTPRequestHandler):
    """Reads the request body in chunks, keeps nothing, answers like the run endpoint."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        received = self._discard_chunked() if self._is_chunked() else self._discard(self._content_length())
        # receivedBytes lands in the response model's additional_properties: proof the body really arrived.
        body = json.dumps({"executionId": "exec_bench", "receivedBytes": received}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _is_chunked(self) -> bool:
        return "chunked" in self.headers.get("Transfer-Encoding", "").lower()

    def _content_length(self) -> int:
        return int(self.headers.get("Content-Length", "0"))

    def _discard(self, length: int) -> int:
        left = length
        while left > 0:
            chunk = self.rfile.read(min(READ_CHUNK_BYTES, left))
            if not chunk:
                break
            left -= len(chunk)
        return length - left

    def _discard_chunked(self) -> int:
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return total
            total += self._discard(size)
            self.rfile.readline()  # the CRLF after each chunk

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the parent reads the port from stdout


def serve() -> None:
    server = ThreadingHTTPServer((HOST, 0), DiscardingHandler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


def start_discard_server() -> tuple[subprocess.Popen[str], str]:
    """The server in a child process, and its base URL."""
    process = subprocess.Popen([sys.executable, __file__], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the benchmark server did not start (got {line!r})")
    return process, f"http://{HOST}:{int(line.split()[1])}"


def write_zeros(path: Path, size_mib: int) -> None:
    chunk = bytes(WRITE_CHUNK_BYTES)
    left = size_mib * MIB
    with path.open("wb") as handle:
        while left > 0:
            handle.write(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))


if __name__ == "__main__":
    serve()
