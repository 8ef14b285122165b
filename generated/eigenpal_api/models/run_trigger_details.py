from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_trigger_user import RunTriggerUser


T = TypeVar("T", bound="RunTriggerDetails")


@_attrs_define
class RunTriggerDetails:
    """How and by whom the run was started."""

    type_: None | str = None
    """ How it was started (`api`, `cli`, `manual`, `scheduled`, `email`, ...; an open string). """
    by: None | RunTriggerUser = None
    """ The user who started it; null when none is recorded. """
    email: Any | None = None
    """ The inbound email that started it (agent runs), as sent. """
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
        from ..models.run_trigger_user import RunTriggerUser  # noqa: PLC0415

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        by: dict[str, Any] | None | Unset
        if isinstance(self.by, Unset):
            by = UNSET
        elif isinstance(self.by, RunTriggerUser):
            by = self.by.to_dict()
        else:
            by = self.by

        email = self.email

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if by is not UNSET:
            field_dict["by"] = by
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_trigger_user import RunTriggerUser  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunTriggerDetails is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)

        def _parse_type_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        def _parse_by(data: object) -> None | RunTriggerUser | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                by_type_0 = RunTriggerUser.from_dict(data)

                return by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunTriggerUser | Unset, data)

        by = _parse_by(d.pop("by", UNSET))

        email = d.pop("email", UNSET)

        run_trigger_details = cls(
            type_=type_,
            by=by,
            email=email,
        )

        run_trigger_details.additional_properties = d
        run_trigger_details.raw = src_dict
        return run_trigger_details

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
