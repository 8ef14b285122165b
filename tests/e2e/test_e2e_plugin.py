"""The pytest plugin users get with ``eigenpal-ext[server]``: the ``eigenpal_server`` and ``eigenpal_env`` fixtures.

The plugin is registered as a ``pytest11`` entry point, so it is active here without any import. The
``pytester`` tests run a user's test file in a fresh pytest subprocess: it passes with the plugin, and
fails for want of the fixture when the plugin is disabled, which shows the entry point is what provides it.
"""

from __future__ import annotations

import importlib.metadata
import os
from urllib.parse import urlsplit

import pytest

from eigenpal_ext import EigenpalClient, ExecutionStatus
from eigenpal_ext.testing import DEFAULT_API_KEY, LocalEigenpalServer
from eigenpal_ext.testing.pytest_plugin import EigenpalServerFixture

pytest_plugins = ["pytester"]

USER_TEST_FILE = """
import os

from eigenpal_ext import EigenpalClient

SEEN = []


def test_invoice_flow(eigenpal_server):
    final = eigenpal_server.client.workflows.executions.run_and_wait("echo", input={"n": 1})
    assert final.status == "completed"
    assert final.result == {"n": 1}
    assert eigenpal_server.base_url.startswith("http://127.0.0.1:")
    SEEN.append(final.execution_id)


def test_code_that_reads_the_environment(eigenpal_env):
    assert os.environ["EIGENPAL_BASE_URL"] == eigenpal_env.base_url
    with EigenpalClient() as client:
        assert client.workflows.get("echo").name == "echo"
        # one server per session: the previous test's execution is on it
        assert [item.id for item in client.workflows.executions.list("echo").data] == SEEN
"""


def test_the_plugin_is_registered_as_a_pytest11_entry_point(pytestconfig: pytest.Config) -> None:
    entry_points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert entry_points.get("eigenpal") == "eigenpal_ext.testing.pytest_plugin"
    assert pytestconfig.pluginmanager.has_plugin("eigenpal")


def test_eigenpal_server_gives_a_loopback_server_and_a_working_client(eigenpal_server: EigenpalServerFixture) -> None:
    url = urlsplit(eigenpal_server.base_url)
    assert (url.scheme, url.hostname) == ("http", "127.0.0.1")
    assert url.port is not None
    assert url.port > 0
    assert eigenpal_server.api_key == DEFAULT_API_KEY
    assert isinstance(eigenpal_server.server, LocalEigenpalServer)
    assert isinstance(eigenpal_server.client, EigenpalClient)

    final = eigenpal_server.client.workflows.executions.run_and_wait("echo", input={"n": 1}, timeout_seconds=10.0)
    assert final.status == ExecutionStatus.COMPLETED
    assert final.result == {"n": 1}
    stored = eigenpal_server.server.store.get(final.execution_id)
    assert stored is not None
    assert stored.status == "completed"


def test_eigenpal_env_points_a_default_client_at_the_server(eigenpal_env: EigenpalServerFixture) -> None:
    assert os.environ["EIGENPAL_BASE_URL"] == eigenpal_env.base_url
    assert os.environ["EIGENPAL_API_KEY"] == eigenpal_env.api_key
    with EigenpalClient() as client:
        final = client.workflows.executions.run_and_wait("echo", input={"from": "env"}, timeout_seconds=10.0)
    assert final.status == ExecutionStatus.COMPLETED
    assert final.result == {"from": "env"}
    assert eigenpal_env.server.store.get(final.execution_id) is not None, "it ran on the fixture's server"


def test_a_users_test_file_passes_with_the_installed_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user_code=USER_TEST_FILE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_without_the_plugin_the_fixture_is_missing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user_code=USER_TEST_FILE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:eigenpal")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*fixture 'eigenpal_server' not found*"])
