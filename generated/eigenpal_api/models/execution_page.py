from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import subscript_error

if TYPE_CHECKING:
    from ..models.execution_summary import ExecutionSummary


T = TypeVar("T", bound="ExecutionPage")


@_attrs_define
class ExecutionPage(Sequence["ExecutionSummary"]):
    """One page of executions (the official SDK 0.4.12 calls it `ListWorkflowExecutionsResponse`)."""

    data: list[ExecutionSummary]
    """ The executions on this page. """
    total: int
    """ Number of executions matching the filters, over all pages. """
    limit: int
    """ The page size used. """
    offset: int
    """ The offset used. """
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
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        total = self.total

        limit = self.limit

        offset = self.offset

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "total": total,
                "limit": limit,
                "offset": offset,
            }
        )

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.execution_summary import ExecutionSummary  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ExecutionPage is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = ExecutionSummary.from_dict(data_item_data)

            data.append(data_item)

        total = d.pop("total")

        limit = d.pop("limit")

        offset = d.pop("offset")

        execution_page = cls(
            data=data,
            total=total,
            limit=limit,
            offset=offset,
        )

        execution_page.additional_properties = d
        execution_page.raw = src_dict
        return execution_page

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    def __iter__(self) -> Iterator[ExecutionSummary]:
        """The items of this page (``.data``), in order; no further page is fetched."""
        return iter(self.data)

    def __len__(self) -> int:
        """How many items this page holds (``total`` counts every page)."""
        return len(self.data)

    @overload
    def __getitem__(self, index: int) -> ExecutionSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[ExecutionSummary]: ...

    def __getitem__(self, index: int | slice) -> ExecutionSummary | list[ExecutionSummary]:
        """The item at ``index`` (or a list of them for a slice); a field name raises ``TypeError``."""
        if not isinstance(index, int | slice):
            raise subscript_error(self, index, sequence_of="data")
        return self.data[index]
