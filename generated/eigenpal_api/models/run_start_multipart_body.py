from __future__ import annotations

import json
from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

if TYPE_CHECKING:
    from ..models.run_overrides import RunOverrides
    from ..models.run_start_multipart_body_input import RunStartMultipartBodyInput
    from ..models.run_start_multipart_body_metadata import RunStartMultipartBodyMetadata


T = TypeVar("T", bound="RunStartMultipartBody")


@_attrs_define
class RunStartMultipartBody:
    """Multipart body of `start_run`: a `target` part, the other fields as JSON parts (each sent as `application/json`),
    and one binary part per file input named `files.<input key>` (e.g. `files.invoice`). Decision: a file part's name
    carries the `files.` prefix, as the official client 0.11.x sends it; the generated model takes part names as
    written.

    """

    target: str
    """ The automation to run, as in `RunStartBody.target`. """
    input_: RunStartMultipartBodyInput | None = None
    """ The non-file inputs by name (a JSON part); may also hold `FileIdReference` values. """
    overrides: RunOverrides | None = None
    """ Per-step output overrides for a replay: the named steps do not execute and their output is replaced for this
    one run. Decision: the nested `{steps: {stepId: {...}}}` shape of the schema and of the TypeScript SDK is the
    contract, not the flat map some documentation shows. """
    metadata: RunStartMultipartBodyMetadata | None = None
    """ The caller's own data about the run (a JSON part). """
    additional_properties: dict[str, File] = _attrs_field(init=False, factory=dict)
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

        overrides: dict[str, Any] | Unset = UNSET
        if not isinstance(self.overrides, Unset):
            overrides = self.overrides.to_dict()

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_tuple()

        field_dict.update(
            {
                "target": target,
            }
        )
        if input_ is not UNSET:
            field_dict["input"] = input_
        if overrides is not UNSET:
            field_dict["overrides"] = overrides
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("target", (None, str(self.target).encode(), "text/plain")))

        if not isinstance(self.input_, Unset):
            files.append(("input", (None, json.dumps(self.input_.to_dict()).encode(), "application/json")))

        if not isinstance(self.overrides, Unset):
            files.append(("overrides", (None, json.dumps(self.overrides.to_dict()).encode(), "application/json")))

        if not isinstance(self.metadata, Unset):
            files.append(("metadata", (None, json.dumps(self.metadata.to_dict()).encode(), "application/json")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, prop.to_tuple()))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_overrides import RunOverrides  # noqa: PLC0415
        from ..models.run_start_multipart_body_input import RunStartMultipartBodyInput  # noqa: PLC0415
        from ..models.run_start_multipart_body_metadata import RunStartMultipartBodyMetadata  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunStartMultipartBody is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        target = d.pop("target")

        _input_ = d.pop("input", UNSET)
        input_: RunStartMultipartBodyInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = RunStartMultipartBodyInput.from_dict(_input_)

        _overrides = d.pop("overrides", UNSET)
        overrides: RunOverrides | Unset
        if isinstance(_overrides, Unset):
            overrides = UNSET
        else:
            overrides = RunOverrides.from_dict(_overrides)

        _metadata = d.pop("metadata", UNSET)
        metadata: RunStartMultipartBodyMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = RunStartMultipartBodyMetadata.from_dict(_metadata)

        run_start_multipart_body = cls(
            target=target,
            input_=input_,
            overrides=overrides,
            metadata=metadata,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = File(payload=BytesIO(prop_dict))

            additional_properties[prop_name] = additional_property

        run_start_multipart_body.additional_properties = additional_properties
        run_start_multipart_body.raw = src_dict
        return run_start_multipart_body

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> File:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: File) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties
