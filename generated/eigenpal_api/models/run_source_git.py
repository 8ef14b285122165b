from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

T = TypeVar("T", bound="RunSourceGit")


@_attrs_define
class RunSourceGit:
    """Where an agent run's code came from."""

    requested_ref: None | str = None
    """ The git ref asked for. """
    resolved_ref: None | str = None
    """ The ref it resolved to. """
    resolved_tag: None | str = None
    """ The release tag it resolved to, if any. """
    commit_sha: None | str = None
    """ The commit that ran. """
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
        requested_ref: None | str | Unset
        if isinstance(self.requested_ref, Unset):
            requested_ref = UNSET
        else:
            requested_ref = self.requested_ref

        resolved_ref: None | str | Unset
        if isinstance(self.resolved_ref, Unset):
            resolved_ref = UNSET
        else:
            resolved_ref = self.resolved_ref

        resolved_tag: None | str | Unset
        if isinstance(self.resolved_tag, Unset):
            resolved_tag = UNSET
        else:
            resolved_tag = self.resolved_tag

        commit_sha: None | str | Unset
        if isinstance(self.commit_sha, Unset):
            commit_sha = UNSET
        else:
            commit_sha = self.commit_sha

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if requested_ref is not UNSET:
            field_dict["requestedRef"] = requested_ref
        if resolved_ref is not UNSET:
            field_dict["resolvedRef"] = resolved_ref
        if resolved_tag is not UNSET:
            field_dict["resolvedTag"] = resolved_tag
        if commit_sha is not UNSET:
            field_dict["commitSha"] = commit_sha

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunSourceGit is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)

        def _parse_requested_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        requested_ref = _parse_requested_ref(d.pop("requestedRef", UNSET))

        def _parse_resolved_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolved_ref = _parse_resolved_ref(d.pop("resolvedRef", UNSET))

        def _parse_resolved_tag(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolved_tag = _parse_resolved_tag(d.pop("resolvedTag", UNSET))

        def _parse_commit_sha(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        commit_sha = _parse_commit_sha(d.pop("commitSha", UNSET))

        run_source_git = cls(
            requested_ref=requested_ref,
            resolved_ref=resolved_ref,
            resolved_tag=resolved_tag,
            commit_sha=commit_sha,
        )

        run_source_git.additional_properties = d
        run_source_git.raw = src_dict
        return run_source_git

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
