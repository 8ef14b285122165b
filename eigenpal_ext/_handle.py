"""Execution handles: what ``workflows.run(...)`` returns, the run's answer plus what to do with it next.

A handle *is* the run's answer (a ``StartedExecution``: ``execution_id``, ``status``, ``result``,
``error``, the fields this client does not know in ``additional_properties``, the body as
received in ``.raw``), so code written against the answer runs unchanged; it also knows the client it came
from, so the next step needs no id passed around: ``wait()``, ``get()``, ``cancel()``. ``run_and_wait``
is ``run`` then ``wait`` on the handle (its trigger is clipped to the wait's deadline and may be held by
the server; the handle carries that deadline into its wait).

The handle keeps the requestor of the client that made it: it works while that client is open.

A handle is data like the answer it is: ``copy.copy``/``copy.deepcopy`` give an equal handle on the same
client, and ``pickle`` gives the answer's fields without the client (a process has its own clients). A
process that received one re-attaches it to a client of its own with
``client.workflows.executions.handle(handle)`` (or ``handle(execution_id)``), which sends nothing; until
then its ``wait()``/``get()``/``cancel()`` raise ``RuntimeError`` saying so.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import attrs
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    StartedExecution,
)

from eigenpal_ext import _calls, _config
from eigenpal_ext._checks import require_id
from eigenpal_ext._public import public
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._waiting import StatusCallback, WaitOptions, wait_flow

if TYPE_CHECKING:
    from eigenpal_ext._flow import Flow
    from eigenpal_ext._requestor import AsyncRequestor, Requestor


class _Attachable:
    """What every handle shares, whatever answer it is: the requestor of its client, re-attaching, and copying and
    pickling as the answer alone. A handle class names its answer's model (``_answer``), the field holding the id
    (``_id_field``) and how to re-attach it (``_attach_hint``)."""

    _answer: ClassVar[type[Any]]
    _id_field: ClassVar[str]
    _attach_hint: ClassVar[str]
    _requestor: Any

    @classmethod
    def _field_names(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The answer's fields its constructor takes, and the others (``additional_properties``, ``raw``, ...)."""
        fields = attrs.fields(cls._answer)
        return tuple(f.name for f in fields if f.init), tuple(f.name for f in fields if not f.init)

    @classmethod
    def _of(cls, answer: Any, requestor: Requestor | AsyncRequestor | None) -> Self:
        """The handle for ``answer`` (every field the generated model holds), sending through ``requestor``."""
        arguments, others = cls._field_names()
        handle = cls(**{name: getattr(answer, name) for name in arguments})
        for name in others:
            setattr(handle, name, getattr(answer, name))
        handle._requestor = requestor
        return handle

    @classmethod
    def _attach(cls, answer: Any, requestor: Requestor | AsyncRequestor) -> Self:
        """A handle on ``requestor`` for an id, or for an answer (an unpickled handle) with its fields."""
        if isinstance(answer, cls._answer):
            return cls._of(answer, requestor)
        return cls._of(cls._answer(**{cls._id_field: require_id(answer, cls._id_field)}), requestor)

    @property
    def _id(self) -> str:
        value: str = getattr(self, self._id_field)
        return value

    def _client_requestor(self) -> Any:
        """The requestor to send with; a detached handle (unpickled) says how to attach it."""
        if self._requestor is None:
            raise RuntimeError(
                f"this {type(self).__name__} ({self._id}) is not attached to a client: it was unpickled, and a "
                f"client does not travel with it; attach it to one of this process's clients with {self._attach_hint}"
            )
        return self._requestor

    def __reduce__(self) -> tuple[Any, ...]:
        # The answer, without the client (its connection pool and locks belong to one process).
        names, other_names = self._field_names()
        arguments = {name: getattr(self, name) for name in names}
        others = {name: getattr(self, name) for name in other_names}
        return (_detached, (type(self), arguments, others))

    def __copy__(self) -> Self:
        return type(self)._of(self, self._requestor)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        names, other_names = self._field_names()
        answer = _detached(
            type(self),
            copy.deepcopy({name: getattr(self, name) for name in names}, memo),
            copy.deepcopy({name: getattr(self, name) for name in other_names}, memo),
        )
        answer._requestor = self._requestor  # the same client, not a copy of it
        return answer


@attrs.define
class _Handle(_Attachable, StartedExecution):
    """The answer's fields, and what both execution handles build before sending (shared by sync and async)."""

    _answer = StartedExecution
    _id_field = "execution_id"
    _attach_hint = "client.workflows.executions.handle(handle)"
    # The requestor of the client that made it: a Requestor, or an AsyncRequestor for AsyncExecutionHandle.
    _requestor: Any = attrs.field(init=False, default=None, repr=False, eq=False)

    def _wait_flow(self, wait: WaitOptions) -> Flow[ExecutionResult]:
        return wait_flow(self.execution_id, wait, self._client_requestor().context)


