"""``make bench``: raw httpx (the floor), the official SDK ``eigenpal==0.4.12`` and eigenpal-ext, side by side.

Every client figure comes from a fresh child process (``benchmarks/_child.py``) talking to the same local
EigenPal server (``python -m eigenpal_ext.testing``, its own process, 127.0.0.1, ephemeral port); uploads
go to a small discarding server instead (``_discard_server.py``), so 512 MiB are not written to disk three
times. Each figure is printed with its ratio to the floor. Figures only: nothing here asserts anything.

Sections (``--only`` picks some):

- ``import``: import time in a fresh venv holding only the runtime dependencies (``_importtime.py``);
- ``cpu``: user CPU per call of ``--calls`` sequential ``executions.get`` (median of ``--repeats`` children);
- ``wait``: ``run_and_wait`` lag (return time minus the execution's ``completedAt``) and requests for runs of
  0.3, 1, 3.1, 7 and 12.9 s of the ``sleep`` workflow, against fixed 2 s polling; plus the same on simulated
  time over a log-spaced spread of 60 run lengths from 0.3 to 15 s (``wait_schedule.py``);
- ``upload``: peak RSS growth while uploading a 512 MiB file (vs a child that makes one small JSON run);
- ``fanout``: 500 run+get at concurrency 50 (async clients; the official SDK has none, so it uses threads);
- ``server``: the local server's run+get per second at concurrency 8 (raw async httpx as the client);
- ``batch``: ``run_batch`` (``batch.py``): peak RSS growth and time for 20,000 inputs of 2 KB against a
  ``MockTransport``; inputs per second and requests per execution on the local server; the mean lag and
  polls of its learned waits against fixed 2 s polling, on the local server (24 ``sleep`` runs of 3 s +-10%,
  4 at a time) and on simulated time (``tests/batch_simulation.py``, 32 such runs, 3 seeds).

``--markdown FILE`` also writes the table as Markdown (the README's benchmark section is this output).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The benchmark helpers, and this checkout's packages (not whichever eigenpal_ext the interpreter has
# installed): the simulated wait schedule runs the client in this process.
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "generated")]

import _importtime  # noqa: E402 - the benchmarks folder is not a package
import wait_schedule  # noqa: E402
from _discard_server import start_discard_server, write_zeros  # noqa: E402

from tests import batch_simulation  # noqa: E402

CLIENTS = ("raw", "official", "ours")
API_KEY = "eg_dev_local_key"
DURATIONS = (0.3, 1.0, 3.1, 7.0, 12.9)
CHILD_TIMEOUT_SECONDS = 600.0


@dataclass
class Row:
    """One line of the table: a figure for each client (None: not measured for that client)."""

    label: str
    unit: str
    values: dict[str, float | None]
    note: str = ""
    digits: int = 1
    ratio_to: str = "raw"
    # Set when rows of several runs are combined: each ratio is the median of the same-run ratios.
    ratios: dict[str, float | None] | None = None

    def ratio(self, client: str) -> float | None:
        if self.ratios is not None:
            return self.ratios.get(client)
        if not self.ratio_to:
            return None
        base, value = self.values.get(self.ratio_to), self.values.get(client)
        if base is None or value is None or base == 0:
            return None
        return value / base


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {_format_row(row)}", flush=True)


# --- processes ----------------------------------------------------------------------------------------------


def child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "generated")])
    environment.pop("EIGENPAL_LOG", None)
    return environment


def run_child(task: str, client: str, base_url: str, *arguments: str) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "_child.py"), task, client, "--base-url", base_url, "--api-key", API_KEY]
    completed = subprocess.run(
        [*command, *arguments],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        env=child_environment(),
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{task}/{client} failed:\n{completed.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def start_children(task: str, client: str, base_url: str, *arguments: str) -> subprocess.Popen[str]:
    command = [sys.executable, str(HERE / "_child.py"), task, client, "--base-url", base_url, "--api-key", API_KEY]
    return subprocess.Popen(
        [*command, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_environment()
    )


def collect(process: subprocess.Popen[str], name: str) -> dict[str, Any]:
    stdout, stderr = process.communicate(timeout=CHILD_TIMEOUT_SECONDS)
    if process.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return figures


class LocalServer:
    """The local EigenPal server in its own process (``python -m eigenpal_ext.testing``)."""

    def __init__(self, workers: int) -> None:
        command = [sys.executable, "-m", "eigenpal_ext.testing", "--port", "0", "--workers", str(workers)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_environment()
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.process.kill()
            raise RuntimeError(f"the local server did not start (got {line!r})")
        self.base_url = line.split("listening on ", 1)[1].split()[0]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def completed_execution(base_url: str, workflow: str, inputs: dict[str, Any]) -> str:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {API_KEY}"}, trust_env=False) as http:
        response = http.post(f"/api/v1/workflows/{workflow}/run", json={"input": inputs}, params={})
        response.raise_for_status()
        execution_id = str(response.json()["executionId"])
        for _ in range(500):
            status = http.get(f"/api/v1/workflows/executions/{execution_id}").json()["status"]
            if status == "completed":
                return execution_id
            time.sleep(0.02)
    raise RuntimeError(f"execution {execution_id} did not complete")


# --- sections -----------------------------------------------------------------------------------------------


def section_import(report: Report, repeats: int) -> None:
    print(f"import time (fresh venv with only the runtime dependencies; median of {repeats})", flush=True)
    figures = _importtime.measure(repeats)
    report.add(
        Row(
            "import (X -X importtime)",
            "ms",
            {
                "raw": figures["import httpx"],
                "official": figures["import eigenpal (official)"],
                "ours": figures["import eigenpal_ext"],
            },
            note="raw = import httpx",
        )
    )
    help_ms = figures["eigenpal --help (wall)"]
    report.add(
        Row(
            "eigenpal --help, wall",
            "ms",
            {"raw": figures["python -c 'import httpx' (wall)"], "ours": help_ms},
            note=f"raw = python -c 'import httpx'; bare interpreter {figures['python -c pass (wall)']:.0f} ms",
        )
    )


def section_cpu(report: Report, base_url: str, calls: int, repeats: int) -> None:
    print(f"per-call CPU ({calls} sequential executions.get; median of {repeats} children each)", flush=True)
    execution_id = completed_execution(base_url, "echo", {"hello": "world"})
    cpu: dict[str, list[float]] = {client: [] for client in CLIENTS}
    wall: dict[str, list[float]] = {client: [] for client in CLIENTS}
    for _ in range(repeats):
        for client in CLIENTS:  # interleaved, so a load change hits every client alike
            figures = run_child("cpu", client, base_url, "--execution-id", execution_id, "--calls", str(calls))
            cpu[client].append(figures["cpu_us_per_call"])
            wall[client].append(figures["wall_us_per_call"])
    report.add(Row("executions.get user CPU / call", "us", {c: statistics.median(cpu[c]) for c in CLIENTS}, digits=0))
    report.add(Row("executions.get wall / call", "us", {c: statistics.median(wall[c]) for c in CLIENTS}, digits=0))


def section_wait(report: Report, base_url: str) -> None:
    durations = ",".join(f"{d:g}" for d in DURATIONS)
    print(f"run_and_wait on the local server: sleep runs of {durations} s, all in parallel", flush=True)
    variants = {
        "fixed": ("raw", "default"),  # hand-written fixed 2 s polling
        "official": ("official", "default"),  # the official SDK: fixed 2 s polling
        "poll": ("ours", "poll"),  # a server not known to honour Idempotency-Key: the poll schedule
        "default": ("ours", "default"),  # defaults; this server echoes Idempotency-Key (an inference: no hold)
        "declared": ("ours", "declared"),  # idempotent_runs=True: the held replay
        "hold": ("ours", "hold"),  # server_hold=True
    }
    processes = {
        name: start_children("wait", client, base_url, "--mode", mode, "--workflow", "sleep", "--durations", durations)
        for name, (client, mode) in variants.items()
    }
    runs = {name: collect(process, f"wait/{name}")["runs"] for name, process in processes.items()}
    for name, rows in runs.items():
        detail = "  ".join(f"{row['seconds']:g}s: {row['lag']:.2f}s/{row['requests']}" for row in rows)
        print(f"    {name:<8} lag/requests  {detail}")
    mean_lag = {name: statistics.mean(row["lag"] for row in rows) for name, rows in runs.items()}
    requests = {name: float(sum(row["requests"] for row in rows)) for name, rows in runs.items()}
    labels = {
        "poll": "ours, poll schedule (keys not honoured)",
        "default": "ours, defaults (server echoes keys)",
        "declared": "ours, idempotent_runs=True",
        "hold": "ours, server_hold=True",
    }
    report.add(
        Row(
            "run_and_wait mean lag, fixed 2 s vs official",
            "s",
            {"raw": mean_lag["fixed"], "official": mean_lag["official"]},
            digits=2,
        )
    )
    report.add(
        Row(
            "run_and_wait requests, fixed 2 s vs official",
            "",
            {"raw": requests["fixed"], "official": requests["official"]},
            digits=0,
        )
    )
    for name, label in labels.items():
        report.add(Row(f"  mean lag: {label}", "s", {"raw": mean_lag["fixed"], "ours": mean_lag[name]}, digits=2))
        report.add(Row(f"  requests: {label}", "", {"raw": requests["fixed"], "ours": requests[name]}, digits=0))
    simulated = wait_schedule.spread_figures()
    print("  simulated time, 60 run lengths log-spaced 0.3-15 s, 50 ms per request:", flush=True)
    for name, label in (("ours", "ours, poll schedule"), ("hold", "ours, server_hold=True")):
        report.add(
            Row(
                f"  simulated mean lag: {label}",
                "s",
                {"raw": simulated["fixed"].mean_lag, "ours": simulated[name].mean_lag},
                digits=2,
            )
        )
        report.add(
            Row(
                f"  simulated requests: {label}",
                "",
                {"raw": simulated["fixed"].requests, "ours": simulated[name].requests},
                digits=0,
            )
        )


def section_upload(report: Report, size_mib: int) -> None:
    print(f"peak RSS growth for a {size_mib} MiB upload (vs a child that makes one small JSON run)", flush=True)
    server, base_url = start_discard_server()
    try:
        with tempfile.TemporaryDirectory(prefix="eigenpal-bench-upload-") as directory:
            file = Path(directory) / f"upload-{size_mib}MiB.bin"
            write_zeros(file, size_mib)
            growth: dict[str, float | None] = {}
            for client in CLIENTS:
                baseline = run_child("upload", client, base_url, "--workflow", "bench-upload")
                upload = run_child("upload", client, base_url, "--workflow", "bench-upload", "--file", str(file))
                growth[client] = upload["peak_rss_mib"] - baseline["peak_rss_mib"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    report.add(Row(f"upload {size_mib} MiB: peak RSS growth", "MiB", growth, ratio_to="", note="no ratio: near 0"))


def section_fanout(report: Report, base_url: str, total: int, concurrency: int, repeats: int) -> None:
    print(f"async fan-out: {total} run+get at concurrency {concurrency}; median of {repeats} each", flush=True)
    per_second: dict[str, list[float]] = {client: [] for client in CLIENTS}
    failed: dict[str, int] = dict.fromkeys(CLIENTS, 0)
    for _ in range(repeats):
        for client in CLIENTS:  # interleaved: the server's own load drifts as its store grows
            try:
                figures = run_child(
                    "fanout", client, base_url, "--total", str(total), "--concurrency", str(concurrency)
                )
            except RuntimeError as error:  # a client without retries can lose a request: counted, not fatal
                failed[client] += 1
                print(f"    {client}: failed ({str(error).strip().splitlines()[-1][:160]})", flush=True)
                continue
            per_second[client].append(figures["per_second"])
    medians = {client: statistics.median(values) if values else None for client, values in per_second.items()}
    note = "official: threads (no async client)"
    if any(failed.values()):
        note += "; failed runs: " + ", ".join(f"{client} {count}" for client, count in failed.items() if count)
    report.add(Row("fan-out run+get per second", "/s", medians, note=note))


def section_server(report: Report, base_url: str, total: int) -> None:
    print("local server as a test server: run+get at concurrency 8 (raw async httpx client)", flush=True)
    figures = run_child("fanout", "raw", base_url, "--total", str(total), "--concurrency", "8")
    report.add(Row("local server run+get per second (c=8)", "/s", {"raw": figures["per_second"]}))


def run_batch_child(*arguments: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(HERE / "batch.py"), *arguments], capture_output=True, text=True,
        timeout=CHILD_TIMEOUT_SECONDS, env=child_environment(), check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(f"batch.py {arguments[0]} failed:\n{completed.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def section_batch(report: Report, base_url: str) -> None:
    print("run_batch: memory and time for 20,000 inputs of 2 KB (MockTransport; journal, output on disk)", flush=True)
    memory = run_batch_child("memory", "--inputs", "20000", "--bytes", "2048")
    report.add(Row("batch 20,000 x 2 KB inputs: peak RSS growth", "MiB", {"ours": memory["peak_rss_growth_mib"]}))
    report.add(Row("batch 20,000 x 2 KB inputs: wall", "s", {"ours": memory["seconds"]}, note="MockTransport"))
    print("run_batch on the local server: 300 echo inputs at concurrency 8, with a journal", flush=True)
    local = run_batch_child("throughput", "--base-url", base_url, "--api-key", API_KEY, "--inputs", "300")
    report.add(Row("batch on the local server: inputs per second (c=8)", "/s", {"ours": local["per_second"]}))
    report.add(Row("batch: requests per execution", "", {"ours": local["requests"]}, digits=2))
    print("run_batch learned waits vs fixed 2 s polling: 24 sleep runs of 3 s +-10%, 4 at a time", flush=True)
    children = {
        mode: start_batch_child("lag", "--base-url", base_url, "--api-key", API_KEY, "--inputs", "24", "--mode", mode)
        for mode in ("learned", "fixed")
    }
    lag = {mode: collect(child, f"batch lag/{mode}") for mode, child in children.items()}
    report.add(
        Row("batch mean lag, raw = fixed 2 s polling", "s", {"raw": lag["fixed"]["mean_lag"],
            "ours": lag["learned"]["mean_lag"]}, digits=2)
    )  # fmt: skip
    report.add(
        Row("batch polls per execution, raw = fixed 2 s", "", {"raw": lag["fixed"]["polls_per_execution"],
            "ours": lag["learned"]["polls_per_execution"]}, digits=2)
    )  # fmt: skip
    print("  simulated time: 32 runs of 3 s +-10%, 4 at a time, seeds 0-2 (raw = fixed 2 s polling)", flush=True)
    simulated = [batch_simulation.compare(batch_simulation.similar_durations(32, seed=seed), 4) for seed in range(3)]
    for label, attribute, unit, digits in (("mean lag", "mean_lag", "s", 2), ("polls", "polls", "", 0)):
        values: dict[str, float | None] = {
            "raw": statistics.mean(getattr(figures["fixed"], attribute) for figures in simulated),
            "ours": statistics.mean(getattr(figures["learned"], attribute) for figures in simulated),
        }
        report.add(Row(f"  simulated batch {label}", unit, values, digits=digits))


def start_batch_child(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "batch.py"), *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=child_environment(),
    )  # fmt: skip


# --- output -------------------------------------------------------------------------------------------------


def _cell(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _format_row(row: Row) -> str:
    cells = " ".join(f"{_cell(row.values.get(client), row.digits):>10}" for client in CLIENTS)
    ratios = f"{_ratio(row.ratio('official')):>9} {_ratio(row.ratio('ours')):>9}"
    unit = f"[{row.unit}]" if row.unit else ""
    return f"{row.label:<52} {unit:>6} {cells}   {ratios}  {row.note}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def combine(reports: list[Report]) -> Report:
    """One report of several runs: the median of each figure, and of each same-run ratio."""
    combined = Report()
    for rows in zip(*(report.rows for report in reports), strict=True):
        first = rows[0]
        values = {client: _median([row.values.get(client) for row in rows]) for client in CLIENTS}
        ratios = {client: _median([row.ratio(client) for row in rows]) for client in CLIENTS}
        combined.rows.append(Row(first.label, first.unit, values, first.note, first.digits, first.ratio_to, ratios))
    return combined


def markdown(report: Report, started: datetime, load_before: str, load_after: str, runs: int) -> str:
    what = "" if runs == 1 else f"; median of {runs} runs (each ratio: the median of the {runs} same-run ratios)"
    lines = [
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}; load average {load_before} before, "
        f"{load_after} after{what}. Ratios are to raw httpx (the floor) from the same run.",
        "",
        "| figure | unit | raw httpx | official 0.4.12 | eigenpal-ext | official / floor | ours / floor | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in report.rows:
        cells = " | ".join(_cell(row.values.get(client), row.digits) for client in CLIENTS)
        lines.append(
            f"| {row.label.strip()} | {row.unit} | {cells} | {_ratio(row.ratio('official'))} | "
            f"{_ratio(row.ratio('ours'))} | {row.note} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sections = ["import", "cpu", "wait", "upload", "fanout", "server", "batch"]
    parser.add_argument("--only", default=",".join(sections), help=f"comma-separated subset of {sections}")
    parser.add_argument("--calls", type=int, default=2000, help="sequential executions.get per child (2000)")
    parser.add_argument("--repeats", type=int, default=5, help="children per client for CPU and fan-out (5)")
    parser.add_argument("--import-repeats", type=int, default=9, help="fresh processes per import figure (9)")
    parser.add_argument("--upload-mib", type=int, default=512, help="upload size in MiB (512)")
    parser.add_argument("--fanout", type=int, default=500, help="run+get pairs in the fan-out (500)")
    parser.add_argument("--runs", type=int, default=1, help="run everything this many times; print medians (1)")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    chosen = [name for name in args.only.split(",") if name]
    unknown = set(chosen) - set(sections)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {sections}")

    started, load_before = datetime.now(UTC), load()
    print(f"eigenpal-ext benchmarks, {started:%Y-%m-%d %H:%M} UTC; {machine()}; load {load_before}")
    header = (
        f"{'figure':<52} {'unit':>6} {'raw httpx':>10} {'official':>10} {'ours':>10}   {'off/raw':>9} {'ours/raw':>9}"
    )
    print(header)
    began = time.perf_counter()
    reports = []
    for number in range(args.runs):
        if args.runs > 1:
            print(f"--- run {number + 1} of {args.runs}", flush=True)
        reports.append(run_once(chosen, args))
    report = reports[0] if args.runs == 1 else combine(reports)
    load_after = load()
    print(f"\ntotal {time.perf_counter() - began:.0f} s; load {load_after}")
    if args.runs > 1:
        print(f"median of {args.runs} runs; each ratio is the median of the same-run ratios")
    print(header)
    for row in report.rows:
        print(_format_row(row))
    if args.markdown is not None:
        args.markdown.write_text(markdown(report, started, load_before, load_after, args.runs))
        print(f"Markdown table written to {args.markdown}")


def run_once(chosen: list[str], args: argparse.Namespace) -> Report:
    report = Report()
    if "import" in chosen:
        section_import(report, args.import_repeats)
    needs_server = {"cpu", "wait", "fanout", "server", "batch"} & set(chosen)
    server = LocalServer(workers=32) if needs_server else None
    try:
        if server is not None and "cpu" in chosen:
            section_cpu(report, server.base_url, args.calls, args.repeats)
        if server is not None and "wait" in chosen:
            section_wait(report, server.base_url)
        if server is not None and "fanout" in chosen:
            section_fanout(report, server.base_url, args.fanout, 50, args.repeats)
        if server is not None and "server" in chosen:
            section_server(report, server.base_url, 400)
        if server is not None and "batch" in chosen:
            section_batch(report, server.base_url)
    finally:
        if server is not None:
            server.stop()
    if "upload" in chosen:
        section_upload(report, args.upload_mib)
    return report


if __name__ == "__main__":
    main()
