"""Transport mapping: an httpx exception (nothing usable arrived) becomes ``EigenpalConnectionError`` or
``EigenpalRequestTimeoutError``, never a raw httpx error.

The error says what failed in words (refused, DNS, dropped, which timeout phase and its seconds), where (the
server's ``host:port``, ``host_and_port``), and whether the request may have reached the server
(``request_sent``): what counts as "not sent" is the retry policy's ``NOT_SENT_ERRORS``, one definition for both.
A run whose answer was lost after it was sent may have started an execution whose id nobody knows, so such an
error says so (``execution_may_exist``); where to find it is added by the trigger flow
(``_trigger.mark_may_exist``), which knows the workflow and when the run was sent. The API key is redacted from
the message (``_redaction``).
"""

from collections.abc import Mapping
from typing import Final

import httpx

from eigenpal_ext._errors import EigenpalConnectionError, EigenpalRequestTimeoutError
from eigenpal_ext._limits import DeadlineExceeded
from eigenpal_ext._redaction import clean, redact, secrets_of
from eigenpal_ext._retry import NOT_SENT_ERRORS

__all__ = ["PROXY_EXTENSION", "error_from_transport", "exception_request", "host_and_port"]

PROXY_EXTENSION: Final = "eigenpal_ext.proxy"
"""The request extension naming the proxy (``host:port``) a request was sent through (set by ``_proxies``)."""

_TIMEOUT_PHASES: Final[tuple[tuple[type[httpx.TimeoutException], str], ...]] = (
    (httpx.ConnectTimeout, "connect"),
    (httpx.ReadTimeout, "read"),
    (httpx.WriteTimeout, "write"),
    (httpx.PoolTimeout, "pool"),
)

# Most specific classes first: the generic NetworkError must not shadow ReadError, WriteError...
_TRANSPORT_SUMMARIES: Final[tuple[tuple[type[httpx.TransportError], str], ...]] = (
    (httpx.ConnectError, "could not connect to {host}"),
    (httpx.RemoteProtocolError, "connection dropped: {host} closed the connection or sent an invalid HTTP response"),
    (httpx.ReadError, "connection dropped while reading the response from {host}"),
    (httpx.WriteError, "connection dropped while sending the request to {host}"),
    (httpx.CloseError, "error while closing the connection to {host}"),
    (httpx.ProxyError, "could not reach {host} through {proxy}"),
    (httpx.UnsupportedProtocol, "unsupported URL scheme: base_url must start with http:// or https://"),
    (httpx.LocalProtocolError, "could not send a valid HTTP request to {host}"),
    (httpx.NetworkError, "network error talking to {host}"),
)


def error_from_transport(
    exc: httpx.TransportError,
    *,
    execution_id: str | None = None,
    request_sent: bool | None = None,
    creates_execution: bool = False,
) -> EigenpalConnectionError | EigenpalRequestTimeoutError:
    """Wrap an httpx transport error; the caller raises the result ``from exc`` to keep the original.

    ``request_sent`` defaults to whether the failure can have happened after the request was written.
    ``creates_execution`` (a run request): a failure after sending says that an execution may exist.
    """
    request = exception_request(exc)
    host = host_and_port(request.url) if request is not None and request.url.host else "the server"
    proxy = request.extensions.get(PROXY_EXTENSION) if request is not None else None
    if isinstance(proxy, str) and not isinstance(exc, httpx.ProxyError):
        host = f"{host} through the proxy {proxy}"  # which proxy: the failure may be the proxy's
    if request_sent is None and isinstance(exc, DeadlineExceeded):
        request_sent = exc.request_sent
    sent = request_sent if request_sent is not None else not isinstance(exc, NOT_SENT_ERRORS)
    # A run that never left this process created nothing: no "may exist" warning for it.
    execution_may_exist = creates_execution and sent

    timeout_seconds: float | None = None
    if isinstance(exc, DeadlineExceeded):
        timeout_seconds = exc.budget_seconds
        text = (
            f"request timed out: no complete answer from {host} within {round(timeout_seconds, 2):g}s "
            "(the deadline covers the whole request: connecting, sending, the answer's body and retries)"
        )
    elif isinstance(exc, httpx.TimeoutException):
        phase = next((name for kind, name in _TIMEOUT_PHASES if isinstance(exc, kind)), None)
        timeout_seconds = _configured_timeout(request, phase)
        text = _timeout_text(phase, host, timeout_seconds)
    else:
        # httpx's own text ("[Errno 111] Connection refused", "Name or service not known") tells refused from DNS.
        detail = clean(str(exc))
        cause = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        text = f"{_transport_summary(exc, host, proxy if isinstance(proxy, str) else None)} ({cause})"

    if execution_may_exist and execution_id is None:
        text = f"{text}; the run request was sent, so an execution may exist whose id was never received"
    message = redact(text, secrets_of(request))

    if isinstance(exc, httpx.TimeoutException):
        return EigenpalRequestTimeoutError(
            message,
            execution_id=execution_id,
            timeout_seconds=timeout_seconds,
            execution_may_exist=execution_may_exist,
            request_sent=sent,
        )
    return EigenpalConnectionError(
        message,
        execution_id=execution_id,
        request_sent=sent,
        execution_may_exist=execution_may_exist,
    )


def _timeout_text(phase: str | None, host: str, seconds: float | None) -> str:
    within = f" within {seconds:g}s" if seconds is not None else " in time"
    if phase == "connect":
        return f"request timed out (connect timeout): could not connect to {host}{within}"
    if phase == "read":
        return f"request timed out (read timeout): {host} did not answer{within}"
    if phase == "write":
        return f"request timed out (write timeout): could not send the request to {host}{within}"
    if phase == "pool":
        return (
            f"request timed out (pool timeout): no free connection to {host}{within} "
            "(too many concurrent requests on one client?)"
        )
    return f"request timed out talking to {host}"


def _transport_summary(exc: httpx.TransportError, host: str, proxy: str | None) -> str:
    template = next(
        (text for kind, text in _TRANSPORT_SUMMARIES if isinstance(exc, kind)), "transport error with {host}"
    )
    return template.format(host=host, proxy="the configured proxy" if proxy is None else f"the proxy {proxy}")


_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def host_and_port(url: httpx.URL) -> str:
    """``host:port`` as connected to (the scheme's port when the URL names none; IPv6 hosts in brackets): which
    server, and which of its services, could not be reached (a local server on the wrong port is a common case)."""
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = url.port if url.port is not None else _DEFAULT_PORTS.get(url.scheme)
    return host if port is None else f"{host}:{port}"


def exception_request(exc: httpx.HTTPError) -> httpx.Request | None:
    """The request an httpx error was raised for, or None when httpx did not attach one."""
    try:
        return exc.request
    except RuntimeError:
        return None


def _configured_timeout(request: httpx.Request | None, phase: str | None) -> float | None:
    """The timeout httpx applied to this phase, from the request's extensions; None when not knowable."""
    if request is None or phase is None:
        return None
    timeouts = request.extensions.get("timeout")
    if not isinstance(timeouts, Mapping):
        return None
    value = timeouts.get(phase)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
