"""Schemathesis against the local server, generated from ``openapi.yaml``: no check may fail.

Runs ``scripts/run_schemathesis.py`` (the script behind ``make schemathesis``) as a subprocess with a
small, bounded example count, so the suite stays fast (about 40 s on two cores): every operation, every
check, all four phases, a fixed seed. ``make schemathesis`` runs the same with 100 examples.

The tests after it pin the server bugs schemathesis found, so they stay fixed whatever the seed draws.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from eigenpal_ext.testing import LocalEigenpalServer

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "run_schemathesis.py"
MAX_EXAMPLES = 20
TIMEOUT_SECONDS = 240.0
TAIL_LINES = 120


def test_schemathesis_finds_no_failure() -> None:
    command = [sys.executable, str(SCRIPT), "--max-examples", str(MAX_EXAMPLES)]
    try:
        completed = subprocess.run(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.output if isinstance(exc.output, str) else (exc.output or b"").decode("utf-8", "replace")
        pytest.fail(f"schemathesis did not finish within {TIMEOUT_SECONDS:.0f} s; output tail:\n{_tail(output)}")
    if completed.returncode != 0:
        pytest.fail(f"schemathesis exited {completed.returncode}; output tail:\n{_tail(completed.stdout)}")
    assert "No issues found" in completed.stdout, _tail(completed.stdout)


def _tail(output: str) -> str:
    return "\n".join(output.splitlines()[-TAIL_LINES:])


# --- what schemathesis found ------------------------------------------------------------------------


def _get(server: LocalEigenpalServer, raw_path: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    return httpx.get(server.base_url + raw_path, headers=headers, timeout=10.0)


def _assert_envelope(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["requestId"] == response.headers["x-request-id"]


@pytest.mark.parametrize("raw_path", ["/api/v1/workflows/a%0Ab/executions", "/api/v1/workflows%0A", "/x%0A/y"])
def test_an_encoded_newline_in_the_path_gets_the_json_404(e2e_server: LocalEigenpalServer, raw_path: str) -> None:
    # Starlette's route regex stopped at the newline and answered a text/plain "Not Found".
    _assert_envelope(_get(e2e_server, raw_path), 404)


def test_an_offset_beyond_sqlite_integers_is_a_400(e2e_server: LocalEigenpalServer) -> None:
    # `offset` had no maximum in the spec; 2**65 made SQLite raise OverflowError, a text/plain 500. The spec
    # now bounds every integer parameter to the 64-bit range (tests/e2e/test_e2e_query_ranges.py).
    response = _get(e2e_server, f"/api/v1/workflows/echo/executions?offset={2**65}")
    _assert_envelope(response, 400)
    assert response.json()["issues"][0]["field"] == "query.offset"


def test_an_unexpected_error_is_the_documented_json_500(
    e2e_server: LocalEigenpalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the server")

    monkeypatch.setattr(e2e_server.state.store, "list_executions", broken)
    response = _get(e2e_server, "/api/v1/workflows/echo/executions")
    _assert_envelope(response, 500)
    assert response.json()["issues"][0]["code"] == "internal_error"
