from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_overrides import RunOverrides
    from ..models.run_start_body_files import RunStartBodyFiles
    from ..models.run_start_body_input import RunStartBodyInput
    from ..models.run_start_body_metadata import RunStartBodyMetadata


T = TypeVar("T", bound="RunStartBody")


@_attrs_define
class RunStartBody:
    """JSON body of `start_run`. Decision: file inputs go in `input` as `FileIdReference` values (what the official client
    0.11.x sends after pre-uploading a large file); the `files` map of the published document is declared too, for
    callers who keep files apart from scalar inputs.

    """

    target: str
    """ The automation to run, without a version: `workflows.<slug>` or `agents.<slug>` (e.g. `workflows.extract-
    invoice`). The version goes in the `version` query parameter. """
    input_: RunStartBodyInput | None = None
    """ The automation's inputs by name; a file input's value may be a `FileIdReference` (`{"$fileId":
    "file_..."}`). """
    files: RunStartBodyFiles | None = None
    """ File inputs by name, each one reference or a list of them. """
    overrides: RunOverrides | None = None
    """ Per-step output overrides for a replay: the named steps do not execute and their output is replaced for this
    one run. Decision: the nested `{steps: {stepId: {...}}}` shape of the schema and of the TypeScript SDK is the
    contract, not the flat map some documentation shows. """
    metadata: RunStartBodyMetadata | None = None
    """ The caller's own data about the run (e.g. a batch and input key), stored with it and returned by `get_run`
    with `expand=input`. """
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
        target = self.target

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        files: dict[str, Any] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = self.files.to_dict()

        overrides: dict[str, Any] | Unset = UNSET
        if not isinstance(self.overrides, Unset):
            overrides = self.overrides.to_dict()

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "target": target,
            }
        )
        if input_ is not UNSET:
            field_dict["input"] = input_
        if files is not UNSET:
            field_dict["files"] = files
        if overrides is not UNSET:
            field_dict["overrides"] = overrides
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_overrides import RunOverrides  # noqa: PLC0415
        from ..models.run_start_body_files import RunStartBodyFiles  # noqa: PLC0415
        from ..models.run_start_body_input import RunStartBodyInput  # noqa: PLC0415
        from ..models.run_start_body_metadata import RunStartBodyMetadata  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunStartBody is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        target = d.pop("target")

        _input_ = d.pop("input", UNSET)
        input_: RunStartBodyInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = RunStartBodyInput.from_dict(_input_)

        _files = d.pop("files", UNSET)
        files: RunStartBodyFiles | Unset
        if isinstance(_files, Unset):
            files = UNSET
        else:
            files = RunStartBodyFiles.from_dict(_files)

        _overrides = d.pop("overrides", UNSET)
        overrides: RunOverrides | Unset
        if isinstance(_overrides, Unset):
            overrides = UNSET
        else:
            overrides = RunOverrides.from_dict(_overrides)

        _metadata = d.pop("metadata", UNSET)
        metadata: RunStartBodyMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = RunStartBodyMetadata.from_dict(_metadata)

        run_start_body = cls(
            target=target,
            input_=input_,
            files=files,
            overrides=overrides,
            metadata=metadata,
        )

        run_start_body.additional_properties = d
        run_start_body.raw = src_dict
        return run_start_body

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
