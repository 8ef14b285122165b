"""``EigenpalClient`` and ``AsyncEigenpalClient``: configuration and the lifecycle of one connection pool.

Configuration is resolved once, by the pure ``resolve_settings`` (``_settings``: arguments first, then the
``EIGENPAL_API_KEY`` / ``EIGENPAL_BASE_URL`` environment variables, then the defaults of ``_config``).
Each client owns one httpx client whose transport applies the retry policy; the raw generated client
(``client.raw``) sends through it, and so do the resources (``client.workflows``,
``client.workflows.executions``), which are built on first use and given a requestor (``_requestor``): that
httpx client, the client's ``sleep``, and the flows' ``Context`` (its clock, default timeout and
``KeyKnowledge``), nothing else of the client.
Close it with ``close()``/``aclose()`` or a ``with``/``async with`` block.

``with_options(request_timeout_seconds=..., max_retries=..., headers=...)`` makes a client with other defaults on
the same connection pool. The client built by the constructor owns the pool; a ``with_options`` client
borrows it (``_transport.BorrowedTransport``): closing the borrower leaves the pool open, closing the owner
closes it for all.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

import httpx

from eigenpal_ext import _config, _urls
from eigenpal_ext._checks import check_callable, check_max_response_bytes, check_optional_flag, check_sync_callback
from eigenpal_ext._errors import ArgumentValueError
from eigenpal_ext._idempotency import KeyKnowledge
from eigenpal_ext._logging import configure_from_env
from eigenpal_ext._proxies import check_proxy
from eigenpal_ext._public import public
from eigenpal_ext._settings import (
    FROM_ENVIRONMENT,
    ClientSettings,
    derive_settings,
    http_client_arguments,
    resolve_settings,
    split_httpx_args,
)
from eigenpal_ext._transport import AsyncBorrowedTransport, AsyncRetryTransport, BorrowedTransport, RetryTransport

if TYPE_CHECKING:
    import eigenpal_api

    from eigenpal_ext._requestor import AsyncRequestor, Requestor
    from eigenpal_ext.files import AsyncFiles, Files
    from eigenpal_ext.runs import AsyncRuns, Runs
    from eigenpal_ext.workflows import AsyncWorkflows, Workflows


_PROXY_WITH_TRANSPORT = (
    "configures the connections, which transport= replaces: configure the proxy on the transport you pass instead"
)


class _ClientBase:
    """What both clients expose about their configuration, and ``with_options``."""

    _settings: ClientSettings
    # The transport holding the connections, and the client that owns it (None: this one does).
    _pool: Any
    _owner: _ClientBase | None
    _httpx_args: Mapping[str, Any] | None
    # What the pool was built with (proxy included; _proxies), for a with_options(proxy=) client's own pool; None
    # when the caller passed transport=.
    _pool_args: dict[str, Any] | None
    _keys: KeyKnowledge
    _max_response_bytes: int
    _sleep: Any  # a blocking or an awaitable sleep, per client
    _clock: Callable[[], float]
    _retrying: Any
    _http: Any
    # Whether this client awaits what the user's functions return (sleep=, on_status, on_outcome): the async one
    # does; the sync one refuses an `async def` before anything is sent, since it would never run.
    _awaits_callbacks: bool = False

    def with_options(
        self,
        *,
        request_timeout_seconds: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        proxy: str | httpx.URL | httpx.Proxy | None = None,
    ) -> Self:
        """A client like this one with other defaults, on the same connection pool (no new connections).

        Everything not given is shared: base URL, API key, ``httpx_args``, what the client knows of the server's
        keys. Closing the new client does not close the pool: the client built by the constructor owns it, and
        closing that one closes the pool for every ``with_options`` client made from it (which then raise
        ``EigenpalClientClosedError``, a ``RuntimeError``, if used).

        Example:
            ```python
            from eigenpal_ext import EigenpalClient

            with EigenpalClient() as client:
                impatient = client.with_options(request_timeout_seconds=5, max_retries=0)
                print(len(impatient.workflows.list(limit=5)))
            ```

        Args:
            request_timeout_seconds: The default per-request timeout of the new client (None: this client's).
            max_retries: How often a request may be sent again (None: this client's).
            headers: Headers merged over this client's default headers (None: none added).
            proxy: Send through this proxy (``http://host:3128``; None: as this client does). The new client then
                has a pool of its own through that proxy, closed with it.

        Returns:
            The new client (of this client's class).

        Raises:
            ArgumentValueError: An argument is invalid (``ArgumentTypeError``: of the wrong type).
        """
        settings = derive_settings(
            self._settings, request_timeout_seconds=request_timeout_seconds, max_retries=max_retries, headers=headers
        )
        pool_args = self._pool_args
        if check_proxy(proxy) is not None:
            if pool_args is None:
                raise ArgumentValueError("proxy", _PROXY_WITH_TRANSPORT)
            pool_args = {**pool_args, "proxy": proxy}
        derived = type(self).__new__(type(self))
        derived._pool_args = pool_args
        derived._build(
            settings,
            self._pool if proxy is None else self._new_pool(pool_args or {}),
            owner=(self._owner or self) if proxy is None else None,
            httpx_args=self._httpx_args,
            keys=self._keys,
            max_response_bytes=self._max_response_bytes,
            sleep=self._sleep,
            clock=self._clock,
        )
        return derived

    # Set by each client class: how it holds and sends (sync or async flavours of the same parts).
    _borrowed_transport: Any
    _retry_transport: Any
    _http_client: Any

    def _construct(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        request_timeout_seconds: float | httpx.Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        transport: Any,
        httpx_args: Mapping[str, Any] | None,
        idempotent_runs: bool | None,
        max_response_bytes: int,
        sleep: Any,
        clock: Callable[[], float] | None,
        multipart_max_bytes: int | None | str = FROM_ENVIRONMENT,
        proxy: object = None,
    ) -> None:
        """The constructors' shared work: check every argument, resolve the settings, build the pool."""
        configure_from_env()
        check_optional_flag(idempotent_runs, "idempotent_runs")
        if self._awaits_callbacks:
            check_callable(sleep, "sleep", what="a callable")
        else:
            check_sync_callback(sleep, "sleep", what="a callable")
        check_sync_callback(clock, "clock", what="a callable", async_awaits=False)
        check_max_response_bytes(max_response_bytes)
        settings = resolve_settings(
            api_key=api_key,
            base_url=base_url,
            request_timeout_seconds=request_timeout_seconds,
            max_retries=max_retries,
            default_headers=default_headers,
            multipart_max_bytes=multipart_max_bytes,
        )
        pool_args, client_args = split_httpx_args(httpx_args, custom_transport=transport is not None)
        if check_proxy(proxy) is not None:
            if transport is not None:
                raise ArgumentValueError("proxy", _PROXY_WITH_TRANSPORT)
            if pool_args.get("proxy") is not None:
                raise ArgumentValueError("proxy", "is given twice: as proxy= and as httpx_args['proxy']; keep one")
            pool_args["proxy"] = proxy
        self._pool_args = pool_args if transport is None else None
        pool = transport if transport is not None else self._new_pool(pool_args)
        self._build(
            settings,
            pool,
            owner=None,
            httpx_args=client_args,
            keys=KeyKnowledge(idempotent_runs),
            max_response_bytes=max_response_bytes,
            sleep=sleep if sleep is not None else self._default_sleep(),
            clock=clock if clock is not None else time.monotonic,
        )

    def _new_pool(self, pool_args: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def _default_sleep(self) -> Any:
        raise NotImplementedError

    def _build(
        self,
        settings: ClientSettings,
        pool: Any,
        *,
        owner: _ClientBase | None,
        httpx_args: Mapping[str, Any] | None,
        keys: KeyKnowledge,
        max_response_bytes: int,
        sleep: Any,
        clock: Callable[[], float],
    ) -> None:
        """Wire a client onto ``pool``: its own retry transport and httpx client (``owner``: the pool's owner).

        ``keys`` (what is known about the server's ``Idempotency-Key`` handling) is shared by the owner and
        every ``with_options`` client made from it."""
        self._settings, self._pool, self._owner = settings, pool, owner
        self._httpx_args, self._keys = httpx_args, keys
        # The constructor's sleep=/clock= (simulated time in tests); the retry transport and the waiters use them.
        self._sleep, self._clock = sleep, clock
        sending = pool if owner is None else self._borrowed_transport(pool, owner._pool_closed)
        self._max_response_bytes = max_response_bytes
        self._retrying = self._retry_transport(
            sending,
            settings.retry,
            sleep=sleep,
            clock=clock,
            keys=keys,
            max_response_bytes=max_response_bytes,
        )
        self._http = self._http_client(**http_client_arguments(settings, self._retrying, httpx_args))

    @property
    def keys_honoured(self) -> bool:
        """Whether runs are taken to be deduplicated by their ``Idempotency-Key``: declared with
        ``idempotent_runs=True``, or inferred (``idempotent_runs=None``) from a successful run answer that
        echoed the key, and not withdrawn since (a replay that came back with another execution withdraws
        it). Shared with the ``with_options`` clients made from this one.

        An inferred honour permits only recovery resends (the same run, same key, no hold, to learn the id
        of an execution whose answer was lost); holding by default, resending a held run and retrying a run
        answered 5xx need ``idempotent_runs=True``."""
        return self._keys.honoured

    @property
    def is_closed(self) -> bool:
        """Whether this client can no longer send: it was closed (``close()``/``aclose()``, or the end of its
        ``with`` block), or it was made by ``with_options`` from a client that has been closed (whose pool it
        used)."""
        return self._pool_closed() if self._owner is None else bool(self._http.is_closed) or self._owner.is_closed

    def _pool_closed(self) -> bool:
        return bool(self._http.is_closed)

    @property
    def base_url(self) -> str:
        """The instance root the client sends to (``https://studio.eigenpal.com``), without the API's prefix: the API
        is at ``/api/v1/...`` under it, or at ``/v1/...`` for ``https://api.eigenpal.com`` and a ``base_url`` given
        ending in ``/v1`` (the rule: ``EigenpalClient``)."""
        return self._settings.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """The default per-request timeout (``httpx.Timeout``); a method's ``request_timeout_seconds`` overrides it."""
        return self._settings.timeout

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._settings.base_url!r})"


async def _asyncio_sleep(seconds: float) -> None:
    """``asyncio.sleep``, imported when first awaited: only async code pays for importing asyncio."""
    import asyncio  # noqa: PLC0415

    await asyncio.sleep(seconds)


@public
class EigenpalClient(_ClientBase):
    """The synchronous client.

    One client holds one connection pool: make it once and share it (it is thread-safe); close it with
    ``close()`` or ``with``. ``request_timeout_seconds`` bounds each call as a whole, body and retries included
    (the longest of an ``httpx.Timeout``'s phases is the budget of the whole call); a wait's
    ``timeout_seconds`` is the deadline of the whole wait, not this.

    Example:
        ```python
        from eigenpal_ext import EigenpalClient

        with EigenpalClient(request_timeout_seconds=30, max_retries=3) as client:  # EIGENPAL_API_KEY, ..._BASE_URL
            final = client.workflows.executions.run_and_wait("echo", {"text": "hello"})
            print(final.status, final.result)
        ```

    Args:
        api_key: The API key (``eig_live_...``); None reads ``EIGENPAL_API_KEY``. Missing in both raises
            ``EigenpalMissingAPIKeyError``, saying where keys are made.
        base_url: Where EigenPal is; None reads ``EIGENPAL_BASE_URL``, else ``https://studio.eigenpal.com``. One
            ending in ``/api/v1``, ``/v1`` or ``/api`` is honoured as given; a bare host gets ``/api/v1``, except
            ``https://api.eigenpal.com``, which gets ``/v1``.
        request_timeout_seconds: The default bound of each request (a float, or an ``httpx.Timeout`` for
            per-phase control); every method that sends one request also takes its own.
        max_retries: How often a request is sent again after a dropped connection, a timeout, 408, 429 or 5xx
            (GETs and cancels; a run only when it certainly did not reach the server, on 429, or as
            ``idempotent_runs`` permits), with exponential backoff or the server's ``Retry-After``.
        default_headers: Headers added to every request (they may override the telemetry headers).
        transport: Replaces the network (``httpx.MockTransport`` in tests; retries still apply).
        httpx_args: Anything else ``httpx.Client`` accepts (``verify``, ``event_hooks``, ``trust_env``, ...).
        idempotent_runs: Whether the server deduplicates runs by ``Idempotency-Key``. None (the default) infers
            it from a successful run answer that echoes the key (``keys_honoured``), and an inference permits
            only recovery resends: a run whose answer was lost (a dropped connection, a cut hold) is sent again
            with the same key and no hold, to learn its execution id. True declares it, and also permits the
            optional resends: holding by default, resending a held run, retrying a run answered 5xx. False: a run
            that may have reached the server is never sent again. A replay that returns another execution
            withdraws the declaration or the inference (logged at WARNING; see ``duplicate_execution_ids``).
        max_response_bytes: The largest answer (decoded) one request may bring (default 64 MiB; a bigger one
            raises ``EigenpalResponseTooLargeError``).
        sleep: The blocking sleep of retries and waits (default ``time.sleep``; an ``async def`` one, which this
            client could not await, is refused with ``ArgumentTypeError``). Pass a simulated time to test code
            that waits without waiting; ``with_options`` clients keep it.
        clock: The monotonic clock of deadlines (default ``time.monotonic``).
        multipart_max_bytes: For the runs API: file inputs that would make a multipart body larger than this are
            uploaded first through the files API and sent as ``{"$fileId": ...}``. ``"env"`` (the default) reads
            ``EIGENPAL_MULTIPART_MAX_BYTES`` (bytes, or ``none``), else 4.5 MiB, the hosted body limit; None never
            uploads first.
        proxy: Send every request through this proxy (``http://proxy.example:3128``, credentials as
            ``user:password@``, or an ``httpx.Proxy``). Without it, ``HTTP_PROXY``, ``HTTPS_PROXY``,
            ``ALL_PROXY`` and ``NO_PROXY`` are honoured as httpx honours them (``httpx_args={"trust_env": False}``
            ignores them); retries and deadlines apply through a proxy as without one.

    Raises:
        ArgumentValueError: An argument is invalid (``ArgumentTypeError``: of the wrong type); the message never
            shows the API key.
        EigenpalMissingAPIKeyError: No API key was given or found in the environment.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        request_timeout_seconds: float | httpx.Timeout = _config.DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        httpx_args: Mapping[str, Any] | None = None,
        idempotent_runs: bool | None = None,
        max_response_bytes: int = _config.DEFAULT_MAX_RESPONSE_BYTES,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        multipart_max_bytes: int | None | Literal["env"] = "env",
        proxy: str | httpx.URL | httpx.Proxy | None = None,
    ) -> None:
        self._construct(
            api_key=api_key,
            base_url=base_url,
            request_timeout_seconds=request_timeout_seconds,
            max_retries=max_retries,
            default_headers=default_headers,
            transport=transport,
            httpx_args=httpx_args,
            idempotent_runs=idempotent_runs,
            max_response_bytes=max_response_bytes,
            sleep=sleep,
            clock=clock,
            multipart_max_bytes=multipart_max_bytes,
            proxy=proxy,
        )

    _borrowed_transport = BorrowedTransport
    _retry_transport = RetryTransport
    _http_client = _urls.Client

    def _new_pool(self, pool_args: Mapping[str, Any]) -> httpx.BaseTransport:
        # The deadline-aware network backend subclasses httpcore's classes, so it is loaded with the first pool,
        # not by `import eigenpal_ext`.
        from eigenpal_ext._proxies import ProxyRoutes, proxied_pool  # noqa: PLC0415
        from eigenpal_ext._socket_deadline import install  # noqa: PLC0415 - see above

        def make(args: dict[str, Any]) -> httpx.BaseTransport:
            pool = httpx.HTTPTransport(**args)
            # Each socket operation of the pool is clipped to the deadline of the request in progress (_limits).
            install(pool)
            return pool

        return proxied_pool(pool_args, make, ProxyRoutes)

    def _default_sleep(self) -> Callable[[float], None]:
        return time.sleep

    # Built on first use, so that importing the package and making a client load neither the resources
    # (with the generated models) nor the generated client.
    @functools.cached_property
    def _requestor(self) -> Requestor:
        """What the resources send, sleep and read the clock with (one for all of this client's resources)."""
        from eigenpal_ext._flow import Context  # noqa: PLC0415 - loaded on first use
        from eigenpal_ext._requestor import Requestor  # noqa: PLC0415

        return Requestor(
            self._http,
            sleep=self._sleep,
            context=Context(self._clock, self.timeout, self._keys, awaits_callbacks=self._awaits_callbacks),
        )

    @functools.cached_property
    def workflows(self) -> Workflows:
        """``client.workflows`` (and ``client.workflows.executions``): the v1 workflow and execution routes."""
        from eigenpal_ext.workflows import Workflows  # noqa: PLC0415 - loaded on first use

        return Workflows(self._requestor)

    @functools.cached_property
    def runs(self) -> Runs:
        """``client.runs``: the runs API (``start``, ``run_and_wait``, ``wait``, ``get``, ``list``, ``iter``,
        ``cancel``, ``steps``, ``events``, ``handle``)."""
        from eigenpal_ext.runs import Runs  # noqa: PLC0415 - loaded on first use

        return Runs(self._requestor, multipart_max_bytes=self._settings.multipart_max_bytes)

    @functools.cached_property
    def files(self) -> Files:
        """``client.files``: the files API (``upload``, ``get``, ``delete``, ``content``)."""
        from eigenpal_ext.files import Files  # noqa: PLC0415 - loaded on first use

        return Files(self._requestor)

    @functools.cached_property
    def raw(self) -> eigenpal_api.Client:
        """The generated low-level client on this client's pool (auth, telemetry and retries included):
        ``get_execution.sync(execution_id, client=client.raw)``."""
        import eigenpal_api  # noqa: PLC0415 - loaded on first use

        return eigenpal_api.Client(base_url=self._settings.base_url).set_httpx_client(self._http)

    def close(self) -> None:
        """Close this client; when it built the pool (not a ``with_options`` client), the pool too."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@public
class AsyncEigenpalClient(_ClientBase):
    """The asynchronous client: the same surface as ``EigenpalClient``, every call awaited.

    Example:
        ```python
        import asyncio

        from eigenpal_ext import AsyncEigenpalClient


        async def main() -> None:
            async with AsyncEigenpalClient() as client:
                finals = await asyncio.gather(
                    *(client.workflows.executions.run_and_wait("echo", {"n": n}) for n in range(3))
                )
                print([final.status for final in finals])


        asyncio.run(main())
        ```

    Close it with ``await client.aclose()`` or ``async with``; nothing is closed from ``__del__``
    (closing from a finaliser runs on whatever event loop is current, or none). The arguments are those of
    ``EigenpalClient``, except that ``transport`` is an ``httpx.AsyncBaseTransport`` and ``sleep`` is awaited
    (``async def sleep(seconds)``; default ``asyncio.sleep``).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        request_timeout_seconds: float | httpx.Timeout = _config.DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        httpx_args: Mapping[str, Any] | None = None,
        idempotent_runs: bool | None = None,
        max_response_bytes: int = _config.DEFAULT_MAX_RESPONSE_BYTES,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        multipart_max_bytes: int | None | Literal["env"] = "env",
        proxy: str | httpx.URL | httpx.Proxy | None = None,
    ) -> None:
        self._construct(
            api_key=api_key,
            base_url=base_url,
            request_timeout_seconds=request_timeout_seconds,
            max_retries=max_retries,
            default_headers=default_headers,
            transport=transport,
            httpx_args=httpx_args,
            idempotent_runs=idempotent_runs,
            max_response_bytes=max_response_bytes,
            sleep=sleep,
            clock=clock,
            multipart_max_bytes=multipart_max_bytes,
            proxy=proxy,
        )

    _awaits_callbacks = True
    _borrowed_transport = AsyncBorrowedTransport
    _retry_transport = AsyncRetryTransport
    _http_client = _urls.AsyncClient

    def _new_pool(self, pool_args: Mapping[str, Any]) -> httpx.AsyncBaseTransport:
        from eigenpal_ext._proxies import AsyncProxyRoutes, proxied_pool  # noqa: PLC0415

        return proxied_pool(pool_args, lambda args: httpx.AsyncHTTPTransport(**args), AsyncProxyRoutes)

    def _default_sleep(self) -> Callable[[float], Awaitable[None]]:
        return _asyncio_sleep

    @functools.cached_property
    def _requestor(self) -> AsyncRequestor:
        """What the resources send, sleep and read the clock with (one for all of this client's resources)."""
        from eigenpal_ext._flow import Context  # noqa: PLC0415 - loaded on first use
        from eigenpal_ext._requestor import AsyncRequestor  # noqa: PLC0415

        return AsyncRequestor(
            self._http,
            sleep=self._sleep,
            context=Context(self._clock, self.timeout, self._keys, awaits_callbacks=self._awaits_callbacks),
        )

    @functools.cached_property
    def workflows(self) -> AsyncWorkflows:
        """``client.workflows`` (and ``client.workflows.executions``), every call awaited."""
        from eigenpal_ext.workflows import AsyncWorkflows  # noqa: PLC0415 - loaded on first use

        return AsyncWorkflows(self._requestor)

    @functools.cached_property
    def runs(self) -> AsyncRuns:
        """``client.runs``: the runs API, every call awaited (``iter`` is ``async for``)."""
        from eigenpal_ext.runs import AsyncRuns  # noqa: PLC0415 - loaded on first use

        return AsyncRuns(self._requestor, multipart_max_bytes=self._settings.multipart_max_bytes)

    @functools.cached_property
    def files(self) -> AsyncFiles:
        """``client.files``: the files API, every call awaited."""
        from eigenpal_ext.files import AsyncFiles  # noqa: PLC0415 - loaded on first use

        return AsyncFiles(self._requestor)

    @functools.cached_property
    def raw(self) -> eigenpal_api.Client:
        """The generated low-level client on this client's pool:
        ``await get_execution.asyncio(execution_id, client=client.raw)``."""
        import eigenpal_api  # noqa: PLC0415 - loaded on first use

        return eigenpal_api.Client(base_url=self._settings.base_url).set_async_httpx_client(self._http)

    async def aclose(self) -> None:
        """Close this client; when it built the pool (not a ``with_options`` client), the pool too."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
