"""The runs API's calls as data (``Call``, see ``_calls``): starting a run, reading, listing and cancelling runs,
their steps and events. No I/O here.

A start is described once by ``RunStart`` (its target, inputs, overrides, metadata and one ``Idempotency-Key`` for
every attempt), whose ``call(hold)`` builds each attempt, as ``_calls.RunRequest`` does for the v1 route; the
trigger and waiting flows (``_trigger``, ``_waiting``) send either. The body is JSON, or multipart when a top-level
input is a file: a ``target`` part, the other inputs as a JSON ``input`` part (with any pre-uploaded file as
``{"$fileId": ...}``), ``overrides`` and ``metadata`` as JSON parts, and one ``files.<input key>`` part per file,
streamed from disk. Which files go in the body and which are uploaded first is decided before (``_uploads``).

The runs list takes its date filters as ISO-8601 only (EigenPal documents no relative form there), so every date
(``datetime``, ``timedelta``, ``'now()-7d'``, ...) is resolved here, on this machine's clock, with the grammar of
``eigenpal_ext.dates``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import IO, Any

import attrs
from eigenpal_api.api.runs import cancel_run, get_run, list_run_events, list_run_steps, list_runs, start_run
from eigenpal_api.models import Run, RunCancelResult, RunEvents, RunPage, RunSteps, RunTrigger, RunType
from eigenpal_api.types import UNSET

from eigenpal_ext._answers import parser, started_parser, transport_error_converter
from eigenpal_ext._calls import (
    RUN_TRIGGERS,
    Call,
    RunLookup,
    StatusFilter,
    _call,
    _or_unset,
    new_idempotency_key,
)
from eigenpal_ext._checks import (
    check_choice,
    check_header_value,
    check_int,
    check_json_value,
    normalise_overrides,
    optional_request_timeout,
    optional_text,
    require_id,
)
from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError
from eigenpal_ext._files import FileInput, RunInputs, split_run_inputs
from eigenpal_ext._statuses import status_filter
from eigenpal_ext._targets import RunTarget, parse_target
from eigenpal_ext.dates import DateInput, format_utc, resolve_date

FILE_PART_PREFIX = "files."
"""A file input's multipart part is named ``files.<input key>``, as the runs API takes it."""
EXPAND_SECTIONS = ("input", "usage", "execution", "debug")
"""What ``get_run(expand=)`` may add (a section added later is sent as given)."""
RUN_TYPES = tuple(member.value for member in RunType)
MAX_RUNS_PAGE = 100
ORDERS = ("asc", "desc")

_RUN_ANSWER = started_parser(Run, "id")


