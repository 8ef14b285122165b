"""A 128 MiB upload, generated at test time, through real sockets: client and server memory stay flat.

The server is a separate process started with the CLI (``python -m eigenpal_ext.testing --port 0``);
the client runs in child processes so that each one's peak RSS is its own: a baseline child makes one
tiny JSON run, the upload child sends the file with ``run_and_wait("extract-invoice",
input={"contract_document": Path(file)})``. The server's peak RSS is ``VmHWM`` in ``/proc/<pid>/status``,
read before and after the upload.

Measuring a child's peak: each child reports ``ru_maxrss`` *and* its ``VmHWM``; the bound is on
``VmHWM``. On Linux, ``getrusage(RUSAGE_SELF).ru_maxrss`` keeps the high-water mark of the memory image
the process had before ``execve``, i.e. of the forking pytest process (about 100 MiB here), so both
children report pytest's size and that delta is 0 whatever the upload costs. ``VmHWM`` belongs to the
child's own address space, created by ``execve``.

Timings are printed, never asserted; the memory bounds are generous guards (64 MiB for a 128 MiB file:
a client or server that buffered the upload would need at least the whole file).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

MIB = 1024 * 1024
FILE_MIB = 128
WRITE_CHUNK_BYTES = 8 * MIB
MEMORY_GUARD_MIB = 64
START_TIMEOUT_SECONDS = 20.0
CHILD_TIMEOUT_SECONDS = 150.0
LISTENING = re.compile(r"^eigenpal-dev-server listening on (http://127\.0\.0\.1:\d+) \(API key: ([^,)]+)")

CHILD_SCRIPT = r"""
import json, re, resource, sys, time
from pathlib import Path

from eigenpal_ext import EigenpalClient

mode, base_url, api_key = sys.argv[1:4]
started = time.monotonic()
file_input = None
if mode == "runs":
    # The runs API, the file over multipart_max_bytes: negotiated, uploaded through the files API, sent as $fileId.
    with EigenpalClient(api_key=api_key, base_url=base_url + "/v1", request_timeout_seconds=120.0,
                        multipart_max_bytes=0) as client:
        ended = client.runs.run_and_wait(
            "workflows.extract-invoice", input={"contract_document": Path(sys.argv[4])}, timeout_seconds=120
        )
        file_input = client.runs.get(ended.run_id, expand="input").input_.args["contract_document"]
    execution_id, status, result, error = ended.run_id, ended.status, ended.output, ended.error
else:
    with EigenpalClient(api_key=api_key, base_url=base_url, request_timeout_seconds=120.0) as client:
        if mode == "upload":
            final = client.workflows.executions.run_and_wait(
                "extract-invoice", input={"contract_document": Path(sys.argv[4])}, timeout_seconds=120
            )
        else:
            final = client.workflows.executions.run_and_wait("echo", input={"tiny": True}, timeout_seconds=30)
    execution_id, status, result, error = final.execution_id, final.status, final.result, final.error
