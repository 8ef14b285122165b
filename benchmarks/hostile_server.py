"""What the local server does with hostile input: one row per attack, with status, time, memory and disk.

Each scenario talks to a real server over raw sockets on 127.0.0.1. Most run against a server process
started with the command line (``python -m eigenpal_ext.testing --port 0 --data-dir <tmp>``), so that its
memory is its own: ``VmRSS`` before and ``VmHWM`` (peak) after, from ``/proc/<pid>/status``. ``stop()``
is measured on an in-process ``LocalEigenpalServer``. Times are wall-clock seconds from the first byte
sent to the answer (or to giving up). Nothing is asserted: this prints figures.

Usage: ``python benchmarks/hostile_server.py [--stall-seconds 35]``. ``--stall-seconds`` bounds how long
the stalled-client row waits for an answer (the server's default body-read timeout is 30 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

MIB = 1024 * 1024
BOUNDARY = "bench-boundary-93c1"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
KEY = "eg_dev_local_key"
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+) ")


# --- raw HTTP ------------------------------------------------------------------------------------------------


def head(method: str, path: str, *, length: int | None = None, content_type: str | None = None,
         key: str | None = KEY, extra: str = "") -> bytes:  # fmt: skip
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def text_part(name: str, value: bytes) -> bytes:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"


def file_head(name: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="c.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()


def exchange(port: int, data: bytes, *, wait: float = 30.0) -> tuple[str, float]:
    """Send ``data`` (ignoring a reset while sending), read one answer; ``"<status> <content-type>"`` and seconds."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(data)
        return read_answer(sock, started, wait)


def read_answer(sock: socket.socket, started: float, wait: float) -> tuple[str, float]:
    received = b""
    ends = started + wait
    while b"\r\n\r\n" not in received:
        remaining = ends - time.monotonic()
        if remaining <= 0:
            return f"no answer within {wait:g} s", time.monotonic() - started
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return f"no answer within {wait:g} s", time.monotonic() - started
        except OSError as exc:
            return f"connection {type(exc).__name__}", time.monotonic() - started
        if not chunk:
            return "connection closed, no answer", time.monotonic() - started
        received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    content_type = re.search(rb"(?im)^content-type:\s*([^;\r\n]+)", rest)
    kind = content_type[1].decode() if content_type else "-"
    return f"{status_line.split()[1].decode()} {kind}", time.monotonic() - started


