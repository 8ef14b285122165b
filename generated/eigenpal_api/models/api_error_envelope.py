from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, subscript_error

if TYPE_CHECKING:
    from ..models.api_error_issue import ApiErrorIssue


T = TypeVar("T", bound="ApiErrorEnvelope")


@_attrs_define
class ApiErrorEnvelope:
    """The body of every error response."""

    issues: list[ApiErrorIssue]
    """ The problems found; the first one is the headline. """
    request_id: str
    """ Request id, also echoed in the `x-request-id` header. """
    hint: str | None = None
    """ Suggested fix for known error patterns. """
    docs_url: str | None = None
    """ Link to relevant documentation. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
        issues = []
        for issues_item_data in self.issues:
            issues_item = issues_item_data.to_dict()
            issues.append(issues_item)

        request_id = self.request_id

        hint = self.hint

        docs_url = self.docs_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "issues": issues,
                "requestId": request_id,
            }
        )
        if hint is not UNSET:
            field_dict["hint"] = hint
        if docs_url is not UNSET:
            field_dict["docsUrl"] = docs_url

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_error_issue import ApiErrorIssue  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ApiErrorEnvelope is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        issues = []
        _issues = d.pop("issues")
        for issues_item_data in _issues:
            issues_item = ApiErrorIssue.from_dict(issues_item_data)

            issues.append(issues_item)

        request_id = d.pop("requestId")

        hint = d.pop("hint", UNSET)

        docs_url = d.pop("docsUrl", UNSET)

        api_error_envelope = cls(
            issues=issues,
            request_id=request_id,
            hint=hint,
            docs_url=docs_url,
        )

        api_error_envelope.additional_properties = d
        api_error_envelope.raw = src_dict
        return api_error_envelope

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
