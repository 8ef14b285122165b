"""The API surface a batch runs on, as one small part of the batch engine (``_batch``): the v1 executions
(``EXECUTIONS_SURFACE``, ``client.workflows.executions.run_batch``) or the runs API (``RunsSurface``,
``client.runs.run_batch``). The engine (the journal, taking inputs, the pacing, the drivers) is one; a surface
says only what differs:

- ``identity``: what the journal is for (a journal of one surface is refused by the other);
- ``start(input, key, batch_id, input_key)``: the flow that builds one input's checked start request (the runs
  surface uploads files over the client's ``multipart_max_bytes`` first, and tags the run's ``metadata``);
- ``polled``: how its runs are waited for and cancelled (``_waiting.Polled``);
- ``answered(started)``: the result of a start answer that already was the end, or None;
- ``as_result(result)``: a waited-for result as the ``ExecutionResult`` the outcomes are made from;
- ``reconciles`` / ``reconcile(...)``: whether an *unknown* input (its run was sent, its id never arrived) is
  looked for on the server instead of being sent again with its key.

**Tags and reconciliation (runs surface).** The runs API documents no ``Idempotency-Key``, so an unknown input
cannot be recovered by sending it again. Instead every run of a runs batch carries in its ``metadata`` the
batch's id (``TAG_BATCH``, made when the journal was created and kept in it) and the input's key
(``TAG_INPUT``), beside the caller's own metadata. An unknown input is reconciled by listing the target's runs
created from ``RECONCILE_MARGIN_SECONDS`` before the journal's sent time to that margin after now, reading
each candidate's metadata (``GET /runs/{id}?expand=input``: the published list items carry no input), and
adopting the run that carries this batch's id and this input's key. What was read of a run is kept for the
batch, so several unknown inputs share the requests. A request sent less than ``RECONCILE_SETTLE_SECONDS``
ago may still be on its way into the server (the process that sent it was killed a moment ago, or its
answer was lost while the server was still creating the run), so its lookup first waits until the request
is that old. Guaranteed: a run that the server committed within ``RECONCILE_SETTLE_SECONDS`` of its request
being sent, created within the margin of this machine's clock, is found and adopted (never a second run for
it). Not guaranteed: a run committed later than that is not seen; that input is then reported unknown (never
silently sent again), and the next run of the batch looks again. A second run for one input is possible
only when the caller opts in with ``resend_unknown=True``; if two runs ever carry one input's tags, the
earliest is adopted and the others are logged.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Mapping
from typing import Any, Final, Protocol

import attrs
from eigenpal_api.models import ExecutionStatus, Run, RunPage, RunType, StartedExecution
from eigenpal_api.types import Unset

from eigenpal_ext._calls import RunRequest
from eigenpal_ext._errors import ArgumentValueError, EigenpalError
from eigenpal_ext._flow import Flow, Send, Sleep
from eigenpal_ext._journal import BatchIdentity
from eigenpal_ext._logging import logger
from eigenpal_ext._results import ExecutionResult, RunResult
from eigenpal_ext._run_calls import MAX_RUNS_PAGE, RunFilters, RunStart, get_run_call, list_runs_call
from eigenpal_ext._run_handle import RUNS
from eigenpal_ext._statuses import is_terminal
from eigenpal_ext._uploads import prepare_start_flow
from eigenpal_ext._waiting import EXECUTIONS, Polled, Started

TAG_BATCH: Final = "eigenpal_ext_batch"
"""The ``metadata`` name of a runs batch's id on each of its runs."""
TAG_INPUT: Final = "eigenpal_ext_input"
"""The ``metadata`` name of the input's key on each run of a runs batch."""
RECONCILE_MARGIN_SECONDS: Final = 300.0
"""How far the listing window of a reconciliation reaches beyond the journal's sent time and now (clock skew)."""
RECONCILE_SETTLE_SECONDS: Final = 10.0
"""How old a run's request must be before its lookup can conclude that no run was created for it."""
MAX_RECONCILE_PAGES: Final = 1000  # a server handing out cursors forever must not keep a batch listing


class BatchSurface(Protocol):
    """What the batch engine asks of the surface it runs on (see module)."""

    @property
    def identity_name(self) -> str: ...

    @property
    def polled(self) -> Polled[Any, Any]: ...

    @property
    def reconciles(self) -> bool: ...

    def identity(self, shard: tuple[int, int] | None) -> BatchIdentity: ...

    def start(
        self, input: Mapping[str, Any] | None, idempotency_key: str, batch_id: str, input_key: str
    ) -> Flow[Any]: ...

    def answered(self, started: Started) -> Any: ...

    def as_result(self, result: Any) -> ExecutionResult: ...

    def reconcile(
        self, batch_id: str, input_key: str, sent_at: datetime.datetime | None, now: datetime.datetime
    ) -> Flow[str | None]: ...


