from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

T = TypeVar("T", bound="ApiKeyIdentity")


@_attrs_define
class ApiKeyIdentity:
    """The identity behind an API key, the answer to `check_auth` (the published document calls it `AuthCheckResponse`)."""

    ok: bool | None = None
    """ Always true in a 200 answer. """
    tenant_id: str | None = None
    """ The organisation's id. """
    tenant_slug: str | None = None
    """ The organisation's slug. """
    tenant_name: None | str = None
    """ The organisation's name. """
    user_id: None | str = None
    """ The user the key belongs to, if any. """
    key_id: str | None = None
    """ The API key's id (never the key itself). """
    email: None | str = None
    """ The user's email address. """
    name: None | str = None
    """ The user's or key's display name. """
    scope: list[str] | None = None
    """ The scopes granted to the key. """
    wildcard_granted: bool | None = None
    """ True when the key holds every scope. """
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
        ok = self.ok

        tenant_id = self.tenant_id

        tenant_slug = self.tenant_slug

        tenant_name: None | str | Unset
        if isinstance(self.tenant_name, Unset):
            tenant_name = UNSET
        else:
            tenant_name = self.tenant_name

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        key_id = self.key_id

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        scope: list[str] | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope

        wildcard_granted = self.wildcard_granted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if ok is not UNSET:
            field_dict["ok"] = ok
        if tenant_id is not UNSET:
            field_dict["tenantId"] = tenant_id
        if tenant_slug is not UNSET:
            field_dict["tenantSlug"] = tenant_slug
        if tenant_name is not UNSET:
            field_dict["tenantName"] = tenant_name
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if key_id is not UNSET:
            field_dict["keyId"] = key_id
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
        if scope is not UNSET:
            field_dict["scope"] = scope
        if wildcard_granted is not UNSET:
            field_dict["wildcardGranted"] = wildcard_granted

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ApiKeyIdentity is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        ok = d.pop("ok", UNSET)

        tenant_id = d.pop("tenantId", UNSET)

        tenant_slug = d.pop("tenantSlug", UNSET)

        def _parse_tenant_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tenant_name = _parse_tenant_name(d.pop("tenantName", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))

        key_id = d.pop("keyId", UNSET)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        scope = cast(list[str], d.pop("scope", UNSET))

        wildcard_granted = d.pop("wildcardGranted", UNSET)

        api_key_identity = cls(
            ok=ok,
            tenant_id=tenant_id,
            tenant_slug=tenant_slug,
            tenant_name=tenant_name,
            user_id=user_id,
            key_id=key_id,
            email=email,
            name=name,
            scope=scope,
            wildcard_granted=wildcard_granted,
        )

        api_key_identity.additional_properties = d
        api_key_identity.raw = src_dict
        return api_key_identity

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
