from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

T = TypeVar("T", bound="RunEval")


@_attrs_define
class RunEval:
    """The eval example a run belongs to (eval runs only)."""

    example: None | str = None
    """ The example's label. """
    example_id: None | str = None
    """ The example's id (workflow runs). """
    score: float | None = None
    """ The run's score against the example. """
    passed: bool | None = None
    """ Whether the run passed. """
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
        example: None | str | Unset
        if isinstance(self.example, Unset):
            example = UNSET
        else:
            example = self.example

        example_id: None | str | Unset
        if isinstance(self.example_id, Unset):
            example_id = UNSET
        else:
            example_id = self.example_id

        score: float | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

        passed: bool | None | Unset
        if isinstance(self.passed, Unset):
            passed = UNSET
        else:
            passed = self.passed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if example is not UNSET:
            field_dict["example"] = example
        if example_id is not UNSET:
            field_dict["exampleId"] = example_id
        if score is not UNSET:
            field_dict["score"] = score
        if passed is not UNSET:
            field_dict["passed"] = passed

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunEval is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)

        def _parse_example(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        example = _parse_example(d.pop("example", UNSET))

        def _parse_example_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        example_id = _parse_example_id(d.pop("exampleId", UNSET))

        def _parse_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

        def _parse_passed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        passed = _parse_passed(d.pop("passed", UNSET))

        run_eval = cls(
            example=example,
            example_id=example_id,
            score=score,
            passed=passed,
        )

        run_eval.additional_properties = d
        run_eval.raw = src_dict
        return run_eval

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
