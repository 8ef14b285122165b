from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_source_git import RunSourceGit


T = TypeVar("T", bound="RunSource")


@_attrs_define
class RunSource:
    """The automation (and version) the run belongs to."""

    id: str | None = None
    """ The workflow's or agent's id. """
    name: None | str = None
    """ Its name. """
    version: None | str = None
    """ The version label that ran (workflow runs). """
    version_id: None | str = None
    """ The id of the version that ran (workflow runs). """
    slug: None | str = None
    """ The agent's slug (agent runs). """
    model: None | str = None
    """ The model used (agent runs). """
    git: None | RunSourceGit = None
    """ Git provenance (agent runs). """
    implementation_available: bool | None = None
    """ Whether the automation's implementation still exists (`get_run` only). """
    automation_found: bool | None = None
    """ Whether the automation itself still exists (`get_run` only). """
    current_version: None | str = None
    """ The automation's current release, when it still exists (`get_run` only). """
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
        from ..models.run_source_git import RunSourceGit  # noqa: PLC0415

        id = self.id

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

        version_id: None | str | Unset
        if isinstance(self.version_id, Unset):
            version_id = UNSET
        else:
            version_id = self.version_id

        slug: None | str | Unset
        if isinstance(self.slug, Unset):
            slug = UNSET
        else:
            slug = self.slug

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        git: dict[str, Any] | None | Unset
        if isinstance(self.git, Unset):
            git = UNSET
        elif isinstance(self.git, RunSourceGit):
            git = self.git.to_dict()
        else:
            git = self.git

        implementation_available = self.implementation_available

        automation_found = self.automation_found

        current_version: None | str | Unset
        if isinstance(self.current_version, Unset):
            current_version = UNSET
        else:
            current_version = self.current_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if version is not UNSET:
            field_dict["version"] = version
        if version_id is not UNSET:
            field_dict["versionId"] = version_id
        if slug is not UNSET:
            field_dict["slug"] = slug
        if model is not UNSET:
            field_dict["model"] = model
        if git is not UNSET:
            field_dict["git"] = git
        if implementation_available is not UNSET:
            field_dict["implementationAvailable"] = implementation_available
        if automation_found is not UNSET:
            field_dict["automationFound"] = automation_found
        if current_version is not UNSET:
            field_dict["currentVersion"] = current_version

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_source_git import RunSourceGit  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunSource is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        id = d.pop("id", UNSET)

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

        def _parse_version_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version_id = _parse_version_id(d.pop("versionId", UNSET))

        def _parse_slug(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        slug = _parse_slug(d.pop("slug", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_git(data: object) -> None | RunSourceGit | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                git_type_0 = RunSourceGit.from_dict(data)

                return git_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunSourceGit | Unset, data)

        git = _parse_git(d.pop("git", UNSET))

        implementation_available = d.pop("implementationAvailable", UNSET)

        automation_found = d.pop("automationFound", UNSET)

        def _parse_current_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        current_version = _parse_current_version(d.pop("currentVersion", UNSET))

        run_source = cls(
            id=id,
            name=name,
            version=version,
            version_id=version_id,
            slug=slug,
            model=model,
            git=git,
            implementation_available=implementation_available,
            automation_found=automation_found,
            current_version=current_version,
        )

        run_source.additional_properties = d
        run_source.raw = src_dict
        return run_source

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
