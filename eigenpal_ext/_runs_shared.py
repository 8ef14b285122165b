"""What the sync and async runs resources (``eigenpal_ext.runs``) share: the resource's state (``RunsBase``:
the requestor and the client's ``multipart_max_bytes``), the start and run-and-wait flows of the runs API (the
large files uploaded first), the hold's bound, and the checked settings of a runs batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from eigenpal_api.models import Run, RunTrigger

from eigenpal_ext import _config
from eigenpal_ext._checks import check_int
from eigenpal_ext._flow import Context, Flow
from eigenpal_ext._results import RunResult
from eigenpal_ext._run_calls import (
    RunFilters,
    RunStart,
)
from eigenpal_ext._run_handle import RUNS
from eigenpal_ext._trigger import trigger_flow
from eigenpal_ext._uploads import origin_of, prepare_start_flow
from eigenpal_ext._waiting import WaitOptions, run_and_wait_flow

if TYPE_CHECKING:
    from eigenpal_ext._batch import BatchSettings

MAX_RUN_HOLD_SECONDS = 600
"""The longest hold the runs API takes (``wait_for_completion``)."""


def check_run_hold(wait_for_completion: object) -> int | None:
    """``runs.start(wait_for_completion=)``: None, or 0..600 seconds."""
    if wait_for_completion is None:
        return None
    return check_int(wait_for_completion, "wait_for_completion", minimum=0, maximum=MAX_RUN_HOLD_SECONDS)


def start_run_flow(
    start: RunStart, context: Context, *, hold: int | None, max_bytes: int | None, origin: str
) -> Flow[Run]:
    """``runs.start``: the large files uploaded first, then the start (see module)."""
    prepared = yield from prepare_start_flow(start, max_bytes=max_bytes, origin=origin)
    answer: Run = yield from trigger_flow(prepared, context, hold=hold)
    return answer


def run_and_wait_runs_flow(
    start: RunStart,
    wait: WaitOptions,
    context: Context,
    *,
    server_hold: bool | None,
    max_bytes: int | None,
    origin: str,
) -> Flow[RunResult]:
    """``runs.run_and_wait``: the large files uploaded first, then ``_waiting.run_and_wait_flow`` on runs."""
    prepared = yield from prepare_start_flow(start, max_bytes=max_bytes, origin=origin)
    return (yield from run_and_wait_flow(prepared, wait, context, server_hold=server_hold, polled=RUNS))


def run_filters(**given: Any) -> RunFilters:
    return RunFilters.of(**given)


def runs_batch_settings(resource: RunsBase, target: str, *, metadata: Mapping[str, Any] | None, version: str | None,
                    overrides: Mapping[str, Any] | None, trigger: str | RunTrigger | None,
                    poll_interval_seconds: float, timeout_seconds: float, **given: Any) -> BatchSettings:  # fmt: skip
    """A runs batch's checked settings: its surface (``_batch_surface.RunsSurface``) and the engine's own."""
    from eigenpal_ext._batch import batch_settings  # noqa: PLC0415 - loaded on first use
    from eigenpal_ext._batch_surface import RunsSurface, tagged_metadata  # noqa: PLC0415

    template = RunStart.of(
        target, None, version=version, overrides=overrides, metadata=tagged_metadata(metadata), trigger=trigger
    )
    surface = RunsSurface(template, max_bytes=resource._max_bytes, origin=resource._origin)
    wait = WaitOptions(poll_interval_seconds, timeout_seconds)
    return batch_settings(surface, wait=wait, **given)


def checked_batch_inputs(inputs: object) -> Iterable[object]:
    from eigenpal_ext._batch import check_inputs  # noqa: PLC0415 - loaded on first use

    return check_inputs(inputs)


class RunsBase:
    """What both resources hold: the requestor, and the client's ``multipart_max_bytes``."""

    def __init__(
        self, requestor: Any, *, multipart_max_bytes: int | None = _config.DEFAULT_MULTIPART_MAX_BYTES
    ) -> None:
        self._requestor = requestor
        self._max_bytes = multipart_max_bytes

    @property
    def _origin(self) -> str:
        return origin_of(self._requestor.http)
