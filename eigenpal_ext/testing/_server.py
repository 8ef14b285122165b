"""Running the local server: ``ServerConfig`` and ``LocalEigenpalServer`` (uvicorn on a loopback port).

``LocalEigenpalServer`` binds its socket itself (port 0 picks a free one, known before serving starts),
runs uvicorn in a background thread, and stops it on ``stop()`` or at the end of a ``with`` block. The
same class backs the ``eigenpal-dev-server`` command, the pytest fixture and the demo.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, TypedDict, Unpack

import attrs
import httpx
import uvicorn

from eigenpal_ext.testing._api_common import DEFAULT_MAX_HOLDS_PER_TENANT, ServerState, envelope_bytes, tenant_of
from eigenpal_ext.testing._app import API_PATH_PREFIXES, create_app
from eigenpal_ext.testing._engine import Engine, Pacing
from eigenpal_ext.testing._faults import FaultConfig, FaultInjector, silence_injected_drops
from eigenpal_ext.testing._holds import Holds
from eigenpal_ext.testing._hosted import HostedProfile
from eigenpal_ext.testing._http_protocol import envelope_protocol
from eigenpal_ext.testing._idempotency import IDEMPOTENCY_MODES, IdempotencyMode
from eigenpal_ext.testing._spec import SpecValidator
from eigenpal_ext.testing._store import Store
from eigenpal_ext.testing._webhook_delivery import (
    DEFAULT_RETRY_DELAYS_SECONDS,
    WebhookDispatcher,
    check_webhook_settings,
)
from eigenpal_ext.testing._workflows import configured_workflows

if TYPE_CHECKING:
    from eigenpal_ext import AsyncEigenpalClient, EigenpalClient

DEFAULT_API_KEY = "eg_dev_local_key"
LOOPBACK = "127.0.0.1"


class ClientOptions(TypedDict, total=False):
    """The ``EigenpalClient`` options ``LocalEigenpalServer.client()`` passes on (it sets key and URL itself)."""

    request_timeout_seconds: float | httpx.Timeout
    max_retries: int
    default_headers: Mapping[str, str]
    transport: httpx.BaseTransport
    httpx_args: Mapping[str, Any]  # the client's own type: keyword arguments for httpx.Client
    idempotent_runs: bool
    max_response_bytes: int
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    multipart_max_bytes: int | None | Literal["env"]
    proxy: str | httpx.URL | httpx.Proxy | None


class AsyncClientOptions(TypedDict, total=False):
    """The ``AsyncEigenpalClient`` options ``LocalEigenpalServer.async_client()`` passes on."""

    request_timeout_seconds: float | httpx.Timeout
    max_retries: int
    default_headers: Mapping[str, str]
    transport: httpx.AsyncBaseTransport
    httpx_args: Mapping[str, Any]
    idempotent_runs: bool
    max_response_bytes: int
    sleep: Callable[[float], Awaitable[None]]
    clock: Callable[[], float]
    multipart_max_bytes: int | None | Literal["env"]
    proxy: str | httpx.URL | httpx.Proxy | None


def _delays(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(values)


def _default_keys() -> dict[str, str]:
    return {DEFAULT_API_KEY: "dev"}


@attrs.frozen
class ServerConfig:
    """How a local server behaves. Everything has a default that suits a developer's machine.

    ``api_keys`` maps each accepted key to its tenant (each tenant sees only its executions);
    ``data_dir`` None keeps everything in memory; ``workers`` is how many executions one tenant runs at
    once (a lone tenant gets all of them; the server keeps one more worker, so another tenant's run starts
    at once even while one tenant keeps every other worker busy); ``hold_window_seconds`` caps ``wait_for_completion``
    (60 like EigenPal; tests shorten it); ``max_upload_bytes`` answers 413 above it; ``workflows`` adds
    workflows under your own slugs, each behaving like a built-in (``{"extract-contract": "extract-invoice"}``);
    ``body_read_timeout_seconds`` answers 408 to a client that sends no part of its body for that long
    (and to one whose request head is not complete that long after it connected or got its last answer);
    ``webhook_url`` and ``webhook_secret`` (``whsec_`` and base64; never shown in a repr, a log or the
    command's output) make the server deliver ``run.created`` and ``run.status_changed`` events to that URL,
    signed, at least once, retried after each of ``webhook_retry_delays_seconds`` on network errors,
    timeouts, 408, 425, 429 and 5xx (each attempt at most ``webhook_timeout_seconds``);
    ``runs_hold_window_seconds`` caps ``wait_for_completion`` on ``POST /runs`` (600 like EigenPal's runs
    API; ``hold_window_seconds`` caps it on the v1 run route); ``idempotency_keys`` is what a run's
    ``Idempotency-Key`` does (on both surfaces): ``"honour"`` (one execution per key and
    tenant, the key echoed; the key reused with a different request is a 422 ``idempotency_key_reused``),
    ``"echo-only"`` (echoed but not honoured: every run is a new execution, like a gateway that echoes
    headers) or ``"ignore"`` (not honoured and not echoed, as EigenPal documents runs);
    ``max_holds_per_tenant`` bounds the runs of one tenant held at once (``wait_for_completion``): a run
    beyond it is answered at once, without a hold (never a 429), and its client polls; ``hosted`` (a
    ``HostedProfile``) behaves like EigenPal's hosted service: a text/plain 413 above 4.5 MiB bodies, a
    page-size cap below the requested ``limit``, a gateway 504 on answers (such as long holds) slower than
    its timeout; ``access_log`` logs one line per request (method, target without query secrets, status,
    duration) on the ``eigenpal_ext.testing.access`` logger, at INFO.
    """

    api_keys: Mapping[str, str] = attrs.field(factory=_default_keys)
    data_dir: Path | None = None
    hold_window_seconds: float = 60.0
    max_upload_bytes: int = 2 * 1024**3
    workers: int = 4
    pacing: Pacing = attrs.field(factory=Pacing)
    faults: FaultConfig = attrs.field(factory=FaultConfig)
    workflows: Mapping[str, str] = attrs.field(factory=dict)
    body_read_timeout_seconds: float = 30.0
    idempotency_keys: IdempotencyMode = "honour"
    max_holds_per_tenant: int = DEFAULT_MAX_HOLDS_PER_TENANT
    hosted: HostedProfile | None = None
    access_log: bool = False
    runs_hold_window_seconds: float = 600.0
    webhook_url: str | None = None
    webhook_secret: str | None = attrs.field(default=None, repr=False)
    webhook_retry_delays_seconds: tuple[float, ...] = attrs.field(
        default=DEFAULT_RETRY_DELAYS_SECONDS, converter=_delays
    )
    webhook_timeout_seconds: float = 10.0

    def __attrs_post_init__(self) -> None:
        if not self.api_keys:
            raise ValueError("api_keys must hold at least one key")
        if not 0 < self.body_read_timeout_seconds <= 3600:  # NaN fails too
            raise ValueError("body_read_timeout_seconds must be in (0, 3600]")
        if not 0 <= self.hold_window_seconds <= 60:
            raise ValueError("hold_window_seconds must be in 0..60")
        if not 0 <= self.runs_hold_window_seconds <= 600:
            raise ValueError("runs_hold_window_seconds must be in 0..600")
        if self.max_holds_per_tenant < 0:
            raise ValueError("max_holds_per_tenant must be >= 0")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.idempotency_keys not in IDEMPOTENCY_MODES:
            raise ValueError(f"idempotency_keys must be one of {', '.join(IDEMPOTENCY_MODES)}")
        configured_workflows(self.workflows)  # a bad alias fails here, with the configuration
        check_webhook_settings(
            self.webhook_url, self.webhook_secret, self.webhook_retry_delays_seconds, self.webhook_timeout_seconds
        )

    @property
    def api_key(self) -> str:
        return next(iter(self.api_keys))


class LocalEigenpalServer:
    """An EigenPal-compatible API on ``http://127.0.0.1:<port>``.

    >>> with LocalEigenpalServer() as server:
    ...     client = server.client()          # an EigenpalClient for this server's first key
    """

    def __init__(self, config: ServerConfig | None = None, *, host: str = LOOPBACK, port: int = 0) -> None:
        self.config = config or ServerConfig()
        self.host, self._requested_port = host, port
        workflows = configured_workflows(self.config.workflows)
        store = Store(self.config.data_dir)
        self.state = ServerState(
            store=store,
            engine=Engine(store, workflows, workers=self.config.workers, pacing=self.config.pacing),
            workflows=workflows,
            validator=SpecValidator.load(),
            api_keys=dict(self.config.api_keys),
            max_upload_bytes=self.config.max_upload_bytes,
            hold_window_seconds=self.config.hold_window_seconds,
            body_read_timeout_seconds=self.config.body_read_timeout_seconds,
            idempotency_keys=self.config.idempotency_keys,
            holds=Holds(max_per_tenant=self.config.max_holds_per_tenant),
            hosted=self.config.hosted,
            access_log=self.config.access_log,
            runs_hold_window_seconds=self.config.runs_hold_window_seconds,
        )
        store.terminal_listeners.append(self.state.holds.notify_terminal)
        self.webhooks: WebhookDispatcher | None = None
        """The webhook delivery (``ServerConfig.webhook_url``), or None; ``.counts`` says what it did."""
        if self.config.webhook_url is not None and self.config.webhook_secret is not None:
            self.webhooks = WebhookDispatcher(
                self.config.webhook_url, self.config.webhook_secret, read_run=store.get,
                retry_delays_seconds=self.config.webhook_retry_delays_seconds,
                timeout_seconds=self.config.webhook_timeout_seconds,
            )  # fmt: skip
            store.change_listeners.append(self.webhooks.on_change)
        injector = None
        if self.config.faults.active:
            silence_injected_drops()

            def injector(app: Any) -> FaultInjector:
                return FaultInjector(
                    app,
                    self.config.faults,
                    envelope=envelope_bytes,
                    tenant_of=lambda scope: tenant_of(self.state, scope),
                    path_prefixes=API_PATH_PREFIXES,
                )

        self.app = create_app(self.state, faults_injector=injector)
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the server is not started")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.config.api_key

    @property
    def store(self) -> Store:
        return self.state.store

    def start(self, timeout: float = 10.0) -> Self:
        """Listen and serve in a background thread; ``OSError`` when the address cannot be bound (in use)."""
        # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
        # without it every answer written in two parts (headers, body) waits ~40 ms for a delayed ACK.
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listening.bind((self.host, self._requested_port))
        except OSError:
            listening.close()
            raise
        self._socket = listening
        if self.webhooks is not None:
            self.webhooks.start()
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="on", access_log=False, timeout_graceful_shutdown=2,
            http=envelope_protocol(head_timeout_seconds=self.config.body_read_timeout_seconds),
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True,
                                        name="eigenpal-dev-server")  # fmt: skip
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the local EigenPal server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving: uploads in flight end at once with a 503 (their files deleted), holds in flight are
        answered at once (201 with the execution id, without a status), then uvicorn stops."""
        self.state.holds.stop()
        if self.state.body_reads is not None:
            self.state.body_reads.abort()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        if self._socket is not None:
            self._socket.close()
        if self.webhooks is not None:
            self.webhooks.stop()
        self.state.store.close()
        self._server = self._thread = None

    def serve_forever(self) -> None:
        """Block until interrupted (the command-line server)."""
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def client(self, **options: Unpack[ClientOptions]) -> EigenpalClient:
        """An ``EigenpalClient`` for this server (close it, or use a ``with`` block); ``options`` as the client's."""
        from eigenpal_ext import EigenpalClient  # noqa: PLC0415 - keep the server importable on its own

        return EigenpalClient(api_key=self.api_key, base_url=self.base_url, **options)

    def async_client(self, **options: Unpack[AsyncClientOptions]) -> AsyncEigenpalClient:
        """An ``AsyncEigenpalClient`` for this server; ``options`` as the client's."""
        from eigenpal_ext import AsyncEigenpalClient  # noqa: PLC0415

        return AsyncEigenpalClient(api_key=self.api_key, base_url=self.base_url, **options)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
