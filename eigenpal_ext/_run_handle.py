"""Waiting on a run of the runs API, and its handle: what ``client.runs.start(...)`` returns.

``RUNS`` tells the waiting flows of ``_waiting`` (the same schedule, deadline, hold and cancel on timeout as for
an execution) how to wait on a run: poll ``GET /runs/{id}``, stop when the run says it has ended (``finished``,
see ``_statuses.is_run_finished``), and return a ``RunResult``. A start answered with a finished run (a hold that
saw the end: the runs API answers it with the whole run) is the result at once, without another request.

A ``RunHandle`` *is* the start's answer (a ``Run``: ``id``, ``finished``, ``execution.status``, ``timing``, the
fields this client does not know in ``additional_properties``, the body in ``.raw``) and knows the client it came
from: ``wait()``, ``get()``, ``cancel()``. Like the execution handles (``_handle``), it copies, deep-copies (same
client) and pickles (the answer alone); a process that received one attaches it with
``client.runs.handle(handle)`` (or ``handle(run_id)``), which sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
from eigenpal_api.models import ExecutionStatus, Run, RunCancelResult

from eigenpal_ext import _config
from eigenpal_ext._handle import _Attachable
from eigenpal_ext._public import public
from eigenpal_ext._results import RunResult
from eigenpal_ext._run_calls import cancel_run_call, get_run_call
from eigenpal_ext._statuses import is_run_finished, run_status
from eigenpal_ext._waiting import Polled, StatusCallback, WaitOptions, wait_flow

if TYPE_CHECKING:
    from eigenpal_ext._flow import Flow
    from eigenpal_ext._requestor import AsyncRequestor, Requestor


def _poll(run_id: str, request_timeout_seconds: float) -> Any:
    return get_run_call(run_id, request_timeout_seconds=request_timeout_seconds, max_retries=0)


def _cancel(run_id: str) -> Any:
    # The deadline has passed: one short attempt, no retries, so the overrun stays one request.
    return cancel_run_call(run_id, request_timeout_seconds=_config.CANCEL_ON_TIMEOUT_REQUEST_SECONDS, max_retries=0)


def _cancel_outcome(answer: RunCancelResult) -> str:
    cancellation = answer.cancellation
    return "" if cancellation is None or cancellation.state is None else str(cancellation.state)


def _result(run: Run, run_id: str) -> RunResult:
    return RunResult.from_run(run, run_id=run_id)


def _with_duplicates(result: RunResult, duplicates: tuple[str, ...]) -> RunResult:
    return attrs.evolve(result, duplicate_run_ids=duplicates)


def _started_status(run: Run) -> str | None:
    status = run_status(run)
    return None if status is None else str(status)


def _final(run: Run) -> RunResult | None:
    return RunResult.from_run(run) if is_run_finished(run) else None


def _run_id(run: Run) -> str:
    return run.id


RUNS: Polled[Run, RunResult] = Polled(
    noun="run",
    poll=_poll,
    cancel=_cancel,
    cancel_outcome=_cancel_outcome,
    status=run_status,
    finished=is_run_finished,
    result=_result,
    with_duplicates=_with_duplicates,
    started_id=_run_id,
    started_status=_started_status,
    started_result=_final,
)
"""The runs API: poll ``GET /runs/{id}``, a ``RunResult`` at the end (see module)."""


@attrs.define
class _RunHandleBase(_Attachable, Run):
    """The run's fields, and what both run handles build before sending (shared by sync and async)."""

    _answer = Run
    _id_field = "id"
    _attach_hint = "client.runs.handle(handle)"
    _requestor: Any = attrs.field(init=False, default=None, repr=False, eq=False)

    @property
    def run_id(self) -> str:
        """The run's id (``id``); a run and its execution share it."""
        return self.id

    @property
    def status(self) -> ExecutionStatus | None:
        """The run's status when it was started (``execution.status``); ``get()`` reads the current one."""
        return run_status(self)

    def _wait_flow(self, wait: WaitOptions) -> Flow[RunResult]:
        started_end = _final(self)
        if started_end is not None:  # the start's answer was the end already (a hold that saw it)
            return _ended(started_end)
        return wait_flow(self.id, wait, self._client_requestor().context, polled=RUNS)