# --- the v1 executions ---------------------------------------------------------------------------------------


@attrs.frozen
class ExecutionsSurface:
    """``client.workflows.executions.run_batch``: ``POST /workflows/{id}/run`` per input; unknown inputs are
    recovered with their ``Idempotency-Key`` where the server honours it (``_batch``), never reconciled."""

    run: RunRequest
    polled: Polled[Any, Any] = EXECUTIONS
    reconciles: bool = False

    @property
    def identity_name(self) -> str:
        return self.run.workflow_id

    def identity(self, shard: tuple[int, int] | None) -> BatchIdentity:
        run = self.run
        return BatchIdentity(run.workflow_id, run.version, run.overrides, shard, run.trigger)

    def start(
        self, input: Mapping[str, Any] | None, idempotency_key: str, batch_id: str, input_key: str
    ) -> Flow[RunRequest]:
        """The run of one input: the batch's run with its input and its key (checked again: a file may have
        gone since it was taken)."""
        return attrs.evolve(self.run, inputs=input, idempotency_key=idempotency_key)
        yield  # a flow that sends nothing

    def answered(self, started: Started) -> ExecutionResult | None:
        answer: StartedExecution = started.answer
        status = answer.status
        terminal = status is not None and not isinstance(status, Unset) and is_terminal(str(status))
        return result_of_answer(answer) if terminal else None

    def as_result(self, result: Any) -> ExecutionResult:
        assert isinstance(result, ExecutionResult)
        return result

    def reconcile(
        self, batch_id: str, input_key: str, sent_at: datetime.datetime | None, now: datetime.datetime
    ) -> Flow[str | None]:
        raise AssertionError("the executions surface does not reconcile")  # pragma: no cover
        yield


def result_of_answer(answer: StartedExecution) -> ExecutionResult:
    """The result of a v1 run whose answer already says it ended (the server held it, or it was that quick)."""
    raw = answer.raw if isinstance(answer.raw, Mapping) else {}
    return ExecutionResult(
        execution_id=answer.execution_id,
        status=ExecutionStatus(str(answer.status)),
        result=answer.result,
        error=answer.error if isinstance(answer.error, str) else None,
        created_at=_time(raw.get("createdAt")),
        completed_at=_time(raw.get("completedAt")),
    )


