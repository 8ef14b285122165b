"""eigenpal-ext: the ergonomic Python client for EigenPal's workflow-execution API.

``EigenpalClient`` / ``AsyncEigenpalClient`` are what most code needs; the low-level client generated
from ``openapi.yaml`` is the sibling package ``eigenpal_api`` (also reachable as ``client.raw``).
The public names are exactly those in ``__all__`` (pinned by tests/unit/test_exports.py).
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

# Imported with the package: the clients and the errors, which need nothing beyond httpx. Everything else
# (the generated models, the waiting and fan-out code, asyncio, date parsing, the CLI) is loaded where it is
# first used; the names below that live there are loaded on first access (PEP 562 ``__getattr__``), and
# tests/unit/test_lazy_imports.py pins which modules ``import eigenpal_ext`` must not load.
from eigenpal_ext._client import AsyncEigenpalClient, EigenpalClient
from eigenpal_ext._errors import (
    ArgumentTypeError,
    ArgumentValueError,
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalClientClosedError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalFileChangedError,
    EigenpalForbiddenError,
    EigenpalInterruptedError,
    EigenpalJournalError,
    EigenpalMissingAPIKeyError,
    EigenpalNotFoundError,
    EigenpalPayloadTooLargeError,
    EigenpalRateLimitError,
    EigenpalRequestTimeoutError,
    EigenpalResponseError,
    EigenpalResponseTooLargeError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalUnexpectedStatusError,
    EigenpalValidationError,
    EigenpalWaitTimeoutError,
    ErrorIssue,
)
from eigenpal_ext._interrupts import BatchInterrupted, RunManyInterrupted

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time these come from __getattr__
    from eigenpal_api.models import CancelOutcome, ExecutionStatus

    from eigenpal_ext._batch_inputs import BatchInput
    from eigenpal_ext._batch_outcomes import BatchOutcome, Failed, Succeeded
    from eigenpal_ext._batch_run import AsyncBatchRun, BatchRun
    from eigenpal_ext._fanout import RunOutcome
    from eigenpal_ext._handle import AsyncExecutionHandle, ExecutionHandle
    from eigenpal_ext._raw import RawResponse
    from eigenpal_ext._results import ExecutionResult, RunResult
    from eigenpal_ext._run_handle import AsyncRunHandle, RunHandle
    from eigenpal_ext._statuses import TERMINAL_STATUSES, is_terminal

# Public name -> (module, attribute) for the names loaded on first access.
_LAZY: dict[str, tuple[str, str]] = {
    "CancelOutcome": ("eigenpal_api.models", "CancelOutcome"),
    "ExecutionStatus": ("eigenpal_api.models", "ExecutionStatus"),
    "RunOutcome": ("eigenpal_ext._fanout", "RunOutcome"),
    "RawResponse": ("eigenpal_ext._raw", "RawResponse"),
    "BatchInput": ("eigenpal_ext._batch_inputs", "BatchInput"),
    "BatchOutcome": ("eigenpal_ext._batch_outcomes", "BatchOutcome"),
    "Failed": ("eigenpal_ext._batch_outcomes", "Failed"),
    "Succeeded": ("eigenpal_ext._batch_outcomes", "Succeeded"),
    "AsyncBatchRun": ("eigenpal_ext._batch_run", "AsyncBatchRun"),
    "BatchRun": ("eigenpal_ext._batch_run", "BatchRun"),
    "ExecutionHandle": ("eigenpal_ext._handle", "ExecutionHandle"),
    "AsyncExecutionHandle": ("eigenpal_ext._handle", "AsyncExecutionHandle"),
    "ExecutionResult": ("eigenpal_ext._results", "ExecutionResult"),
    "RunResult": ("eigenpal_ext._results", "RunResult"),
    "RunHandle": ("eigenpal_ext._run_handle", "RunHandle"),
    "AsyncRunHandle": ("eigenpal_ext._run_handle", "AsyncRunHandle"),
    "TERMINAL_STATUSES": ("eigenpal_ext._statuses", "TERMINAL_STATUSES"),
    "is_terminal": ("eigenpal_ext._statuses", "is_terminal"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value  # once loaded, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
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
