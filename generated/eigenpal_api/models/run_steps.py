from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast, overload

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import subscript_error

T = TypeVar("T", bound="RunSteps")


@_attrs_define
class RunSteps(Sequence["Any"]):
    """A run's steps (the published document calls it `RunStepsResponse`). Decision: each step is kept as the JSON the
    server sent, since the published document gives the items no shape.

    """

    steps: list[Any]
    """ The steps in execution order, each as sent. """
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
        steps = self.steps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "steps": steps,
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
            raise TypeError(f"RunSteps is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        steps = cast(list[Any], d.pop("steps"))

        run_steps = cls(
            steps=steps,
        )

        run_steps.additional_properties = d
        run_steps.raw = src_dict
        return run_steps

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    def __iter__(self) -> Iterator[Any]:
        """The items of this page (``.steps``), in order; no further page is fetched."""
        return iter(self.steps)

    def __len__(self) -> int:
        """How many items this page holds (``total`` counts every page)."""
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any | list[Any]:
        """The item at ``index`` (or a list of them for a slice); a field name raises ``TypeError``."""
        if not isinstance(index, int | slice):
            raise subscript_error(self, index, sequence_of="steps")
        return self.steps[index]