def _time(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


# --- the runs API ---------------------------------------------------------------------------------------------


def tagged_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The caller's ``metadata`` of a runs batch, refused when it uses a name the batch tags its runs with."""
    if metadata is None:
        return None
    for name in (TAG_BATCH, TAG_INPUT):
        if isinstance(metadata, Mapping) and name in metadata:
            raise ArgumentValueError(
                "metadata",
                f"must not contain {name!r}: run_batch tags each run's metadata with {TAG_BATCH!r} (the batch) "
                f"and {TAG_INPUT!r} (the input's key) to find its runs again; rename your entry",
            )
    return None if metadata is None else dict(metadata)


class RunsSurface:
    """``client.runs.run_batch``: ``POST /runs`` per input, each run tagged in ``metadata``; unknown inputs are
    reconciled by listing (see module). ``template`` is the checked start every input makes (its target,
    version, overrides and the caller's metadata), without an input."""

    polled: Polled[Run, RunResult] = RUNS
    reconciles = True

    def __init__(self, template: RunStart, *, max_bytes: int | None, origin: str) -> None:
        self.template, self._max_bytes, self._origin = template, max_bytes, origin
        self._lock = threading.Lock()
        self._read: dict[str, tuple[object, object, str]] = {}  # run id -> (batch tag, input tag, createdAt)

    @property
    def identity_name(self) -> str:
        return str(self.template.target)

    def identity(self, shard: tuple[int, int] | None) -> BatchIdentity:
        start = self.template
        return BatchIdentity(
            start.target.name, start.target.version, start.overrides, shard, start.trigger, surface="runs",
            metadata=start.metadata,
        )  # fmt: skip

    def start(
        self, input: Mapping[str, Any] | None, idempotency_key: str, batch_id: str, input_key: str
    ) -> Flow[RunStart]:
        """The start of one input, tagged, with its large files uploaded first (nothing of a run is sent)."""
        template = self.template
        metadata = {**(template.metadata or {}), TAG_BATCH: batch_id, TAG_INPUT: input_key}
        start = RunStart.of(
            str(template.target), input, overrides=template.overrides, metadata=metadata,
            trigger=template.trigger, idempotency_key=idempotency_key,
        )  # fmt: skip
        return (yield from prepare_start_flow(start, max_bytes=self._max_bytes, origin=self._origin))

    def answered(self, started: Started) -> RunResult | None:
        final = started.final
        return final if isinstance(final, RunResult) else None

    def as_result(self, result: Any) -> ExecutionResult:
        assert isinstance(result, RunResult)
        return run_as_execution_result(result)

    def reconcile(
        self, batch_id: str, input_key: str, sent_at: datetime.datetime | None, now: datetime.datetime
    ) -> Flow[str | None]:
        """The id of the run of this batch that carries ``input_key`` (see module), or None when none is seen."""
        if sent_at is not None:
            # A run whose request is younger than the settle time may not be visible yet: wait until it is that old.
            unsettled = RECONCILE_SETTLE_SECONDS - (now - sent_at).total_seconds()
            if unsettled > 0:
                yield Sleep(min(unsettled, RECONCILE_SETTLE_SECONDS))
                now += datetime.timedelta(seconds=unsettled)
        margin = datetime.timedelta(seconds=RECONCILE_MARGIN_SECONDS)
        after = (sent_at if sent_at is not None else now - datetime.timedelta(days=1)) - margin
        filters = RunFilters.of(type=RunType.WORKFLOW if self.template.target.kind == "workflows" else None,
                                created_after=after, created_before=now + margin)  # fmt: skip
        matches: list[tuple[str, str]] = []  # (createdAt, run id)
        cursor: str | None = None
        seen_cursors: set[str] = set()
        for _ in range(MAX_RECONCILE_PAGES):
            page: RunPage = yield Send(list_runs_call(filters, cursor=cursor, limit=MAX_RUNS_PAGE))
            for item in page.runs or []:
                tags = yield from self._tags(item)
                if tags is not None and tags[0] == batch_id and tags[1] == input_key:
                    matches.append((tags[2], item.id))
            cursor = page.next_cursor if isinstance(page.next_cursor, str) and page.next_cursor else None
            if cursor is None or cursor in seen_cursors:
                break
            seen_cursors.add(cursor)
        if not matches:
            return None
        matches.sort()
        if len(matches) > 1:
            logger.warning(
                "the batch: %d runs carry input %s's tags (%s); the earliest, %s, is adopted",
                len(matches), input_key, ", ".join(run_id for _, run_id in matches), matches[0][1],
            )  # fmt: skip
        return matches[0][1]

    def _tags(self, item: Any) -> Flow[tuple[object, object, str] | None]:
        """What a listed run says of its batch and input (read leniently; a ``GET ...?expand=input`` when the
        list item lacks its input), or None when it is not a run of this target."""
        run_id = getattr(item, "id", None)
        if not isinstance(run_id, str) or not run_id:
            return None
        with self._lock:
            known = self._read.get(run_id)
        if known is not None:
            return known
        raw = item.raw if isinstance(getattr(item, "raw", None), Mapping) else {}
        slug = _dig(raw, "source", "slug")
        if isinstance(slug, str) and slug != self.template.target.slug:
            return None  # another workflow's run
        metadata = _dig(raw, "input", "metadata")
        if not isinstance(metadata, Mapping):
            full: Run = yield Send(get_run_call(run_id, expand="input"))
            full_raw = full.raw if isinstance(full.raw, Mapping) else {}
            metadata = _dig(full_raw, "input", "metadata")
        metadata = metadata if isinstance(metadata, Mapping) else {}
        created = _dig(raw, "timing", "createdAt")
        tags = (metadata.get(TAG_BATCH), metadata.get(TAG_INPUT), created if isinstance(created, str) else "")
        with self._lock:
            self._read[run_id] = tags
        return tags


def _dig(data: Mapping[str, Any], *names: str) -> Any:
    value: Any = data
    for name in names:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def run_as_execution_result(result: RunResult) -> ExecutionResult:
    """A run's result as the batch's outcomes read it: the run id, its status, ``output`` as the result."""
    status = result.status if result.status is not None else ExecutionStatus("unknown")
    return ExecutionResult(
        execution_id=result.run_id, status=status, result=result.output, error=result.error,
        created_at=result.created_at, completed_at=result.completed_at,
    )  # fmt: skip


class UnreconciledInput(EigenpalError):
    """A runs batch's unknown input: its run was sent, its id never arrived, and no run carrying its tags was
    found on the server (see module). It is reported ``Failed(status="unknown")`` and stays unknown in the
    journal."""
