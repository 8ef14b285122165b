"""A client's settings, resolved once: arguments first, then the environment, then the defaults of ``_config``.

``resolve_settings`` is pure (the environment is a parameter): the API key (``api_key``, else
``EIGENPAL_API_KEY``), the base URL (``base_url``, else ``EIGENPAL_BASE_URL``, else the hosted instance) and where
the API is under it (``split_base_url``, the one rule for EigenPal's two URL layouts), the default per-request
timeout, the retry policy, the default headers (telemetry, the caller's, then Authorization) and
``multipart_max_bytes`` (else ``EIGENPAL_MULTIPART_MAX_BYTES``, else 4.5 MiB).
``derive_settings`` makes a ``with_options`` client's from them. ``split_httpx_args`` and
``http_client_arguments`` say which of the caller's ``httpx_args`` configure the connection pool and which the
``httpx.Client``. The checks themselves are ``_checks``'.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

import httpx

from eigenpal_ext import _config
from eigenpal_ext._checks import (
    check_api_key,
    check_default_headers,
    check_extra_headers,
    check_max_retries,
    check_multipart_max_bytes,
    check_request_timeout,
    normalise_base_url,
)
from eigenpal_ext._errors import ArgumentValueError
from eigenpal_ext._retry import RetryPolicy
from eigenpal_ext._telemetry import telemetry_headers

# httpx_args keys that the client sets itself; each has its own argument.
_RESERVED_HTTPX_ARGS = {
    "base_url": "base_url",
    "headers": "default_headers",
    "timeout": "request_timeout_seconds",
    "transport": "transport",
}
# httpx_args keys that configure the connections themselves. httpx applies them only to a transport it builds,
# and this client always hands httpx its own (the retrying one), so they configure the pool's transport here:
# passed to httpx.Client they would be ignored (verify, cert, limits) or get a transport of their own that
# bypasses retries and the with_options pool (proxy).
_POOL_HTTPX_ARGS = ("verify", "cert", "trust_env", "http1", "http2", "limits", "proxy")


CONTRACT_PREFIX: Final = "/api/v1"
"""The prefix every path of ``openapi.yaml`` (so every request the generated operations build) starts with: the
layout of ``studio.eigenpal.com`` (and of ``app.eigenpal.com`` before it)."""
SHORT_PREFIX: Final = "/v1"
"""The prefix of the ``api.eigenpal.com`` layout (the official SDK's default host since 0.11.0)."""
SHORT_LAYOUT_HOSTS: Final = frozenset({"api.eigenpal.com"})
"""Hosts whose API is at ``/v1/...`` when ``base_url`` is the bare host."""
# A base_url whose path ends like this is honoured as given: the ending is cut off the root, and the prefix it
# means is put in front of each request's path (``<root>/api`` + ``/v1/...`` is ``<root>`` + ``/api/v1/...``).
_GIVEN_PREFIXES: Final = (("/api/v1", CONTRACT_PREFIX), ("/v1", SHORT_PREFIX), ("/api", CONTRACT_PREFIX))


def split_base_url(url: str) -> tuple[str, str]:
    """A checked ``base_url`` (``_checks.normalise_base_url``) as (the root httpx sends to, the API's prefix under it).

    EigenPal serves one API under two layouts: ``https://studio.eigenpal.com/api/v1/...`` and
    ``https://api.eigenpal.com/v1/...``. A ``base_url`` whose path ends in ``/api/v1``, ``/v1`` or ``/api`` is
    honoured as given (the API is at ``<base_url>/...``, ``<base_url>/...`` and ``<base_url>/v1/...``); any other
    (a bare host, or a path of a proxy in front of the API) gets ``/api/v1``, except the bare host
    ``api.eigenpal.com``, which gets ``/v1``. The local server serves both layouts.
    """
    parsed = httpx.URL(url)
    for ending, prefix in _GIVEN_PREFIXES:
        if parsed.path.endswith(ending):  # the path's ending, not the host's ("https://v1" is a bare host)
            return url[: -len(ending)].rstrip("/"), prefix
    bare = parsed.path in ("", "/")
    return url, (SHORT_PREFIX if bare and parsed.host in SHORT_LAYOUT_HOSTS else CONTRACT_PREFIX)


class ClientSettings(NamedTuple):
    """What a client was configured with. The API key (and the headers carrying it) are kept out of ``repr``.

    A NamedTuple, not attrs or a dataclass: this module is loaded by ``import eigenpal_ext``, which stays free
    of both (attrs, or dataclasses' ``inspect``, would cost more than a fifth of ``import httpx``).
    """

    api_key: str
    base_url: str
    timeout: httpx.Timeout
    retry: RetryPolicy
    headers: Mapping[str, str]
    api_prefix: str = CONTRACT_PREFIX
    multipart_max_bytes: int | None = _config.DEFAULT_MULTIPART_MAX_BYTES

    @property
    def api_url(self) -> str:
        """Where the API's paths start: ``https://studio.eigenpal.com/api/v1``, ``https://api.eigenpal.com/v1``."""
        return self.base_url + self.api_prefix

    def __repr__(self) -> str:
        return (
            f"ClientSettings(base_url={self.base_url!r}, api_prefix={self.api_prefix!r}, timeout={self.timeout!r}, "
            f"retry={self.retry!r})"
        )


def given_api_key(api_key: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The key the caller means: ``api_key``, or ``EIGENPAL_API_KEY`` when it is None (not checked here)."""
    return api_key if api_key is not None else environ.get(_config.API_KEY_ENV)


FROM_ENVIRONMENT = "env"
"""``multipart_max_bytes="env"`` (the default): ``EIGENPAL_MULTIPART_MAX_BYTES``, else 4.5 MiB."""
_NEVER = ("none", "null", "unlimited")


def resolve_multipart_max_bytes(value: object, environ: Mapping[str, str] = os.environ) -> int | None:
    """``multipart_max_bytes`` as given (bytes, or None: never upload first), or from the environment for ``"env"``:
    ``EIGENPAL_MULTIPART_MAX_BYTES`` holds a number of bytes or ``none``/``null``/``unlimited``; unset, 4.5 MiB."""
    if value != FROM_ENVIRONMENT:
        return check_multipart_max_bytes(value)
    raw = environ.get(_config.MULTIPART_MAX_BYTES_ENV, "").strip().lower()
    if not raw:
        return _config.DEFAULT_MULTIPART_MAX_BYTES
    if raw in _NEVER:
        return None
    if not raw.isdigit():
        raise ArgumentValueError(
            _config.MULTIPART_MAX_BYTES_ENV, f"must be a number of bytes or one of {', '.join(_NEVER)}, got {raw!r}"
        )
    return int(raw)


def resolve_settings(
    *,
    api_key: str | None,
    base_url: str | None,
    request_timeout_seconds: float | httpx.Timeout,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    multipart_max_bytes: object = FROM_ENVIRONMENT,
    environ: Mapping[str, str] = os.environ,
) -> ClientSettings:
    key = check_api_key(given_api_key(api_key, environ))
    root, prefix = split_base_url(
        normalise_base_url(
            base_url if base_url is not None else environ.get(_config.BASE_URL_ENV) or _config.DEFAULT_BASE_URL
        )
    )
    check_max_retries(max_retries)
    check_default_headers(default_headers)
    headers = {**telemetry_headers(), **dict(default_headers or {}), "Authorization": f"Bearer {key}"}
    return ClientSettings(
        api_key=key,
        base_url=root,
        api_prefix=prefix,
        multipart_max_bytes=resolve_multipart_max_bytes(multipart_max_bytes, environ),
        timeout=default_timeout(request_timeout_seconds),
        retry=RetryPolicy(max_retries=max_retries),
        headers=headers,
    )


def derive_settings(
    settings: ClientSettings,
    *,
    request_timeout_seconds: float | httpx.Timeout | None,
    max_retries: int | None,
    headers: Mapping[str, str] | None,
) -> ClientSettings:
    """The settings of a ``with_options`` client: ``settings`` with what is given replaced (None keeps it).

    ``headers`` are merged over the existing ones, case-insensitively; Authorization cannot be among them,
    since it is derived from the API key (a client for another key is a new client).
    """
    changes: dict[str, Any] = {}
    if request_timeout_seconds is not None:
        changes["timeout"] = default_timeout(request_timeout_seconds)
    if max_retries is not None:
        changes["retry"] = RetryPolicy(max_retries=check_max_retries(max_retries))
    if headers is not None:
        merged = httpx.Headers(settings.headers)
        merged.update(check_extra_headers(headers))
        changes["headers"] = dict(merged.items())
    return settings._replace(**changes)


def default_timeout(request_timeout_seconds: float | httpx.Timeout) -> httpx.Timeout:
    """The client's default per-request timeout: an ``httpx.Timeout`` as given, or seconds (connecting capped at
    ``DEFAULT_CONNECT_TIMEOUT_SECONDS``)."""
    if isinstance(request_timeout_seconds, httpx.Timeout):
        return request_timeout_seconds
    seconds = check_request_timeout(request_timeout_seconds)
    return httpx.Timeout(seconds, connect=min(seconds, _config.DEFAULT_CONNECT_TIMEOUT_SECONDS))


def split_httpx_args(
    httpx_args: Mapping[str, Any] | None, *, custom_transport: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``httpx_args`` as (arguments of the pool's transport, arguments of ``httpx.Client``), checked.

    With ``transport=`` given, the connection arguments belong to that transport and are refused here
    (``trust_env`` excepted: httpx.Client also reads it, for ``.netrc`` credentials).
    """
    extra = dict(httpx_args or {})
    _check_reserved(extra)
    pool = {key: extra.pop(key) for key in _POOL_HTTPX_ARGS if key in extra}
    if "trust_env" in pool:
        extra["trust_env"] = pool["trust_env"]
    if custom_transport:
        given = [key for key in pool if key != "trust_env"]
        if given:
            raise ArgumentValueError(
                f"httpx_args[{given[0]!r}]",
                "configures the connections, which transport= replaces: configure the transport you pass instead",
            )
    pool.setdefault("limits", _LIMITS)
    return pool, extra


def _check_reserved(httpx_args: Mapping[str, Any]) -> None:
    for key, argument in _RESERVED_HTTPX_ARGS.items():
        if key in httpx_args:
            raise ArgumentValueError(
                f"httpx_args[{key!r}]", f"is set by the client; use the {argument}= argument instead"
            )


def http_client_arguments(
    settings: ClientSettings,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
    httpx_args: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client``/``httpx.AsyncClient``: ours, then the user's extras."""
    extra = dict(httpx_args or {})
    _check_reserved(extra)
    own = {
        "base_url": settings.base_url,
        "headers": dict(settings.headers),
        "timeout": settings.timeout,
        "api_prefix": settings.api_prefix,
    }
    return {**own, "transport": transport, **extra}


_LIMITS = httpx.Limits(
    max_connections=_config.MAX_CONNECTIONS, max_keepalive_connections=_config.MAX_KEEPALIVE_CONNECTIONS
)
