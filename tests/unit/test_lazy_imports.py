"""``import eigenpal_ext`` loads the clients and the errors, and nothing heavy: pinned by module name.

What the package defers (the generated models, asyncio, attrs, date parsing, the CLI, the resources and
the waiting code) is loaded where it is first used. Each check runs in a fresh interpreter, since this test
process has long imported everything. A module that ``import httpx`` loads by itself costs the package
nothing, so it is not held against it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import eigenpal_ext

ROOT = Path(__file__).resolve().parents[2]

# Moved out of `import eigenpal_ext` on purpose; each is loaded where it is first used.
DEFERRED = (
    "asyncio",
    "attr",
    "attrs",
    "dataclasses",
    "dateutil",
    "concurrent.futures",
    "platform",
    "uuid",
    "httpcore",  # httpx itself loads it with the first transport; so do the clients (_socket_deadline.py)
    "eigenpal_api",
    "eigenpal_api.models",
    "eigenpal_ext.cli",
    "eigenpal_ext.cli._render",
    "eigenpal_ext.workflows",
    "eigenpal_ext.executions",
    "eigenpal_ext._calls",
    "eigenpal_ext._answers",
    "eigenpal_ext._requestor",
    "eigenpal_ext._flow",
    "eigenpal_ext._handle",
    "eigenpal_ext._results",
    "eigenpal_ext._statuses",
    "eigenpal_ext._waiting",
    "eigenpal_ext._trigger",
    "eigenpal_ext._fanout",
    "eigenpal_ext._paging",
    "eigenpal_ext.dates",
    "eigenpal_ext._files",
)


def modules_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generated")])}
    environment.pop("EIGENPAL_LOG", None)
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60, check=True
    )
    return set(json.loads(completed.stdout))


def test_import_eigenpal_ext_loads_none_of_the_deferred_modules() -> None:
    loaded = modules_after("import eigenpal_ext") - modules_after("import httpx")
    assert "eigenpal_ext._client" in loaded  # the check can see what the package imports
    assert sorted(set(DEFERRED) & loaded) == []


def test_making_a_client_still_loads_none_of_them() -> None:
    statement = "import eigenpal_ext\neigenpal_ext.EigenpalClient(api_key='eg_test', base_url='http://127.0.0.1:9')"
    loaded = modules_after(statement) - modules_after("import httpx")
    # The telemetry headers read platform; the transport (httpx's and the deadline backend) needs httpcore.
    assert sorted(set(DEFERRED) & loaded - {"platform", "httpcore"}) == []


def test_first_use_loads_what_it_needs() -> None:
    statement = (
        "import eigenpal_ext\n"
        "client = eigenpal_ext.EigenpalClient(api_key='eg_test', base_url='http://127.0.0.1:9')\n"
        "client.workflows.executions\n"
        "eigenpal_ext.ExecutionStatus"
    )
    loaded = modules_after(statement)
    assert {"eigenpal_ext.workflows", "eigenpal_ext.executions", "eigenpal_api.models"} <= loaded


@pytest.mark.parametrize("name", eigenpal_ext.__all__)
def test_every_public_name_imports_and_is_listed(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from eigenpal_ext import {name}", namespace)  # the statement users write
    assert namespace[name] is getattr(eigenpal_ext, name)
    assert name in dir(eigenpal_ext)


def test_lazy_names_are_the_real_objects() -> None:
    from eigenpal_api.models import ExecutionStatus

    from eigenpal_ext import _statuses

    assert eigenpal_ext.ExecutionStatus is ExecutionStatus
    assert eigenpal_ext.TERMINAL_STATUSES is _statuses.TERMINAL_STATUSES
    assert eigenpal_ext.is_terminal("completed")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        eigenpal_ext.NoSuchThing  # noqa: B018


def test_resources_and_raw_client_are_made_once_per_client() -> None:
    import eigenpal_api

    with eigenpal_ext.EigenpalClient(api_key="eg_test", base_url="http://127.0.0.1:9") as client:
        assert client.workflows is client.workflows
        assert client.raw is client.raw
        assert isinstance(client.raw, eigenpal_api.Client)
        raw_http = client.raw.get_httpx_client()
        assert not raw_http.is_closed
    assert raw_http.is_closed  # the raw client sends through the client's own pool: closed with it
