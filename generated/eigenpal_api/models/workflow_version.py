from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

T = TypeVar("T", bound="WorkflowVersion")


@_attrs_define
class WorkflowVersion:
    """One released version of a workflow."""

    id: str
    """ Version id (e.g. `wfh_xyz`); stable, use it to pin runs. """
    workflow_id: str
    """ Id of the workflow this version belongs to. """
    version: None | str = None
    """ Release tag of this version (e.g. `1.2.3`). """
    yaml_content: str | None = None
    """ The workflow YAML at this version. """
    is_current: bool | None = None
    """ True for the workflow's currently published version. """
    created_at: datetime.datetime | None = None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
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
        id = self.id

        workflow_id = self.workflow_id

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        yaml_content = self.yaml_content

        is_current = self.is_current

        created_at: str | None = None if self.created_at is None else format_timestamp(self.created_at)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workflowId": workflow_id,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version
        if yaml_content is not UNSET:
            field_dict["yamlContent"] = yaml_content
        if is_current is not UNSET:
            field_dict["isCurrent"] = is_current
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"WorkflowVersion is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        id = d.pop("id")

        workflow_id = d.pop("workflowId")

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        yaml_content = d.pop("yamlContent", UNSET)

        is_current = d.pop("isCurrent", UNSET)

        created_at = parse_timestamp(d.pop("createdAt", None))

        workflow_version = cls(
            id=id,
            workflow_id=workflow_id,
            version=version,
            yaml_content=yaml_content,
            is_current=is_current,
            created_at=created_at,
        )

        workflow_version.additional_properties = d
        workflow_version.raw = src_dict
        return workflow_version

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
