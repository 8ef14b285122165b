"""The pytest plugin users get with ``eigenpal-ext[server]``: ``eigenpal_server`` and its relatives.

The plugin is registered as a ``pytest11`` entry point, so it is active here without any import. The
``pytester`` tests run a user's test file in a fresh pytest subprocess: it passes with the plugin, and
fails for want of the fixture when the plugin is disabled, which shows the entry point is what provides it.
"""

from __future__ import annotations

import importlib.metadata
import os
from urllib.parse import urlsplit

import pytest

from eigenpal_ext import EigenpalClient, EigenpalServerError, ExecutionStatus
from eigenpal_ext.testing import (
    DEFAULT_API_KEY,
    EigenpalServerFactory,
    EigenpalServerFixture,
    FaultConfig,
    LocalEigenpalServer,
    ServerConfig,
)

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
        # a fresh server per test: the previous test's execution is not on this one
        assert len(SEEN) == 1
        assert client.workflows.executions.list("echo").total == 0
"""

USER_CONFIGURED_SUITE = {
    "conftest.py": """
import pytest

from eigenpal_ext.testing import ServerConfig


@pytest.fixture
def eigenpal_server_config():
    return ServerConfig(workflows={"extract-contract": "echo"}, hold_window_seconds=2.5)
""",
    "test_configured.py": """
from eigenpal_ext.testing import EigenpalServerFixture


def test_the_override_configures_the_server(eigenpal_server: EigenpalServerFixture):
    assert eigenpal_server.config.hold_window_seconds == 2.5
    final = eigenpal_server.client.workflows.executions.run_and_wait("extract-contract", input={"n": 1})
    assert final.result == {"n": 1}


def test_the_factory_starts_with_the_override_by_default(eigenpal_server_factory):
    assert eigenpal_server_factory().client.workflows.get("extract-contract").name == "extract-contract"
""",
}


def test_the_plugin_is_registered_as_a_pytest11_entry_point(pytestconfig: pytest.Config) -> None:
    entry_points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert entry_points.get("eigenpal") == "pytest_eigenpal"
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


def test_each_test_gets_a_fresh_server_and_state(eigenpal_server: EigenpalServerFixture) -> None:
    # Totals must not pile up: whatever ran in earlier tests, this server has seen nothing yet.
    assert eigenpal_server.server.store.count_executions() == 0
    assert eigenpal_server.client.workflows.executions.list("echo").total == 0
    eigenpal_server.client.workflows.executions.run_and_wait("echo", input={}, timeout_seconds=10.0)
    assert eigenpal_server.server.store.count_executions() == 1


def test_the_server_of_a_test_is_stopped_when_it_ends(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user_code="""
import httpx
import pytest

URLS = []


def test_one(eigenpal_server):
    URLS.append(eigenpal_server.base_url)
    assert httpx.get(eigenpal_server.base_url + "/api/v1/workflows").status_code == 401


def test_two():
    with pytest.raises(httpx.ConnectError):
        httpx.get(URLS[0] + "/api/v1/workflows", timeout=2.0)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_factory_starts_servers_with_their_own_configuration(
    eigenpal_server_factory: EigenpalServerFactory,
) -> None:
    default = eigenpal_server_factory()
    custom = eigenpal_server_factory(
        ServerConfig(
            api_keys={"eg_team_key": "team"},
            workflows={"extract-contract": "extract-invoice"},
            hold_window_seconds=1.0,
            faults=FaultConfig(error_503_rate=1.0),
        )
    )
    assert default.base_url != custom.base_url
    assert default.config == ServerConfig()
    assert custom.api_key == "eg_team_key"
    assert custom.config.hold_window_seconds == 1.0
    with custom.server.client(max_retries=0) as client, pytest.raises(EigenpalServerError):
        client.workflows.get("extract-contract")


def test_a_users_configured_suite_passes(pytester: pytest.Pytester) -> None:
    for name, text in USER_CONFIGURED_SUITE.items():
        (pytester.path / name).write_text(text)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