status_text = Path("/proc/self/status").read_text()
print(json.dumps({
    "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "vmhwm_kib": int(re.search(r"^VmHWM:\s+(\d+) kB", status_text, re.MULTILINE)[1]),
    "seconds": time.monotonic() - started,
    "execution_id": execution_id,
    "status": str(status),
    "result": result,
    "error": error,
    "file_input": file_input,
}))
"""


class CliServer:
    """``python -m eigenpal_ext.testing`` as a child process, with its URL read from its first line."""

    def __init__(self, tmp_path: Path) -> None:
        scratch = tmp_path / "server-tmp"  # the in-memory store keeps uploads in a temporary directory
        scratch.mkdir()
        self._stderr = (tmp_path / "server-stderr.txt").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eigenpal_ext.testing", "--port", "0", "--max-upload-mib", "1024"],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "TMPDIR": str(scratch)},
        )
        lines: queue.Queue[str | None] = queue.Queue()
        assert self.process.stdout is not None
        self._pump = threading.Thread(target=_pump, args=(self.process.stdout, lines), daemon=True)
        self._pump.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                pytest.fail(f"the server printed no listening line within {START_TIMEOUT_SECONDS}s")
            if line is None:
                self.stop()
                pytest.fail(f"the server exited with {self.process.returncode}")
            match = LISTENING.match(line)
            if match:
                self.base_url, self.api_key = match[1], match[2]
                return

    def peak_rss_mib(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        assert match, "no VmHWM in /proc/<pid>/status"
        return int(match[1]) / 1024

    def stop(self) -> None:
        # SIGINT is the server's clean shutdown: it closes the store and removes its temporary files.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._pump.join(timeout=5)  # it ends at EOF, now that the process is gone
        assert self.process.stdout is not None
        self.process.stdout.close()
        self._stderr.close()


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@pytest.fixture
def cli_server(tmp_path: Path) -> Iterator[CliServer]:
    server = CliServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def write_big_file(path: Path, mib: int) -> str:
    """``mib`` MiB of random-ish bytes in 8 MiB chunks (a fresh random MiB repeated per chunk); its sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for _ in range(mib * MIB // WRITE_CHUNK_BYTES):
            chunk = os.urandom(MIB) * (WRITE_CHUNK_BYTES // MIB)
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def run_child(script: Path, *args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def test_128_mib_upload_streams_with_flat_memory(cli_server: CliServer, tmp_path: Path) -> None:
    big = tmp_path / "upload.bin"
    expected_sha256 = write_big_file(big, FILE_MIB)
    assert big.stat().st_size == FILE_MIB * MIB
    script = tmp_path / "client_child.py"
    script.write_text(CHILD_SCRIPT)

    baseline = run_child(script, "baseline", cli_server.base_url, cli_server.api_key)
    assert baseline["status"] == "completed"
    assert baseline["result"] == {"tiny": True}

    server_before = cli_server.peak_rss_mib()
    upload = run_child(script, "upload", cli_server.base_url, cli_server.api_key, str(big))
    server_after = cli_server.peak_rss_mib()

    assert upload["status"] == "completed", upload["error"]
    document = upload["result"]["document"]
    assert document["filename"] == "upload.bin"
    assert document["size"] == FILE_MIB * MIB
    assert document["sha256"] == expected_sha256
    assert document["pdf"] is None  # not a PDF

    client_delta = (upload["vmhwm_kib"] - baseline["vmhwm_kib"]) / 1024
    maxrss_delta = (upload["maxrss_kib"] - baseline["maxrss_kib"]) / 1024
    server_delta = server_after - server_before
    print()
    print(
        f"upload {FILE_MIB} MiB: client peak +{client_delta:.1f} MiB over baseline "
        f"(VmHWM {baseline['vmhwm_kib'] / 1024:.1f} -> {upload['vmhwm_kib'] / 1024:.1f} MiB; ru_maxrss "
        f"{baseline['maxrss_kib'] / 1024:.1f} -> {upload['maxrss_kib'] / 1024:.1f} MiB, +{maxrss_delta:.1f}), "
        f"server peak +{server_delta:.1f} MiB (VmHWM {server_before:.1f} -> {server_after:.1f} MiB), "
        f"{upload['seconds']:.1f} s"
    )
    assert baseline["vmhwm_kib"] > 0
    assert client_delta < MEMORY_GUARD_MIB
    assert server_delta < MEMORY_GUARD_MIB


def test_128_mib_through_the_files_api_streams_with_flat_memory(cli_server: CliServer, tmp_path: Path) -> None:
    # runs.run_and_wait with the file over multipart_max_bytes: the upload negotiation, then the file as multipart
    # to the files route, then the run with {"$fileId": ...}; streamed from disk like the v1 upload above.
    big = tmp_path / "upload.bin"
    expected_sha256 = write_big_file(big, FILE_MIB)
    script = tmp_path / "client_child.py"
    script.write_text(CHILD_SCRIPT)

    baseline = run_child(script, "baseline", cli_server.base_url, cli_server.api_key)
    server_before = cli_server.peak_rss_mib()
    upload = run_child(script, "runs", cli_server.base_url, cli_server.api_key, str(big))
    server_after = cli_server.peak_rss_mib()

    assert upload["status"] == "completed", upload["error"]
    assert set(upload["file_input"]) == {"$fileId"}
    document = upload["result"]["document"]
    assert (document["size"], document["sha256"]) == (FILE_MIB * MIB, expected_sha256)
    client_delta = (upload["vmhwm_kib"] - baseline["vmhwm_kib"]) / 1024
    server_delta = server_after - server_before
    print(
        f"\nfiles API upload {FILE_MIB} MiB: client peak +{client_delta:.1f} MiB, "
        f"server peak +{server_delta:.1f} MiB, {upload['seconds']:.1f} s"
    )
    assert client_delta < MEMORY_GUARD_MIB
    assert server_delta < MEMORY_GUARD_MIB
