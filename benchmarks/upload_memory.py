"""Peak memory of the client while uploading a large file with ``client.workflows.run(..., input={"doc": Path})``.

Files are meant to be streamed from disk, never read into memory, so the client's peak RSS should stay flat as the
file grows. This script measures it:

- a tiny HTTP server runs in a separate process on 127.0.0.1 (ephemeral port); it reads and discards each request
  body in 1 MiB chunks and answers ``201 {"executionId": "exec_bench", "receivedBytes": n}``;
- every measurement runs the client in a fresh child process (this script with ``--child``), which reports its
  ``ru_maxrss`` (peak RSS, KiB on Linux) after the upload and the upload's wall time;
- a baseline child imports the client and makes one tiny JSON run (no file), to separate the interpreter and
  import overhead from what the upload costs;
- each measurement runs ``--repeats`` times (default 3); the table shows medians.

Usage: ``python benchmarks/upload_memory.py [--sizes 16,512] [--repeats 3]`` (sizes in MiB). The files are
written as real zeros in 8 MiB chunks (not sparse) into a temporary directory that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MIB = 1024 * 1024
WRITE_CHUNK_BYTES = 8 * MIB
READ_CHUNK_BYTES = 1 * MIB
HOST = "127.0.0.1"
CHILD_TIMEOUT_SECONDS = 120.0


# --- the server (its own process) ----------------------------------------------------------------------------


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


def start_server() -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the benchmark server did not start (got {line!r})")
    return process, int(line.split()[1])


# --- the client child (one process per measurement) ----------------------------------------------------------


def max_rss_mib() -> float:
    # ru_maxrss is KiB on Linux (bytes on macOS; this script reports Linux figures).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(port: int, file: str | None) -> None:
    from eigenpal_ext import EigenpalClient  # noqa: PLC0415 - imported here so the server process stays small

    client = EigenpalClient(
        api_key="eg_bench_0123456789",
        base_url=f"http://{HOST}:{port}",
        timeout_seconds=CHILD_TIMEOUT_SECONDS,
        max_retries=0,
        httpx_args={"trust_env": False},  # never through a proxy: 127.0.0.1 only
    )
    with client:
        rss_before = max_rss_mib()
        started = time.perf_counter()
        if file is None:
            triggered = client.workflows.run("bench-upload", input={"note": "baseline"})
        else:
            triggered = client.workflows.run("bench-upload", input={"doc": Path(file)})
        seconds = time.perf_counter() - started
    assert triggered.execution_id == "exec_bench"
    received = int(triggered.additional_properties["receivedBytes"])
    if file is not None and received < Path(file).stat().st_size:
        raise RuntimeError(f"the server received {received} bytes, less than the file's size")
    figures = {"rss_before_mib": rss_before, "peak_rss_mib": max_rss_mib(), "seconds": seconds, "received": received}
    print(json.dumps(figures))


# --- the parent ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    peak_rss_mib: float
    rss_before_mib: float
    seconds: float
    received_bytes: int


def measure(port: int, file: Path | None) -> Sample:
    command = [sys.executable, __file__, "--child", "--port", str(port)]
    if file is not None:
        command += ["--file", str(file)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_SECONDS, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"the client child failed:\n{completed.stderr}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return Sample(figures["peak_rss_mib"], figures["rss_before_mib"], figures["seconds"], figures["received"])


def median_sample(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.peak_rss_mib for s in samples),
        statistics.median(s.rss_before_mib for s in samples),
        statistics.median(s.seconds for s in samples),
        min(s.received_bytes for s in samples),
    )


def write_zeros(path: Path, size_mib: int) -> None:
    chunk = bytes(WRITE_CHUNK_BYTES)
    left = size_mib * MIB
    with path.open("wb") as handle:
        while left > 0:
            handle.write(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="16,512", help="file sizes in MiB, comma-separated (default 16,512)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve()
        return
    if args.child:
        child(args.port, args.file)
        return

    sizes = [int(value) for value in args.sizes.split(",")]
    began = time.perf_counter()
    print("Client peak RSS while uploading a file with workflows.run(..., input={'doc': Path(file)})")
    print(
        f"inputs: sizes {', '.join(map(str, sizes))} MiB (zeros, written in 8 MiB chunks); {args.repeats} runs each, "
        f"median shown; server on {HOST} in its own process; python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs"
    )
    server, port = start_server()
    try:
        baseline = median_sample([measure(port, None) for _ in range(args.repeats)])
        rows: list[tuple[str, Sample]] = [("baseline (JSON run, no file)", baseline)]
        with tempfile.TemporaryDirectory(prefix="eigenpal-upload-bench-") as directory:
            for size in sizes:
                file = Path(directory) / f"upload-{size}MiB.bin"
                write_zeros(file, size)
                rows.append((f"{size} MiB file", median_sample([measure(port, file) for _ in range(args.repeats)])))
                file.unlink()
    finally:
        server.terminate()
        server.wait(timeout=10)

    print()
    print(f"{'upload':<30} {'peak RSS MiB':>12} {'vs baseline':>12} {'seconds':>9} {'MiB/s':>9} {'body bytes':>12}")
    print("-" * 89)
    for (label, sample), size in zip(rows, [0, *sizes], strict=True):
        delta = sample.peak_rss_mib - baseline.peak_rss_mib
        speed = f"{size / sample.seconds:9.0f}" if size else f"{'-':>9}"
        print(
            f"{label:<30} {sample.peak_rss_mib:12.1f} {delta:+12.1f} {sample.seconds:9.3f} {speed} "
            f"{sample.received_bytes:>12d}"
        )
    print(
        f"\nRSS after imports and client setup, before any request: {baseline.rss_before_mib:.1f} MiB; "
        f"total benchmark time {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
