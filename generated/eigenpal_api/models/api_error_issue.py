from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_error_issue_severity import ApiErrorIssueSeverity
from ..types import subscript_error

T = TypeVar("T", bound="ApiErrorIssue")


@_attrs_define
class ApiErrorIssue:
    """One problem with a request."""

    field: str
    """ JSON path of the offending field (e.g. `body.input`), or `<root>`. """
    message: str
    """ Human-readable message. """
    code: str
    """ Machine-readable code (`invalid_value`, `required`, `not_found`, `unauthorized`, `rate_limited`, ...). """
    severity: ApiErrorIssueSeverity
    """ An issue severity as an error body carries it: one of `ApiErrorIssueSeverity`, or a value added later.
    Decision: any string is accepted, so a new severity (say `info`) never hides the error. """
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
        field = self.field

        message = self.message

        code = self.code

        severity = self.severity.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "message": message,
                "code": code,
                "severity": severity,
            }
        )

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ApiErrorIssue is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        field = d.pop("field")

        message = d.pop("message")

        code = d.pop("code")

        severity = ApiErrorIssueSeverity(d.pop("severity"))

        api_error_issue = cls(
            field=field,
            message=message,
            code=code,
            severity=severity,
        )

        api_error_issue.additional_properties = d
        api_error_issue.raw = src_dict
        return api_error_issue

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