def _metadata(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ArgumentTypeError("metadata", f"must be a mapping of names to JSON values, not {type(value).__name__}")
    return dict(check_json_value(dict(value), "metadata", depth=2))


def _trigger(trigger: str | RunTrigger | None) -> str | None:
    return None if trigger is None else check_choice(trigger, "trigger", RUN_TRIGGERS)


def _key(key: str | None) -> str:
    return new_idempotency_key() if key is None else check_header_value(key, "idempotency_key")


@attrs.frozen
class RunStart:
    """One logical start of the runs API (``POST /runs``), checked when made, before anything is sent, with the
    ``Idempotency-Key`` of all its attempts (the caller's, or a fresh one).

    ``file_ids`` are the file inputs already uploaded (``_uploads``), sent as ``{"$fileId": ...}`` in ``input``;
    the other file inputs travel in the body. ``call(hold)`` builds one attempt: held ``hold`` seconds
    (``wait_for_completion``), or not (None).
    """

    target: RunTarget
    inputs: RunInputs = attrs.field(factory=lambda: RunInputs(None, ()))
    overrides: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    trigger: str | None = None
    request_timeout_seconds: float | None = None
    idempotency_key: str = attrs.field(factory=new_idempotency_key)
    file_ids: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def of(
        cls,
        target: object,
        input: Mapping[str, Any] | None = None,
        *,
        version: object = None,
        overrides: object = None,
        metadata: object = None,
        trigger: str | RunTrigger | None = None,
        idempotency_key: str | None = None,
        request_timeout_seconds: object = None,
    ) -> RunStart:
        """A start from the caller's arguments, each checked and named on failure (``target``, ``input[...]``)."""
        return cls(
            parse_target(target, version),
            split_run_inputs(input),
            normalise_overrides(overrides),
            _metadata(metadata),
            _trigger(trigger),
            optional_request_timeout(request_timeout_seconds),
            _key(idempotency_key),
        )

    @property
    def uploads_files(self) -> bool:
        """Whether an attempt sends files in its body: sending it again uploads them again."""
        return any(file.key not in self.file_ids for file in self.inputs.files)

    @property
    def lookup(self) -> RunLookup:
        """What names this run on an error whose id is lost: its target."""
        return RunLookup(target=self.target.name)

    @property
    def in_body(self) -> tuple[FileInput, ...]:
        """The file inputs that travel in the body (those not uploaded first)."""
        return tuple(file for file in self.inputs.files if file.key not in self.file_ids)

    def with_file_ids(self, file_ids: Mapping[str, str]) -> RunStart:
        """This start with these file inputs uploaded already (by input key)."""
        return attrs.evolve(self, file_ids={**self.file_ids, **file_ids})

    def input_json(self) -> dict[str, Any] | None:
        """The ``input`` object as sent: the JSON inputs and the pre-uploaded files' references."""
        if self.inputs.json_inputs is None and not self.file_ids:
            return None
        data = dict(self.inputs.json_inputs or {})
        data.update({key: {"$fileId": file_id} for key, file_id in self.file_ids.items()})
        return data

    def call(self, hold: int | None = None, *, deadline: float | None = None) -> Call[Run]:
        """The request of one attempt, with this start's key; ``deadline`` as in ``Call``."""
        headers = {} if self.trigger is None else {"X-Eigenpal-Trigger": self.trigger}
        generated = start_run._get_kwargs(version=_or_unset(self.target.version))
        files = self.in_body
        opened: list[IO[bytes]] = []
        parts: list[tuple[str, Any]] | None = None
        body: dict[str, Any] | None = None
        if files:
            parts = [("target", (None, self.target.name))]
            parts += [(name, (None, _json_text(value), "application/json")) for name, value in self._json_fields()]
            try:
                for file_input in files:
                    handle, owned = file_input.open()
                    if owned:
                        opened.append(handle)
                    parts.append(
                        (FILE_PART_PREFIX + file_input.key, (file_input.filename, handle, file_input.mime_type))
                    )
            except BaseException:
                for handle in opened:
                    handle.close()
                raise
        else:
            body = {"target": self.target.name, **dict(self._json_fields())}
        return Call(
            "POST", generated["url"], _RUN_ANSWER, transport_error_converter(creates_execution=True),
            params=generated.get("params") or {}, json=body, parts=parts, headers=headers,
            idempotency_key=self.idempotency_key, uploads=tuple(opened), hold_seconds=hold,
            request_timeout_seconds=self.request_timeout_seconds, deadline=deadline,
        )  # fmt: skip

    def _json_fields(self) -> list[tuple[str, Any]]:
        fields = [("input", self.input_json()), ("overrides", self.overrides), ("metadata", self.metadata)]
        return [(name, value) for name, value in fields if value is not None]


def _json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- reading runs ------------------------------------------------------------------------------------------


def _run_id(value: object) -> str:
    return require_id(value, "run_id")


def expand_query(expand: str | Sequence[str] | None) -> str | None:
    """``expand`` as sent: sections comma-separated (``input,usage``); a known section's near-miss is refused."""
    if expand is None:
        return None
    items = [expand] if isinstance(expand, str) else list(expand) if isinstance(expand, Sequence) else None
    if items is None or not all(isinstance(item, str) for item in items):
        raise ArgumentTypeError("expand", f"must be a section name or a list of them ({', '.join(EXPAND_SECTIONS)})")
    sections = [part.strip() for item in items for part in item.split(",") if part.strip()]
    for section in sections:
        if section.lower() in EXPAND_SECTIONS and section not in EXPAND_SECTIONS:
            raise ArgumentValueError("expand", f"{section!r} is not a section; did you mean {section.lower()!r}?")
        optional_text(section, "expand")
    return ",".join(sections) or None


def get_run_call(
    run_id: str,
    *,
    expand: str | Sequence[str] | None = None,
    request_timeout_seconds: float | None = None,
    max_retries: int | None = None,
) -> Call[Run]:
    run_id = _run_id(run_id)
    generated = get_run._get_kwargs(run_id, expand=_or_unset(expand_query(expand)))
    return _call(
        generated, parser(Run, execution_id=run_id), transport_error_converter(execution_id=run_id),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds), max_retries=max_retries,
    )  # fmt: skip