def _ended(result: RunResult) -> Flow[RunResult]:
    return result
    yield  # a flow that sends nothing


@public
@attrs.define
class RunHandle(_RunHandleBase):
    """The answer to ``client.runs.start(...)`` (a ``Run``), and the run it started.

    ``id`` (also ``run_id``), ``finished``, ``execution`` (``status``), ``timing``, ``source``,
    ``additional_properties`` and ``raw`` are the start's answer as sent; ``wait()``, ``get()`` and ``cancel()`` act
    on the run through the client that started it (which must still be open).

    It copies and deep-copies (on the same client) and pickles (the answer alone: a client does not travel
    between processes). In the process that receives it, attach it to a client there::

        handle = client.runs.handle(pickle.loads(payload))   # or client.runs.handle(run_id)
        final = handle.wait()
    """

    def wait(
        self,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> RunResult:
        """Wait until the run ends; its ``RunResult`` (any end: check ``.status``). The same as
        ``client.runs.wait(handle.id, ...)``; a start answered with a finished run returns at once.

        Args:
            poll_interval_seconds: The longest delay between two polls (the first after 0.7 s, each delay
                1.2x the last).
            timeout_seconds: The deadline of the whole wait, every poll included.
            on_status: Called with the ``Run`` once per status change (a plain function on this client; the
                async client also awaits an ``async def`` one).
            cancel_on_timeout: Request a cancel before raising ``EigenpalWaitTimeoutError``.

        Returns:
            A ``RunResult`` (any end; check ``.status``).

        Raises:
            EigenpalWaitTimeoutError: The deadline passed.
        """
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        requestor: Requestor = self._client_requestor()
        return requestor.run(self._wait_flow(wait))

    def get(self, *, expand: str | Sequence[str] | None = None, request_timeout_seconds: float | None = None) -> Run:
        """The run now (``runs.get``); ``expand`` adds sections (``input``, ``usage``, ``execution``, ``debug``).

        Args:
            expand: Sections to add, as ``client.runs.get``'s.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The run as it is now, a ``Run``.
        """
        requestor: Requestor = self._client_requestor()
        return requestor.send(get_run_call(self.id, expand=expand, request_timeout_seconds=request_timeout_seconds))

    def cancel(self, *, request_timeout_seconds: float | None = None) -> RunCancelResult:
        """Ask the server to cancel the run (idempotent; ``runs.cancel``).

        Args:
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            A ``RunCancelResult``.
        """
        requestor: Requestor = self._client_requestor()
        return requestor.send(cancel_run_call(self.id, request_timeout_seconds=request_timeout_seconds))


@public
@attrs.define
class AsyncRunHandle(_RunHandleBase):
    """``RunHandle`` of the async client: the same answer, ``wait()``/``get()``/``cancel()`` awaited."""

    async def wait(
        self,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> RunResult:
        """Wait until the run ends; its ``RunResult`` (as ``RunHandle.wait``, awaited)."""
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        requestor: AsyncRequestor = self._client_requestor()
        return await requestor.run(self._wait_flow(wait))

    async def get(
        self, *, expand: str | Sequence[str] | None = None, request_timeout_seconds: float | None = None
    ) -> Run:
        """The run now: ``RunHandle.get``, awaited."""
        requestor: AsyncRequestor = self._client_requestor()
        call = get_run_call(self.id, expand=expand, request_timeout_seconds=request_timeout_seconds)
        return await requestor.send(call)

    async def cancel(self, *, request_timeout_seconds: float | None = None) -> RunCancelResult:
        """Ask the server to cancel the run (idempotent): ``RunHandle.cancel``, awaited."""
        requestor: AsyncRequestor = self._client_requestor()
        return await requestor.send(cancel_run_call(self.id, request_timeout_seconds=request_timeout_seconds))
