"""The public surface of ``eigenpal_ext``: exactly these names, all importable, and a version that matches.

Adding or removing a public name is a deliberate act: update ``EXPECTED_ALL`` here in the same change.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect

import pytest

import eigenpal_ext

# In ruff's RUF022 order (isort-style: SCREAMING_CASE, then CamelCase, then the rest), as in __init__.py.
EXPECTED_ALL = [
    "TERMINAL_STATUSES",
    "ArgumentTypeError",
    "ArgumentValueError",
    "AsyncBatchRun",
    "AsyncEigenpalClient",
    "AsyncExecutionHandle",
    "AsyncRunHandle",
    "BatchInput",
    "BatchInterrupted",
    "BatchOutcome",
    "BatchRun",
    "CancelOutcome",
    "EigenpalAPIError",
    "EigenpalAuthError",
    "EigenpalClient",
    "EigenpalClientClosedError",
    "EigenpalConnectionError",
    "EigenpalError",
    "EigenpalFileChangedError",
    "EigenpalForbiddenError",
    "EigenpalInterruptedError",
    "EigenpalJournalError",
    "EigenpalMissingAPIKeyError",
    "EigenpalNotFoundError",
    "EigenpalPayloadTooLargeError",
    "EigenpalRateLimitError",
    "EigenpalRequestTimeoutError",
    "EigenpalResponseError",
    "EigenpalResponseTooLargeError",
    "EigenpalServerError",
    "EigenpalTimeoutError",
    "EigenpalUnexpectedStatusError",
    "EigenpalValidationError",
    "EigenpalWaitTimeoutError",
    "ErrorIssue",
    "ExecutionHandle",
    "ExecutionResult",
    "ExecutionStatus",
    "Failed",
    "RawResponse",
    "RunHandle",
    "RunManyInterrupted",
    "RunOutcome",
    "RunResult",
    "Succeeded",
    "__version__",
    "is_terminal",
]

ERROR_NAMES = [name for name in EXPECTED_ALL if name.startswith("Eigenpal") and name.endswith("Error")]


def test_all_is_pinned() -> None:
    assert list(eigenpal_ext.__all__) == EXPECTED_ALL
    assert len(set(eigenpal_ext.__all__)) == len(eigenpal_ext.__all__)


def test_all_is_sorted_within_each_naming_group() -> None:
    constants = [n for n in EXPECTED_ALL if n.isupper()]
    classes = [n for n in EXPECTED_ALL if n[:1].isupper() and not n.isupper()]
    others = [n for n in EXPECTED_ALL if not n[:1].isupper()]
    assert constants + classes + others == EXPECTED_ALL
    for group in (constants, classes, others):
        assert group == sorted(group)


@pytest.mark.parametrize("name", EXPECTED_ALL)
def test_every_public_name_is_importable(name: str) -> None:
    module = importlib.import_module("eigenpal_ext")
    assert hasattr(module, name)
    namespace: dict[str, object] = {}
    exec(f"from eigenpal_ext import {name}", namespace)
    assert namespace[name] is getattr(eigenpal_ext, name)


def test_star_import_gives_exactly_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from eigenpal_ext import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(EXPECTED_ALL)


def test_the_terminal_statuses_have_one_name() -> None:
    assert {"completed", "failed", "cancelled", "rejected"} == eigenpal_ext.TERMINAL_STATUSES
    assert not hasattr(eigenpal_ext, "TERMINAL")  # no pre-release alias: 0.1.0 is the first release


def test_version_matches_the_installed_distribution() -> None:
    assert eigenpal_ext.__version__ == importlib.metadata.version("eigenpal-ext")
    assert isinstance(eigenpal_ext.__version__, str)


@pytest.mark.parametrize("name", ERROR_NAMES)
def test_every_exported_error_is_an_eigenpal_error(name: str) -> None:
    error_type = getattr(eigenpal_ext, name)
    assert inspect.isclass(error_type)
    assert issubclass(error_type, eigenpal_ext.EigenpalError)
    assert issubclass(error_type, Exception)


def test_the_clients_are_classes_with_the_documented_resources() -> None:
    for client_type in (eigenpal_ext.EigenpalClient, eigenpal_ext.AsyncEigenpalClient):
        assert inspect.isclass(client_type)
    client = eigenpal_ext.EigenpalClient(api_key="eg_test_key_0123456789")
    with client:
        for method in ("list", "get", "versions", "run"):
            assert callable(getattr(client.workflows, method))
        for method in ("get", "list", "cancel", "wait", "run_and_wait"):
            assert callable(getattr(client.workflows.executions, method))