def cancel_run_call(
    run_id: str, *, request_timeout_seconds: float | None = None, max_retries: int | None = None
) -> Call[RunCancelResult]:
    run_id = _run_id(run_id)
    return _call(
        cancel_run._get_kwargs(run_id),
        parser(RunCancelResult, execution_id=run_id),
        transport_error_converter(execution_id=run_id),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
        max_retries=max_retries,
    )


def run_steps_call(run_id: str, *, request_timeout_seconds: float | None = None) -> Call[RunSteps]:
    run_id = _run_id(run_id)
    return _call(
        list_run_steps._get_kwargs(run_id), parser(RunSteps, execution_id=run_id),
        transport_error_converter(execution_id=run_id),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


def run_events_call(run_id: str, *, request_timeout_seconds: float | None = None) -> Call[RunEvents]:
    run_id = _run_id(run_id)
    return _call(
        list_run_events._get_kwargs(run_id), parser(RunEvents, execution_id=run_id),
        transport_error_converter(execution_id=run_id),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip


@attrs.frozen
class RunFilters:
    """The runs list's filters, checked and resolved once (``runs.list`` / ``runs.iter``); every page of an
    iteration sends the same values, so relative dates are resolved when the filters are made."""

    query: Mapping[str, Any]

    @classmethod
    def of(
        cls,
        *,
        status: StatusFilter = None,
        type: str | RunType | None = None,
        source: str | None = None,
        source_ref: str | None = None,
        trigger: str | None = None,
        batch_id: str | None = None,
        example_id: str | None = None,
        ids: Sequence[str] | None = None,
        created_after: DateInput | None = None,
        created_before: DateInput | None = None,
        completed_after: DateInput | None = None,
        completed_before: DateInput | None = None,
        sort: str | None = None,
        order: str | None = None,
        now: datetime | None = None,
    ) -> RunFilters:
        """Check every filter (named on failure) and resolve the dates against one ``now``."""
        anchor = now if now is not None else datetime.now().astimezone()
        created = _window(created_after, created_before, ("created_after", "created_before"), anchor)
        completed = _window(completed_after, completed_before, ("completed_after", "completed_before"), anchor)
        query = {
            "status": status_filter(status),
            "type_": None if type is None else RunType(check_choice(type, "type", RUN_TYPES)),
            "source": optional_text(source, "source"),
            "source_ref": optional_text(source_ref, "source_ref"),
            "trigger": optional_text(trigger, "trigger"),
            "batch_id": optional_text(batch_id, "batch_id"),
            "example_id": optional_text(example_id, "example_id"),
            "ids": _ids(ids),
            "created_after": created[0],
            "created_before": created[1],
            "completed_after": completed[0],
            "completed_before": completed[1],
            "sort": optional_text(sort, "sort"),
            "order": None if order is None else check_choice(order, "order", ORDERS),
        }
        return cls({name: value for name, value in query.items() if value is not None})


def _ids(ids: Sequence[str] | None) -> str | None:
    if ids is None:
        return None
    if isinstance(ids, str) or not isinstance(ids, Sequence):
        raise ArgumentTypeError("ids", "must be a list of run ids")
    return ",".join(require_id(run_id, "ids") for run_id in ids) or None


def _window(
    after: DateInput | None, before: DateInput | None, names: tuple[str, str], now: datetime
) -> tuple[str | None, str | None]:
    start = None if after is None else resolve_date(after, argument=names[0], now=now)
    end = None if before is None else resolve_date(before, argument=names[1], now=now)
    if start is not None and end is not None and start >= end:
        raise ArgumentValueError(
            names[0], f"{after!r} ({format_utc(start)}) is not before {names[1]} {before!r} ({format_utc(end)})"
        )
    return (None if start is None else format_utc(start)), (None if end is None else format_utc(end))


def list_runs_call(
    filters: RunFilters,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    request_timeout_seconds: float | None = None,
) -> Call[RunPage]:
    generated = list_runs._get_kwargs(
        **filters.query,
        cursor=_or_unset(optional_text(cursor, "cursor")),
        limit=UNSET if limit is None else check_int(limit, "limit", minimum=1, maximum=MAX_RUNS_PAGE),
    )
    return _call(
        generated, parser(RunPage), transport_error_converter(),
        request_timeout_seconds=optional_request_timeout(request_timeout_seconds),
    )  # fmt: skip
