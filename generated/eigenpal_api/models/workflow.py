from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

if TYPE_CHECKING:
    from ..models.workflow_triggers import WorkflowTriggers


T = TypeVar("T", bound="Workflow")


@_attrs_define
class Workflow:
    """A workflow with its current release (the official SDK 0.4.12 calls it `WorkflowSummary`)."""

    id: str
    """ Workflow id (e.g. `wf_abc123`). """
    created_at: datetime.datetime | None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    name: None | str = None
    """ Human-readable name from the workflow YAML, also its slug (e.g. `extract-invoice`); null while no version
    has been published. """
    version: None | str = None
    """ Current release tag (e.g. `1.2.4`); null until a version is published. """
    updated_at: datetime.datetime | None = None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    api_enabled: bool | None = None
    """ Whether the workflow can be triggered through the API (a run of one that cannot is a 403 with the issue code
    `api_trigger_disabled`). Sent by servers since SDK 0.7.1; may be absent. """
    triggers: Any | WorkflowTriggers | None = None
    """ Which kinds of trigger are enabled for the workflow (servers since SDK 0.7.1; may be absent). Decision: any
    JSON is accepted and `WorkflowTriggers` read when it fits, as for every field newer than the 0.4.12 contract.
    """
    yaml_content: None | str = None
    """ The workflow YAML of the current version; null while no version is published. Only on a single workflow's
    detail (`GET /workflows/{id}`), never in lists (servers since SDK 0.5.12; may be absent). """
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
        from ..models.workflow_triggers import WorkflowTriggers  # noqa: PLC0415

        id = self.id

        created_at: str | None = None if self.created_at is None else format_timestamp(self.created_at)

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        updated_at: str | None = None if self.updated_at is None else format_timestamp(self.updated_at)

        api_enabled = self.api_enabled

        triggers: Any | dict[str, Any] | Unset
        if isinstance(self.triggers, Unset):
            triggers = UNSET
        elif isinstance(self.triggers, WorkflowTriggers):
            triggers = self.triggers.to_dict()
        else:
            triggers = self.triggers

        yaml_content: None | str | Unset
        if isinstance(self.yaml_content, Unset):
            yaml_content = UNSET
        else:
            yaml_content = self.yaml_content

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "createdAt": created_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if version is not UNSET:
            field_dict["version"] = version
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at
        if api_enabled is not UNSET:
            field_dict["apiEnabled"] = api_enabled
        if triggers is not UNSET:
            field_dict["triggers"] = triggers
        if yaml_content is not UNSET:
            field_dict["yamlContent"] = yaml_content

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_triggers import WorkflowTriggers  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"Workflow is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        id = d.pop("id")

        created_at = parse_timestamp(d.pop("createdAt", None))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        updated_at = parse_timestamp(d.pop("updatedAt", None))

        api_enabled = d.pop("apiEnabled", UNSET)

        def _parse_triggers(data: object) -> Any | Unset | WorkflowTriggers:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                triggers_type_0 = WorkflowTriggers.from_dict(data)

                return triggers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | Unset | WorkflowTriggers, data)

        triggers = _parse_triggers(d.pop("triggers", UNSET))

        def _parse_yaml_content(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        yaml_content = _parse_yaml_content(d.pop("yamlContent", UNSET))

        workflow = cls(
            id=id,
            created_at=created_at,
            name=name,
            version=version,
            updated_at=updated_at,
            api_enabled=api_enabled,
            triggers=triggers,
            yaml_content=yaml_content,
        )

        workflow.additional_properties = d
        workflow.raw = src_dict
        return workflow

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
