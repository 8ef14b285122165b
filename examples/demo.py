"""The main job, end to end: extract an invoice with EigenPal, against a local server (``make demo``).

1. starts ``eigenpal-dev-server`` (the local EigenPal-compatible server) on a free loopback port,
2. writes a sample invoice PDF,
3. runs the ``extract-invoice`` workflow on it with ``run_and_wait`` and a ``Path`` input,
   printing each status change, then the status and the extracted result,
4. lists the executions of the last hour (``from_date="now()-1h"``),
5. stops the server.

Against the real service, drop step 1 and set ``EIGENPAL_API_KEY`` (and nothing else changes).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eigenpal_api.models import Execution

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import write_sample_invoice

LISTENING = re.compile(r"listening on (?P<url>http://127\.0\.0\.1:\d+) \(API key: (?P<key>[^,)]+)")


def start_server() -> tuple[subprocess.Popen[str], str, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "eigenpal_ext.testing", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        match = LISTENING.search(line)
        if match:
            return server, match["url"], match["key"]
        if not line and server.poll() is not None:
            break
    server.kill()
    sys.exit("demo: the local EigenPal server did not start")


def show_status(execution: Execution) -> None:
    print(f"  status: {execution.status}")


def main() -> int:
    server, base_url, api_key = start_server()
    print(f"local EigenPal server: {base_url}")
    try:
        with tempfile.TemporaryDirectory() as folder, EigenpalClient(api_key=api_key, base_url=base_url) as client:
            contract = write_sample_invoice(Path(folder) / "contract.pdf")
            print(f"running extract-invoice on {contract.name} ({contract.stat().st_size} bytes)")
            final = client.workflows.executions.run_and_wait(
                "extract-invoice",
                input={"contract_document": contract, "language": "en"},
                poll_interval_seconds=2.0,
                timeout_seconds=5 * 60.0,
                on_status=show_status,
            )
            print(f"execution {final.execution_id}: {final.status}")
            if final.status != "completed":
                print(f"error: {final.error}")
                return 1
            print(json.dumps(final.result, indent=2))

            recent = client.workflows.executions.list("extract-invoice", from_date="now()-1h", limit=10)
            print(f"executions of extract-invoice in the last hour: {recent.total}")
            for execution in recent.data:
                print(f"  {execution.id}  {execution.status:<10}  {execution.created_at.isoformat()}")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=15)
        print("local EigenPal server stopped")


if __name__ == "__main__":
    sys.exit(main())
