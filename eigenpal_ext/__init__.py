"""eigenpal-ext: the ergonomic Python client for EigenPal's workflow-execution API.

``EigenpalClient`` / ``AsyncEigenpalClient`` are what most code needs; the low-level client generated
from ``openapi.yaml`` is the sibling package ``eigenpal_api`` (also reachable as ``client.raw``).
The public names are exactly those in ``__all__`` (pinned by tests/unit/test_exports.py).
"""

__version__ = "0.1.0"

from eigenpal_api.models import CancelOutcome, ExecutionStatus

from eigenpal_ext._client import AsyncEigenpalClient, EigenpalClient
from eigenpal_ext._errors import (
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalForbiddenError,
    EigenpalNotFoundError,
    EigenpalPayloadTooLargeError,
    EigenpalRateLimitError,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalUnexpectedStatusError,
    EigenpalValidationError,
    ErrorIssue,
)
from eigenpal_ext._fanout import RunOutcome
from eigenpal_ext._polling import TERMINAL_STATUSES, ExecutionResult, is_terminal

TERMINAL = TERMINAL_STATUSES
"""Alias of ``TERMINAL_STATUSES`` under the name the product documentation uses."""

__all__ = [
    "TERMINAL",
    "TERMINAL_STATUSES",
    "AsyncEigenpalClient",
    "CancelOutcome",
    "EigenpalAPIError",
    "EigenpalAuthError",
    "EigenpalClient",
    "EigenpalConnectionError",
    "EigenpalError",
    "EigenpalForbiddenError",
    "EigenpalNotFoundError",
    "EigenpalPayloadTooLargeError",
    "EigenpalRateLimitError",
    "EigenpalResponseError",
    "EigenpalServerError",
    "EigenpalTimeoutError",
    "EigenpalUnexpectedStatusError",
    "EigenpalValidationError",
    "ErrorIssue",
    "ExecutionResult",
    "ExecutionStatus",
    "RunOutcome",
    "__version__",
    "is_terminal",
]