def get_json(port: int, request: bytes) -> dict[str, object]:
    """One request whose answer is JSON (Content-Length framed, as the local server sends)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(65536)
        head_bytes, _, body = received.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head_bytes)[1])  # type: ignore[index]
        while len(body) < length:
            body += sock.recv(65536)
    value: dict[str, object] = json.loads(body)
    return value


# --- the server process ------------------------------------------------------------------------------------------


class ServerProcess:
    def __init__(self, data_dir: Path, *args: str) -> None:
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eigenpal_ext.testing", "--port", "0", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.banner = self.process.stdout.readline().strip()
        match = LISTENING.search(self.banner)
        if not match:
            self.stop()
            raise RuntimeError(f"the server did not start: {self.banner!r}")
        self.port = int(match[1])

    def memory_mib(self, field: str) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
        return int(found[1]) / 1024 if found else float("nan")

    def upload_mib(self) -> float:
        files = self.data_dir / "files"
        return sum(path.stat().st_size for path in files.glob("*.upload")) / MIB if files.exists() else 0.0

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)
        if self.process.stdout is not None:
            self.process.stdout.close()


@contextlib.contextmanager
def server_process(scratch: Path, name: str, *args: str) -> Iterator[ServerProcess]:
    server = ServerProcess(scratch / name, *args)
    try:
        yield server
    finally:
        server.stop()


# --- scenarios ---------------------------------------------------------------------------------------------------

Row = tuple[str, str, str, str]


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def run_json(port: int, body: bytes) -> tuple[str, float]:
    return exchange(port, head("POST", "/api/v1/workflows/echo/run", length=len(body),
                               content_type="application/json") + body)  # fmt: skip


def scenario_deep_json(scratch: Path) -> list[Row]:
    rows: list[Row] = []
    with server_process(scratch, "deep") as server:
        for depth in (967, 100_000):
            answer, seconds = run_json(server.port, b'{"input": {"x": ' + deep(depth) + b"}}")
            reads = ""
            if answer.startswith("201"):
                time.sleep(0.5)
                reads = ", then GET list " + exchange(server.port, head("GET", "/api/v1/workflows/echo/executions"))[0]
            rows.append((f"run input nesting {depth} levels", answer + reads, f"{seconds:.3f}", "-"))
        body = b'{"input": {}, "overrides": {"steps": {"echo": ' + deep(500) + b"}}}"
        answer, seconds = run_json(server.port, body)
        rows.append(("run overrides nesting 500 levels", answer, f"{seconds:.3f}", "-"))
    return rows


def scenario_legacy_row(scratch: Path) -> list[Row]:
    data = scratch / "legacy"
    with server_process(scratch, "legacy") as first:
        workflow_id = get_json(first.port, head("GET", "/api/v1/workflows/echo"))["id"]
    # What a server without the depth limit stored for an echo run of {"input": {"x": <967 nested arrays>}}.
    with sqlite3.connect(data / "eigenpal.sqlite3") as db:
        text = '{"x": ' + "[" * 967 + "]" * 967 + "}"
        steps = f'[{{"stepId": "echo", "status": "completed", "output": {text}}}]'
        db.execute(
            "INSERT INTO executions (id, tenant, workflow_id, workflow_name, version_id, status, input_json, trigger,"
            " result_json, steps_json, created_at) VALUES ('exec_legacy', 'dev', ?, 'echo', 'v1', 'completed', ?,"
            " 'api', ?, ?, '2026-11-27T10:00:00.000Z')",
            (workflow_id, text, text, steps),
        )
    with server_process(scratch, "legacy") as server:
        answers = []
        started = time.monotonic()
        for path in ("/api/v1/workflows/executions/exec_legacy?includeSteps=true",
                     "/api/v1/workflows/echo/executions", "/admin/stats"):  # fmt: skip
            answers.append(exchange(server.port, head("GET", path))[0].split()[0])
        seconds = time.monotonic() - started
    label = "GET execution / list / stats of a row stored 967 deep, after restart"
    return [(label, " / ".join(answers), f"{seconds:.3f}", "-")]


def scenario_orphans(scratch: Path) -> list[Row]:
    with server_process(scratch, "orphans") as server:
        answers = []
        started = time.monotonic()
        for _ in range(3):
            body = file_head("contract_document") + b"%PDF" + b"0" * (20 * MIB) + b"\r\n"
            body += text_part("_json", b'{"input": {"x": ' + deep(5_000) + b"}}") + f"--{BOUNDARY}--\r\n".encode()
            answers.append(exchange(server.port, head("POST", "/api/v1/workflows/extract-invoice/run",
                                                      length=len(body), content_type=MULTIPART) + body)[0])  # fmt: skip
        seconds = time.monotonic() - started
        time.sleep(0.2)
        disk = f"{server.upload_mib():.1f} MiB of upload files left"
    return [("3 runs, 20 MiB file + _json 5000 deep", ", ".join(sorted(set(answers))), f"{seconds:.2f}", disk)]


def scenario_text_parts(scratch: Path) -> list[Row]:
    with server_process(scratch, "text") as server:
        before = server.memory_mib("VmRSS")
        body = b"".join(text_part(f"padding_{n:02}", b"p" * MIB) for n in range(63)) + f"--{BOUNDARY}--\r\n".encode()
        request = head("POST", "/api/v1/workflows/echo/run", length=len(body), content_type=MULTIPART) + body
        answers: list[str] = []
        started = time.monotonic()
        threads = [threading.Thread(target=lambda: answers.append(exchange(server.port, request)[0]))
                   for _ in range(10)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        seconds = time.monotonic() - started
        peak = server.memory_mib("VmHWM")
    memory = f"server RSS {before:.0f} MiB, peak {peak:.0f} MiB"
    return [("10 parallel runs of 63 x 1 MiB text parts", ", ".join(sorted(set(answers))), f"{seconds:.2f}", memory)]


def scenario_many_objects(scratch: Path) -> list[Row]:
    with server_process(scratch, "objects") as server:
        before = server.memory_mib("VmRSS")
        body = b'{"input": {"x": [' + b",".join([b"{}"] * 1_300_000) + b"]}}"
        request = head("POST", "/api/v1/workflows/echo/run", length=len(body), content_type="application/json") + body
        answers: list[str] = []
        started = time.monotonic()
        threads = [threading.Thread(target=lambda: answers.append(exchange(server.port, request, wait=120)[0]))
                   for _ in range(10)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(150)
        seconds = time.monotonic() - started
        peak = server.memory_mib("VmHWM")
    memory = f"server RSS {before:.0f} MiB, peak {peak:.0f} MiB"
    return [("10 parallel runs of 4 MiB of {} (1.3 M objects)", ", ".join(sorted(set(answers))), f"{seconds:.2f}",
             memory)]  # fmt: skip


def scenario_head_stall(scratch: Path, stall_seconds: float) -> list[Row]:
    with server_process(scratch, "head") as server:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", server.port), timeout=stall_seconds) as sock:
            sock.sendall(b"POST /api/v1/workflows/echo/run HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            answer, seconds = read_answer(sock, started, stall_seconds)
    return [("client stalls in the middle of its request head", answer, f"{seconds:.2f}", "-")]


def scenario_stall(scratch: Path, stall_seconds: float) -> list[Row]:
    with server_process(scratch, "stall") as server:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", server.port), timeout=stall_seconds) as sock:
            sock.sendall(head("POST", "/api/v1/workflows/extract-invoice/run", length=64 * MIB, content_type=MULTIPART)
                         + file_head("contract_document") + b"%PDF" + b"0" * MIB)  # fmt: skip
            time.sleep(0.3)
            during = server.upload_mib()
            answer, seconds = read_answer(sock, started, stall_seconds)
        time.sleep(0.2)
        disk = f"partial file {during:.1f} MiB while stalled, {server.upload_mib():.1f} MiB once it ended"
    return [("client stalls after 1 MiB of a 64 MiB upload", answer, f"{seconds:.2f}", disk)]


def scenario_killed(scratch: Path) -> list[Row]:
    server = ServerProcess(scratch / "killed")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head("POST", "/api/v1/workflows/extract-invoice/run", length=64 * MIB, content_type=MULTIPART)
                     + file_head("contract_document") + b"%PDF" + b"0" * (4 * MIB))  # fmt: skip
        time.sleep(0.5)
        server.stop(signal.SIGKILL)
    left = server.upload_mib()
    with server_process(scratch, "killed") as restarted:
        after = restarted.upload_mib()
    return [("server SIGKILLed mid-upload, then restarted", "-", "-",
             f"{left:.1f} MiB partial after the kill, {after:.1f} MiB after the restart")]  # fmt: skip


def scenario_stop(scratch: Path) -> list[Row]:
    from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig  # noqa: PLC0415 - the code under test

    server = LocalEigenpalServer(ServerConfig(data_dir=scratch / "stop")).start()
    files = scratch / "stop" / "files"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(head("POST", "/api/v1/workflows/extract-invoice/run", length=64 * MIB, content_type=MULTIPART)
                 + file_head("contract_document") + b"%PDF" + b"0" * MIB)  # fmt: skip
    time.sleep(0.3)
    started = time.monotonic()
    server.stop()
    seconds = time.monotonic() - started
    answer, _ = read_answer(sock, time.monotonic(), 2.0)
    sock.close()
    left = sum(path.stat().st_size for path in files.glob("*.upload")) / MIB
    return [("stop() during an upload", f"client got {answer}", f"stop() {seconds:.2f}", f"{left:.1f} MiB left")]


def scenario_small(scratch: Path) -> list[Row]:
    rows: list[Row] = []
    keys = ("--api-key", "secret-key-of-team-a-000=team-a", "--api-key", "secret-key-of-team-b-111=team-b")
    with server_process(scratch, "small", *keys) as server:
        shown = "shows a chosen key in full" if "secret-key-of-team-a-000" in server.banner else "keys shortened"
        rows.append(("startup banner with 2 chosen keys", shown, "-", repr(server.banner.split("(", 1)[1][:-1])))
        body = b'{"input": {}}'
        replay = head("POST", "/api/v1/workflows/echo/run", length=len(body), content_type="application/json",
                      key="secret-key-of-team-a-000", extra="Idempotency-Key: k") + body  # fmt: skip
        exchange(server.port, replay)
        exchange(server.port, replay)
        other = get_json(server.port, head("GET", "/admin/stats", key="secret-key-of-team-b-111"))
        seen = f"idempotentReplays={other.get('idempotentReplays')}, executions={other.get('executions')}"
        rows.append(("/admin/stats of team-b after team-a's replayed run", seen, "-", "-"))
        for label, request in (
            ("request line of 17 KiB", b"GET /" + b"a" * (17 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("request line of 1 MiB", b"GET /" + b"a" * MIB + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("header of 17 KiB", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-P: " + b"p" * (17 * 1024) + b"\r\n\r\n"),
            ("bytes that are not HTTP", b"NOT HTTP AT ALL\r\n\r\n"),
        ):
            answer, seconds = exchange(server.port, request, wait=10)
            rows.append((label, answer, f"{seconds:.3f}", "-"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stall-seconds", type=float, default=35.0, help="how long the stalled client waits")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as scratch_name:
        scratch = Path(scratch_name)
        scenarios: list[Callable[[], list[Row]]] = [
            lambda: scenario_deep_json(scratch), lambda: scenario_legacy_row(scratch),
            lambda: scenario_orphans(scratch), lambda: scenario_text_parts(scratch),
            lambda: scenario_many_objects(scratch), lambda: scenario_stall(scratch, args.stall_seconds),
            lambda: scenario_head_stall(scratch, args.stall_seconds), lambda: scenario_killed(scratch),
            lambda: scenario_stop(scratch), lambda: scenario_small(scratch),
        ]  # fmt: skip
        print("| hostile input | what happens | seconds | server memory / disk |")
        print("|---|---|---|---|")
        for scenario in scenarios:
            for row in scenario():
                print("| " + " | ".join(row) + " |", flush=True)
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} CPUs; figures from one run)")


if __name__ == "__main__":
    main()
