from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.file_id_reference import FileIdReference
    from ..models.inline_file_reference import InlineFileReference


T = TypeVar("T", bound="RunStartBodyFiles")


@_attrs_define
class RunStartBodyFiles(
    MutableMapping[str, "FileIdReference | InlineFileReference | list[FileIdReference | InlineFileReference]"]
):
    """File inputs by name, each one reference or a list of them."""

    additional_properties: dict[
        str, FileIdReference | InlineFileReference | list[FileIdReference | InlineFileReference]
    ] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
        from ..models.file_id_reference import FileIdReference  # noqa: PLC0415
        from ..models.inline_file_reference import InlineFileReference  # noqa: PLC0415

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, FileIdReference):
                field_dict[prop_name] = prop.to_dict()
            elif isinstance(prop, InlineFileReference):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = []
                for additional_property_type_1_item_data in prop:
                    additional_property_type_1_item: dict[str, Any]
                    if isinstance(additional_property_type_1_item_data, FileIdReference):
                        additional_property_type_1_item = additional_property_type_1_item_data.to_dict()
                    else:
                        additional_property_type_1_item = additional_property_type_1_item_data.to_dict()

                    field_dict[prop_name].append(additional_property_type_1_item)

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_id_reference import FileIdReference  # noqa: PLC0415
        from ..models.inline_file_reference import InlineFileReference  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunStartBodyFiles is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        run_start_body_files = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(
                data: object,
            ) -> FileIdReference | InlineFileReference | list[FileIdReference | InlineFileReference]:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_run_file_reference_type_0 = FileIdReference.from_dict(data)

                    return componentsschemas_run_file_reference_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_run_file_reference_type_1 = InlineFileReference.from_dict(data)

                    return componentsschemas_run_file_reference_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, list):
                    raise TypeError()
                additional_property_type_1 = []
                _additional_property_type_1 = data
                for additional_property_type_1_item_data in _additional_property_type_1:

                    def _parse_additional_property_type_1_item(data: object) -> FileIdReference | InlineFileReference:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            componentsschemas_run_file_reference_type_0 = FileIdReference.from_dict(data)

                            return componentsschemas_run_file_reference_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_run_file_reference_type_1 = InlineFileReference.from_dict(data)

                        return componentsschemas_run_file_reference_type_1

                    additional_property_type_1_item = _parse_additional_property_type_1_item(
                        additional_property_type_1_item_data
                    )

                    additional_property_type_1.append(additional_property_type_1_item)

                return additional_property_type_1

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        run_start_body_files.additional_properties = additional_properties
        run_start_body_files.raw = src_dict
        return run_start_body_files

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    def __getitem__(
        self, key: str
    ) -> FileIdReference | InlineFileReference | list[FileIdReference | InlineFileReference]:
        return self.additional_properties[key]

    def __setitem__(
        self, key: str, value: FileIdReference | InlineFileReference | list[FileIdReference | InlineFileReference]
    ) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)
