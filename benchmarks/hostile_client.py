"""What the client does against a hostile server and with hostile input: one row per case, with figures.

Each case runs in a child process (so its peak memory, ``ru_maxrss``, is its own) against the small
misbehaving raw-socket server of ``tests/e2e/hostile_server.py`` on 127.0.0.1. A row gives what the call
ended with (the exception type, or ``returned``), the wall-clock seconds, the child's peak RSS, how many
requests reached the server, and a short note (the part of the message that matters). A case still
running after ``--limit`` seconds is stopped and reported as such. Nothing is asserted: this prints figures.

Usage::

    python benchmarks/hostile_client.py                 # every case, against this checkout
    python benchmarks/hostile_client.py --code DIR      # the same cases against another checkout's eigenpal_ext
    python benchmarks/hostile_client.py --only trickle  # the cases whose name contains "trickle"
    python benchmarks/hostile_client.py --skip 1gib     # not the two 1 GiB cases (an unbounded client takes >2 GiB)

``--code`` points the child at another checkout (e.g. ``git archive <commit> | tar -x -C /tmp/old``), for a
before/after table; cases that need a keyword the old code lacks report the ``TypeError``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import io
import json
import logging
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KEY = "eg_live_secret_0123456789abcdef"
MIB = 1 << 20
RUN = ("POST", "/api/v1/workflows/")
POLL = ("GET", "/api/v1/workflows/executions/")


def _case_hang_run_and_wait(hs: Any, ep: Any) -> str:
    with hs.HostileServer(hs.hang) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        client.workflows.executions.run_and_wait("extract-invoice", {"n": 1}, timeout_seconds=2)
    return ""


def _case_hang_run_and_wait_server_hold(hs: Any, ep: Any) -> str:
    with hs.HostileServer(hs.hang) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        client.workflows.executions.run_and_wait("extract-invoice", {"n": 1}, timeout_seconds=2, server_hold=True)
    return ""


def _case_hang_run_and_wait_async(hs: Any, ep: Any) -> str:
    async def scenario(base_url: str) -> None:
        async with ep.AsyncEigenpalClient(api_key=KEY, base_url=base_url) as client:
            await client.workflows.executions.run_and_wait("extract-invoice", {"n": 1}, timeout_seconds=2)

    with hs.HostileServer(hs.hang) as server:
        _record(server)
        asyncio.run(scenario(server.base_url))
    return ""


def _status_body(hs: Any) -> bytes:
    return json.dumps(hs.execution_status("exec_1")).encode()


def _case_trickle_body_get_timeout_2s(hs: Any, ep: Any) -> str:
    behaviour = hs.trickle(_status_body(hs), every=0.5)
    with hs.HostileServer(behaviour) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        client.workflows.executions.get("exec_1", request_timeout_seconds=2)
    return f"{len(_status_body(hs))} bytes at one per 0.5 s"


def _case_trickle_headers_get_timeout_2s(hs: Any, ep: Any) -> str:
    behaviour = hs.trickle(_status_body(hs), every=0.2, headers_too=True)
    with hs.HostileServer(behaviour) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        client.workflows.executions.get("exec_1", request_timeout_seconds=2)
    return "status line and headers one byte per 0.2 s"


def _case_huge_1gib_answer(hs: Any, ep: Any) -> str:
    with hs.HostileServer(hs.endless()) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        client.workflows.executions.get("exec_1", request_timeout_seconds=120)
    return ""


def _case_gzip_bomb_1gib(hs: Any, ep: Any) -> str:
    bomb = hs.gzip_bomb(1024 * MIB)
    note = f"{len(bomb) / MIB:.1f} MiB gzip, 1 GiB decoded"
    with (
        hs.HostileServer(hs.serve_gzip(bomb)) as server,
        ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client,
    ):
        _record(server)
        del bomb
        client.workflows.get("wf_1", request_timeout_seconds=120)
    return note


def _case_same_page_forever(hs: Any, ep: Any) -> str:
    behaviour = hs.pages_forever(total=10**9, size=50)
    with hs.HostileServer(behaviour) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        deadline = time.monotonic() + 5
        for _ in client.workflows.executions.iter("wf_1", page_size=50):
            if time.monotonic() > deadline:
                return "still iterating after 5 s (stopped by the benchmark)"
    return ""


def _case_deep_json_answer_100k(hs: Any, ep: Any) -> str:
    behaviour = hs.answer(200, hs.deep_json(100_000))
    with hs.HostileServer(behaviour) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        client.workflows.executions.get("exec_1")
    return ""


def _case_deep_json_input_5000(hs: Any, ep: Any) -> str:
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    with hs.HostileServer(hs.answer(201, {"executionId": "exec_1"})) as server:
        _record(server)
        with ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
            client.workflows.run("extract-invoice", {"doc": deep})
    return ""


def _case_server_echoes_the_key(hs: Any, ep: Any) -> str:
    def echo(request: Any, conn: Any) -> None:
        token = request.headers["authorization"].split(" ", 1)[1]
        body = {"error": "bad", "requestId": token, "hint": token, "issues": [{"field": token, "message": token}]}
        hs.answer(400, body)(request, conn)

    with hs.HostileServer(echo) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        try:
            client.workflows.get("wf_1")
        except ep.EigenpalError as error:
            fields = {
                "str": str(error),
                "request_id": error.request_id,
                "hint": getattr(error, "hint", None),
                "issues": repr(getattr(error, "issues", None)),
                "body": json.dumps(getattr(error, "body", None)),
            }
            leaked = sorted(name for name, text in fields.items() if KEY in str(text))
            _NOTE.append(f"key visible in: {', '.join(leaked) or 'nothing'}")
            raise
    return ""


def _case_api_key_with_newline(hs: Any, ep: Any) -> str:
    try:
        ep.EigenpalClient(api_key="eg_live_top\nsecret_value", base_url="http://127.0.0.1:9")
    except Exception as error:
        _NOTE.append(f"key in message: {'secret_value' in str(error)}")
        raise
    return "client built"


def _case_base_url_with_password(hs: Any, ep: Any) -> str:
    try:
        client = ep.EigenpalClient(api_key=KEY, base_url="https://user:hunter2@app.eigenpal.com")
    except Exception as error:
        _NOTE.append(f"password in message: {'hunter2' in str(error)}")
        raise
    return f"client built; password in repr: {'hunter2' in repr(client)}, base_url={client.base_url!r}"[:120]


def _case_newline_execution_id_logged(hs: Any, ep: Any) -> str:
    forged = "exec_1\nERROR root: forged line"
    behaviour = hs.routes({RUN: hs.answer(201, {"executionId": forged}), POLL: hs.hang})
    with hs.HostileServer(behaviour) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        try:
            client.workflows.executions.run_and_wait("wf", timeout_seconds=1)
        except ep.EigenpalError as error:
            stream = io.StringIO()
            handler = logging.StreamHandler(stream)
            logging.getLogger("bench").addHandler(handler)
            logging.getLogger("bench").error("%s", error)
            _NOTE.append(f"log lines for one error: {len(stream.getvalue().splitlines())}")
            raise
    return ""


def _case_html_200_on_run(hs: Any, ep: Any) -> str:
    page = hs.answer(200, b"<html>hi</html>", headers={"Content-Type": "text/html"})
    with hs.HostileServer(page) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        try:
            client.workflows.run("extract-invoice", {"n": 1})
        except ep.EigenpalError as error:
            both = "wrong host" in error.message and "execution exists" in error.message
            _NOTE.append(f"says wrong host and execution exists: {both}")
            raise
    return ""


def _refused_before_sending(hs: Any, ep: Any, call: Callable[[Any], object]) -> str:
    with hs.HostileServer(hs.answer(201, {"executionId": "exec_1"})) as server:
        _record(server)
        with ep.EigenpalClient(api_key=KEY, base_url=server.base_url, max_retries=0) as client:
            call(client)
        body = server.requests[0].body if server.requests else b""
        return f"X-Evil in multipart headers: {b'X-Evil: 1' in body}" if b"X-Evil" in body else ""


def _case_idempotency_key_crlf(hs: Any, ep: Any) -> str:
    return _refused_before_sending(
        hs, ep, lambda c: c.workflows.run("extract-invoice", {"n": 1}, idempotency_key="k\r\nX-Evil: 1")
    )


def _case_idempotency_key_non_ascii(hs: Any, ep: Any) -> str:
    return _refused_before_sending(
        hs, ep, lambda c: c.workflows.run("extract-invoice", {"n": 1}, idempotency_key="clé")
    )


def _case_mime_type_crlf(hs: Any, ep: Any) -> str:
    upload = {"content": b"%PDF", "filename": "a.pdf", "mime_type": "application/pdf\r\nX-Evil: 1"}
    return _refused_before_sending(hs, ep, lambda c: c.workflows.run("extract-invoice", {"document": upload}))


def _case_lone_surrogate_input(hs: Any, ep: Any) -> str:
    return _refused_before_sending(hs, ep, lambda c: c.workflows.run("extract-invoice", {"t": "\udc80"}))


def _case_nan_timeout_per_call(hs: Any, ep: Any) -> str:
    return _refused_before_sending(hs, ep, lambda c: c.workflows.get("wf_1", request_timeout_seconds=math.nan))


def _case_cancel_on_timeout_no(hs: Any, ep: Any) -> str:
    behaviour = hs.routes(
        {
            RUN: hs.answer(201, {"executionId": "exec_1"}),
            POLL: hs.answer(200, hs.execution_status("exec_1", "running")),
        },
        default=hs.answer(200, {"executionId": "exec_1", "status": "cancelled", "previousStatus": "running"}),
    )
    with hs.HostileServer(behaviour) as server, ep.EigenpalClient(api_key=KEY, base_url=server.base_url) as client:
        _record(server)
        try:
            client.workflows.executions.run_and_wait("wf", timeout_seconds=0.5, cancel_on_timeout="no")
        finally:
            cancels = sum(1 for request in server.requests if request.path.endswith("/cancel"))
            _NOTE.append(f"cancel requests sent: {cancels}")
    return ""


def _case_status_int(hs: Any, ep: Any) -> str:
    return _refused_before_sending(hs, ep, lambda c: c.workflows.executions.list("wf", status=5))


CASES = {name[len("_case_") :]: function for name, function in globals().items() if name.startswith("_case_")}
_NOTE: list[str] = []
_SERVERS: list[Any] = []


def _record(server: Any) -> None:
    _SERVERS.append(server)


def run_child(name: str) -> None:
    """Run one case in this process; print one JSON line."""
    # Loaded from its file, not through sys.path: the eigenpal_ext measured is the one PYTHONPATH names.
    spec = importlib.util.spec_from_file_location("hostile_server", ROOT / "tests" / "e2e" / "hostile_server.py")
    assert spec is not None
    assert spec.loader is not None
    hs = importlib.util.module_from_spec(spec)
    sys.modules["hostile_server"] = hs
    spec.loader.exec_module(hs)

    import eigenpal_ext as ep  # noqa: PLC0415 - from the checkout PYTHONPATH names, in the child only

    started = time.monotonic()
    outcome, note = "returned", ""
    try:
        note = CASES[name](hs, ep) or ""
    except BaseException as error:  # the figure is what was raised
        outcome = f"{type(error).__module__.split('.')[0]}.{type(error).__name__}"
        note = str(error)
    seconds = time.monotonic() - started
    requests = sum(len(server.requests) for server in _SERVERS)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    notes = "; ".join([*_NOTE, note]) if _NOTE else note
    row = {"case": name, "outcome": outcome, "seconds": seconds, "peak_mib": peak_mib, "requests": requests}
    print(json.dumps({**row, "note": " ".join(notes.split())[:150]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose eigenpal_ext to measure")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--skip", action="append", default=[], help="skip the cases whose name contains this")
    parser.add_argument("--limit", type=float, default=45.0, help="stop a case after this many seconds")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child)
        return
    code = args.code.resolve()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code), str(code / "generated")])}
    print(f"eigenpal_ext from {code}; each case in its own process; --limit {args.limit:g}s")
    print(f"{'case':<40} {'outcome':<40} {'seconds':>8} {'peak MiB':>9} {'reqs':>5}  note")
    for name in CASES:
        if args.only not in name or any(part in name for part in args.skip):
            continue
        command = [sys.executable, str(Path(__file__).resolve()), "--child", name]
        started = time.monotonic()
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.limit, check=False)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            row = json.loads(lines[-1]) if lines else None
        except subprocess.TimeoutExpired:
            row = {"outcome": f"still running after {args.limit:g}s", "seconds": time.monotonic() - started}
            row.update(peak_mib=float("nan"), requests=-1, note="stopped by the benchmark")
        if row is None:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            row = {"outcome": f"child exit {done.returncode}", "seconds": time.monotonic() - started}
            row.update(peak_mib=float("nan"), requests=-1, note=tail[:150])
        print(
            f"{name:<40} {row['outcome']:<40} {row['seconds']:>8.2f} {row['peak_mib']:>9.0f} "
            f"{row['requests']:>5}  {row['note']}"
        )


if __name__ == "__main__":
    main()
