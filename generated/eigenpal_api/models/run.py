from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_type import RunType
from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_artifact import RunArtifact
    from ..models.run_debug import RunDebug
    from ..models.run_eval import RunEval
    from ..models.run_execution import RunExecution
    from ..models.run_input import RunInput
    from ..models.run_source import RunSource
    from ..models.run_timing import RunTiming
    from ..models.run_trigger_details import RunTriggerDetails
    from ..models.run_usage import RunUsage


T = TypeVar("T", bound="Run")


@_attrs_define
class Run:
    """A run: the answer of `start_run` (any of 200, 201, 202) and `get_run`, and an item of `list_runs`. The status is
    `execution.status`; `finished` is true once the run is terminal, and then `output`, `files` and `error` are present.
    Decision: one shape for the three answers of `start_run` and for `get_run` (the published document's "accepted"
    answer is a run with `finished: false` and fewer keys), so clients read a run one way.

    """

    id: str
    """ Run id (e.g. `exec_xyz`). """
    type_: RunType | None = None
    """ A run type as a response carries it: one of `RunType`, or a value added later. Decision: any string is
    accepted, so a new kind of automation does not make its runs unreadable. """
    finished: bool | None = None
    """ True once the run has reached a terminal status. """
    sample_rank: float | None = None
    """ A stable pseudo-random rank in [0, 1), for reviewing a sample of runs. """
    timing: RunTiming | None = None
    """ When the run was created, started, ended and asked to stop. """
    source: RunSource | None = None
    """ The automation (and version) the run belongs to. """
    trigger: RunTriggerDetails | None = None
    """ How and by whom the run was started. """
    eval_: RunEval | None = None
    """ The eval example a run belongs to (eval runs only). """
    execution: RunExecution | None = None
    """ The run's execution: its status always, the full record with `expand=execution`. Decision: one open shape
    for the slim record of every answer and the full workflow or agent record of `expand=execution` (the published
    document has three that differ only in which optional keys they carry); keys this schema does not name are kept.
    """
    output: Any | None = None
    """ The output (completed runs; usually an object). Decision: any JSON is accepted, though the published
    document says object or null, so an automation's output is never lost to its type. """
    files: list[RunArtifact] | None = None
    """ The files it read and produced (terminal runs). """
    error: None | str = None
    """ The failure message of a failed run; null when it succeeded or is still going. """
    input_: RunInput | None = None
    """ What the run was started with (`expand=input`). """
    usage: None | RunUsage = None
    """ What it used (`expand=usage`); null for old runs. """
    debug: RunDebug | None = None
    """ Diagnostics (`expand=debug`). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
        from ..models.run_usage import RunUsage  # noqa: PLC0415

        id = self.id

        type_: str | None = None if self.type_ is None else self.type_.value

        finished = self.finished

        sample_rank = self.sample_rank

        timing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.timing, Unset):
            timing = self.timing.to_dict()

        source: dict[str, Any] | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.to_dict()

        trigger: dict[str, Any] | Unset = UNSET
        if not isinstance(self.trigger, Unset):
            trigger = self.trigger.to_dict()

        eval_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.eval_, Unset):
            eval_ = self.eval_.to_dict()

        execution: dict[str, Any] | Unset = UNSET
        if not isinstance(self.execution, Unset):
            execution = self.execution.to_dict()

        output = self.output

        files: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = []
            for files_item_data in self.files:
                files_item = files_item_data.to_dict()
                files.append(files_item)

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        usage: dict[str, Any] | None | Unset
        if isinstance(self.usage, Unset):
            usage = UNSET
        elif isinstance(self.usage, RunUsage):
            usage = self.usage.to_dict()
        else:
            usage = self.usage

        debug: dict[str, Any] | Unset = UNSET
        if not isinstance(self.debug, Unset):
            debug = self.debug.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if finished is not UNSET:
            field_dict["finished"] = finished
        if sample_rank is not UNSET:
            field_dict["sampleRank"] = sample_rank
        if timing is not UNSET:
            field_dict["timing"] = timing
        if source is not UNSET:
            field_dict["source"] = source
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if eval_ is not UNSET:
            field_dict["eval"] = eval_
        if execution is not UNSET:
            field_dict["execution"] = execution
        if output is not UNSET:
            field_dict["output"] = output
        if files is not UNSET:
            field_dict["files"] = files
        if error is not UNSET:
            field_dict["error"] = error
        if input_ is not UNSET:
            field_dict["input"] = input_
        if usage is not UNSET:
            field_dict["usage"] = usage
        if debug is not UNSET:
            field_dict["debug"] = debug

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_artifact import RunArtifact  # noqa: PLC0415
        from ..models.run_debug import RunDebug  # noqa: PLC0415
        from ..models.run_eval import RunEval  # noqa: PLC0415
        from ..models.run_execution import RunExecution  # noqa: PLC0415
        from ..models.run_input import RunInput  # noqa: PLC0415
        from ..models.run_source import RunSource  # noqa: PLC0415
        from ..models.run_timing import RunTiming  # noqa: PLC0415
        from ..models.run_trigger_details import RunTriggerDetails  # noqa: PLC0415
        from ..models.run_usage import RunUsage  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"Run is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        id = d.pop("id")

        _type_ = d.pop("type", None)
        type_ = RunType(_type_) if isinstance(_type_, str) else None

        finished = d.pop("finished", UNSET)

        sample_rank = d.pop("sampleRank", UNSET)

        _timing = d.pop("timing", UNSET)
        timing: RunTiming | Unset
        if isinstance(_timing, Unset):
            timing = UNSET
        else:
            timing = RunTiming.from_dict(_timing)

        _source = d.pop("source", UNSET)
        source: RunSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = RunSource.from_dict(_source)

        _trigger = d.pop("trigger", UNSET)
        trigger: RunTriggerDetails | Unset
        if isinstance(_trigger, Unset):
            trigger = UNSET
        else:
            trigger = RunTriggerDetails.from_dict(_trigger)

        _eval_ = d.pop("eval", UNSET)
        eval_: RunEval | Unset
        if isinstance(_eval_, Unset):
            eval_ = UNSET
        else:
            eval_ = RunEval.from_dict(_eval_)

        _execution = d.pop("execution", UNSET)
        execution: RunExecution | Unset
        if isinstance(_execution, Unset):
            execution = UNSET
        else:
            execution = RunExecution.from_dict(_execution)

        output = d.pop("output", UNSET)

        _files = d.pop("files", UNSET)
        files: list[RunArtifact] | Unset = UNSET
        if _files is not UNSET:
            files = []
            for files_item_data in _files:
                files_item = RunArtifact.from_dict(files_item_data)

                files.append(files_item)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        _input_ = d.pop("input", UNSET)
        input_: RunInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = RunInput.from_dict(_input_)

        def _parse_usage(data: object) -> None | RunUsage | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                usage_type_0 = RunUsage.from_dict(data)

                return usage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunUsage | Unset, data)

        usage = _parse_usage(d.pop("usage", UNSET))

        _debug = d.pop("debug", UNSET)
        debug: RunDebug | Unset
        if isinstance(_debug, Unset):
            debug = UNSET
        else:
            debug = RunDebug.from_dict(_debug)

        run = cls(
            id=id,
            type_=type_,
            finished=finished,
            sample_rank=sample_rank,
            timing=timing,
            source=source,
            trigger=trigger,
            eval_=eval_,
            execution=execution,
            output=output,
            files=files,
            error=error,
            input_=input_,
            usage=usage,
            debug=debug,
        )

        run.additional_properties = d
        run.raw = src_dict
        return run

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