def _detached(cls: type[_H], arguments: dict[str, Any], others: dict[str, Any]) -> _H:
    """A handle of class ``cls`` holding the answer's fields and no client (how a handle is unpickled)."""
    handle = cls(**arguments)
    for name, value in others.items():
        setattr(handle, name, value)
    return handle


_H = TypeVar("_H", bound=_Attachable)


@public
@attrs.define
class ExecutionHandle(_Handle):
    """The answer to ``client.workflows.run(...)`` (a ``StartedExecution``), and the execution it started.

    ``execution_id``, ``status``, ``result``, ``error``, ``additional_properties`` and ``raw`` are the run's
    answer as sent; ``wait()``, ``get()`` and ``cancel()`` act on the execution through the client that
    started it (which must still be open).

    It copies and deep-copies (on the same client) and pickles (the answer alone: a client does not travel
    between processes). In the process that receives it, attach it to a client there::

        handle = client.workflows.executions.handle(pickle.loads(payload))   # or .handle(execution_id)
        final = handle.wait()
    """

    def wait(
        self,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> ExecutionResult:
        """Wait until the execution ends.

        The same as ``client.workflows.executions.wait(handle.execution_id, ...)``: transient failures (429,
        5xx, dropped connections, timeouts) are polled through.

        Args:
            poll_interval_seconds: The longest delay between two polls (the first poll is at once, the next
                after 0.7 s, each delay 1.2x the last).
            timeout_seconds: The deadline of the whole wait, every poll included.
            on_status: Called with the ``Execution`` once per status change (not ``async def``: refused up
                front, as by ``executions.wait``).
            cancel_on_timeout: Request a cancel before raising ``EigenpalWaitTimeoutError``.

        Returns:
            An ``ExecutionResult`` (any terminal status: a failed, cancelled or rejected execution is returned,
            not raised; check ``.status``).

        Raises:
            EigenpalWaitTimeoutError: ``timeout_seconds`` passed (an ``EigenpalTimeoutError``); carries
                ``execution_id`` and ``last_status``.
            EigenpalNotFoundError: No such execution (404).
            EigenpalError: Any other failure that polling through could not outlast; it carries the
                ``execution_id``.
        """
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        requestor: Requestor = self._client_requestor()
        return requestor.run(self._wait_flow(wait))

    def get(self, include_steps: bool = False, *, request_timeout_seconds: float | None = None) -> Execution:
        """The execution's current status (one request, as ``executions.get``).

        Args:
            include_steps: Also fetch the per-step payload (``.steps``).
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            The ``Execution``.

        Raises:
            EigenpalError: The request failed; the error carries the ``execution_id``.
        """
        requestor: Requestor = self._client_requestor()
        call = _calls.get_execution_call(
            self.execution_id, include_steps=include_steps, request_timeout_seconds=request_timeout_seconds
        )
        return requestor.send(call)

    def cancel(self, *, request_timeout_seconds: float | None = None) -> ExecutionCancellation:
        """Ask the server to cancel the execution (idempotent, as ``executions.cancel``).

        Args:
            request_timeout_seconds: The deadline of this request, retries included (default: the client's).

        Returns:
            An ``ExecutionCancellation``: ``cancelled``, ``cancellation-requested`` or ``already-terminal``.

        Raises:
            EigenpalError: The request failed; the error carries the ``execution_id``.
        """
        requestor: Requestor = self._client_requestor()
        call = _calls.cancel_execution_call(self.execution_id, request_timeout_seconds=request_timeout_seconds)
        return requestor.send(call)


@public
@attrs.define
class AsyncExecutionHandle(_Handle):
    """``ExecutionHandle`` of the async client: the same answer, ``wait()``/``get()``/``cancel()`` awaited."""

    async def wait(
        self,
        *,
        poll_interval_seconds: float = _config.DEFAULT_POLL_INTERVAL_SECONDS,
        timeout_seconds: float = _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_status: StatusCallback | None = None,
        cancel_on_timeout: bool = False,
    ) -> ExecutionResult:
        """Wait until the execution ends; its ``ExecutionResult`` (as ``ExecutionHandle.wait``, awaited)."""
        wait = WaitOptions(poll_interval_seconds, timeout_seconds, on_status, cancel_on_timeout)
        requestor: AsyncRequestor = self._client_requestor()
        return await requestor.run(self._wait_flow(wait))

    async def get(self, include_steps: bool = False, *, request_timeout_seconds: float | None = None) -> Execution:
        """The execution's current status; ``ExecutionHandle.get``, awaited (the same arguments)."""
        requestor: AsyncRequestor = self._client_requestor()
        call = _calls.get_execution_call(
            self.execution_id, include_steps=include_steps, request_timeout_seconds=request_timeout_seconds
        )
        return await requestor.send(call)

    async def cancel(self, *, request_timeout_seconds: float | None = None) -> ExecutionCancellation:
        """Ask the server to cancel the execution (idempotent); ``ExecutionHandle.cancel``, awaited."""
        requestor: AsyncRequestor = self._client_requestor()
        call = _calls.cancel_execution_call(self.execution_id, request_timeout_seconds=request_timeout_seconds)
        return await requestor.send(call)
