"""The package logger (``eigenpal_ext``) and the ``EIGENPAL_LOG`` switch.

``EIGENPAL_LOG=info`` logs retries; ``EIGENPAL_LOG=debug`` also logs every request and response (method,
path, status, time, request id, headers) with the ``Authorization`` header redacted. Without the
variable the package only emits records to whatever logging the application configured, and attaches
no handler of its own (a library must not print unasked).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import TextIO

import httpx

from eigenpal_ext._redaction import escape_controls, is_sensitive_header

LOGGER_NAME = "eigenpal_ext"
LOG_ENV = "EIGENPAL_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}

logger = logging.getLogger(LOGGER_NAME)


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler EIGENPAL_LOG adds; recognised so it is added once."""


def configure_from_env(environ: Mapping[str, str] = os.environ, stream: TextIO | None = None) -> None:
    """Attach a stderr handler at the level ``EIGENPAL_LOG`` names (once); unknown values are ignored."""
    level = LEVELS.get(environ.get(LOG_ENV, "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(handler, _EnvHandler) for handler in logger.handlers):
        handler = _EnvHandler(stream or sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def redacted(headers: httpx.Headers) -> dict[str, str]:
    """Headers for a log line; credentials (``_redaction.is_sensitive_header``) replaced, the scheme kept so that
    'Bearer' still shows."""
    shown: dict[str, str] = {}
    for name, value in headers.items():
        if is_sensitive_header(name):
            scheme = value.split(" ", 1)[0] if " " in value else ""
            shown[name] = f"{scheme} [redacted]".strip()
        else:
            shown[name] = value
    return shown


def log_request(request: httpx.Request, attempt: int) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        retry = f" (retry {attempt})" if attempt else ""
        logger.debug("-> %s %s%s headers=%s", request.method, request.url, retry, redacted(request.headers))


def log_response(request: httpx.Request, response: httpx.Response, seconds: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "<- %s %s %d in %.3fs request_id=%s",
            request.method,
            request.url.path,
            response.status_code,
            seconds,
            escape_controls(response.headers.get("x-request-id", "-")),  # server-supplied
        )


def log_failure(request: httpx.Request, error: Exception, seconds: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("<- %s %s failed after %.3fs: %s", request.method, request.url.path, seconds, type(error).__name__)
