"""Request validation of the local server against ``openapi.yaml``, the single source of truth.

This module owns three things, so that no limit of the contract is re-stated in server code:

- finding ``openapi.yaml`` (:func:`spec_path`): the copy packaged beside this module in wheels, else the
  repository root of an editable install;
- the operations the spec declares (:class:`Operation`, :class:`Parameter`): method, path template,
  parameters and JSON body schema, looked up by ``operationId``;
- turning raw request parts into typed values or :class:`Issue` lists (:class:`SpecValidator`): query
  strings are coerced by their schema type (``"10"`` becomes ``10``), defaults are applied, and values
  and JSON bodies are validated with JSON Schema Draft 2020-12 (OpenAPI 3.1's dialect). Each problem
  becomes an ``Issue`` whose ``field`` names the offending part (``query.limit``, ``path.id``,
  ``body.overrides.steps.s1``) for the 400 response's ``issues``.

References resolve in memory: the whole spec is registered as one resource under :data:`SPEC_URI`, so
``$ref: '#/components/schemas/...'`` works and nothing is fetched over the network. ``format`` is not
asserted (the ``date-time`` formats describe responses), and OpenAPI-only keywords such as ``example``
are ignored, as JSON Schema ignores unknown keywords.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

import attrs
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["SPEC_URI", "Issue", "Operation", "Parameter", "SpecValidator", "spec_path"]

SPEC_URI = "urn:eigenpal-spec"
"""The URI the spec is registered under; ``SPEC_URI + "#/components/schemas/X"`` names schema ``X``."""

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_MESSAGE = 200
_MAX_REF_HOPS = 32
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TYPE_PHRASES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}
_RANGE_MESSAGES = {
    "minimum": "must be >= {}",
    "maximum": "must be <= {}",
    "exclusiveMinimum": "must be > {}",
    "exclusiveMaximum": "must be < {}",
}
_MISSING: Any = object()
_NO_FIT: Any = object()


def spec_path() -> Path:
    """Return the path of ``openapi.yaml``: the packaged copy beside this module, else the repository root."""
    packaged = Path(__file__).with_name("openapi.yaml")
    if packaged.is_file():
        return packaged
    repository = Path(__file__).resolve().parents[2] / "openapi.yaml"
    if repository.is_file():
        return repository
    raise FileNotFoundError(
        f"openapi.yaml not found: looked for the packaged copy at {packaged} and for the repository's at "
        f"{repository}; reinstall eigenpal-ext or pass the spec to SpecValidator(spec=...)"
    )


@attrs.frozen
class Issue:
    """One problem with a request, in the shape of the API's ``ApiErrorIssue`` (minus ``severity``)."""

    field: str
    """Where: ``query.limit``, ``path.id``, ``body.input``, ``body.overrides.steps.s1``, ``body`` (the root)."""
    message: str
    """What, for a human: ``must be <= 100``, ``must be one of workflow, block``."""
    code: str
    """``invalid_value``, ``required``, ``invalid_type``, ``out_of_range`` or ``unknown_value``."""

    def as_dict(self, severity: str = "error") -> dict[str, str]:
        """The issue as an ``ApiErrorIssue`` JSON object."""
        return {"field": self.field, "message": self.message, "code": self.code, "severity": severity}


@attrs.frozen
class Parameter:
    """A parameter of an operation, with ``$ref`` already followed."""

    name: str
    location: str
    """``query``, ``path``, ``header`` or ``cookie`` (the spec's ``in``)."""
    required: bool
    pointer: str
    """JSON pointer of the parameter's schema inside the spec (``/components/parameters/Limit/schema``)."""


@attrs.frozen
class Operation:
    """An operation of the spec: how it is called and what it accepts."""

    operation_id: str
    method: str
    """Upper-case HTTP method."""
    path: str
    """Path template, e.g. ``/api/v1/workflows/{id}/run``."""
    parameters: tuple[Parameter, ...]
    body_schema: str | None
    """Name of the ``components/schemas`` entry of the JSON request body, if the operation takes one."""

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    def parameter(self, name: str, location: str | None = None) -> Parameter:
        """The parameter called ``name`` (in ``location`` when given); ``KeyError`` if none is declared."""
        for parameter in self.parameters:
            if parameter.name == name and location in (None, parameter.location):
                return parameter
        raise KeyError(f"operation {self.operation_id!r} declares no parameter {name!r}")


@runtime_checkable
class _MultiValued(Protocol):
    """A multidict such as Starlette's ``QueryParams``."""

    def getlist(self, key: Any) -> list[Any]: ...


class SpecValidator:
    """Validates request parts against the operations and schemas of an OpenAPI 3.1 spec."""

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        if spec is None:
            spec = _read_spec(spec_path())
        version = str(spec.get("openapi", ""))
        if not version.startswith("3.1"):
            raise ValueError(f"expected an OpenAPI 3.1 spec (JSON Schema 2020-12 schemas), got openapi={version!r}")
        self._spec = spec
        resource: Resource[Any] = Resource.from_contents(spec, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}
        self._operations = self._read_operations()

    @classmethod
    def load(cls) -> SpecValidator:
        """The validator of the packaged ``openapi.yaml``, built once per process."""
        return _default_validator()

    # -- operations ---------------------------------------------------------------------------------

    def operation(self, operation_id: str) -> Operation:
        """The operation with this ``operationId``; ``KeyError`` naming the known ones otherwise."""
        try:
            return self._operations[operation_id]
        except KeyError:
            known = ", ".join(sorted(self._operations))
            raise KeyError(f"no operation {operation_id!r} in the spec (known: {known})") from None

    @property
    def operations(self) -> Mapping[str, Operation]:
        """Every operation of the spec, keyed by ``operationId``."""
        return dict(self._operations)

    def parameter_types(self, operation_id: str, parameter: str) -> tuple[str, ...]:
        """The JSON types a parameter's schema declares (``("integer",)``); empty when it declares none."""
        declared = self._keyword(self.operation(operation_id).parameter(parameter).pointer, "type")
        if isinstance(declared, str):
            return (declared,)
        return tuple(str(t) for t in declared) if isinstance(declared, list) else ()

    def max_value(self, operation_id: str, parameter: str) -> int | None:
        """The schema ``maximum`` of a parameter (``wait_for_completion`` → 60), or None when it has none."""
        maximum = self._keyword(self.operation(operation_id).parameter(parameter).pointer, "maximum")
        if isinstance(maximum, bool):
            return None
        if isinstance(maximum, int):
            return maximum
        if isinstance(maximum, float) and maximum.is_integer():
            return int(maximum)
        return None

    # -- validation ---------------------------------------------------------------------------------

    def parse_query(
        self, operation_id: str, query: Mapping[str, str] | _MultiValued
    ) -> tuple[dict[str, Any], list[Issue]]:
        """Coerce and validate the operation's query parameters.

        Returns the valid values keyed by wire name (defaults filled in for absent ones) and the issues
        found. Parameters the operation does not declare are ignored.
        """
        values: dict[str, Any] = {}
        issues: list[Issue] = []
        for parameter in self.operation(operation_id).query_parameters:
            field = f"query.{parameter.name}"
            raw = _raw_values(query, parameter.name)
            if not raw:
                default = self._keyword(parameter.pointer, "default")
                if default is not _MISSING:
                    values[parameter.name] = copy.deepcopy(default)
                elif parameter.required:
                    issues.append(Issue(field, "is required", "required"))
                continue
            if len(raw) > 1:
                issues.append(Issue(field, "given more than once", "invalid_value"))
                continue
            value, found = self._coerce_and_check(parameter, raw[0], field)
            if found:
                issues.extend(found)
            else:
                values[parameter.name] = value
        return values, issues

    def check_path(self, operation_id: str, values: Mapping[str, str]) -> list[Issue]:
        """Validate the operation's path parameters (``values`` maps template names to raw strings)."""
        issues: list[Issue] = []
        for parameter in self.operation(operation_id).path_parameters:
            field = f"path.{parameter.name}"
            raw = values.get(parameter.name)
            if raw is None:
                issues.append(Issue(field, "is required", "required"))
                continue
            issues.extend(self._coerce_and_check(parameter, raw, field)[1])
        return issues

    def check_body(self, schema_name: str, value: Any, *, field: str = "body") -> list[Issue]:
        """Validate ``value`` against ``#/components/schemas/<schema_name>``; issues are sorted by path."""
        schemas = self._spec.get("components", {}).get("schemas", {})
        if schema_name not in schemas:
            raise KeyError(f"no schema {schema_name!r} in the spec's components")
        return self._check(f"/components/schemas/{_escape(schema_name)}", value, field)

    # -- internals ----------------------------------------------------------------------------------

    def _read_operations(self) -> dict[str, Operation]:
        operations: dict[str, Operation] = {}
        for path, item in self._spec.get("paths", {}).items():
            item_pointer = f"/paths/{_escape(path)}"
            shared = self._read_parameters(item.get("parameters", []), f"{item_pointer}/parameters")
            for method in _HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, Mapping) or "operationId" not in raw:
                    continue
                own = self._read_parameters(raw.get("parameters", []), f"{item_pointer}/{method}/parameters")
                merged = {(p.name, p.location): p for p in (*shared, *own)}
                operation_id = str(raw["operationId"])
                if operation_id in operations:
                    raise ValueError(f"operationId {operation_id!r} is used twice in the spec")
                operations[operation_id] = Operation(
                    operation_id=operation_id,
                    method=method.upper(),
                    path=path,
                    parameters=tuple(merged.values()),
                    body_schema=self._body_schema(raw.get("requestBody")),
                )
        return operations

    def _read_parameters(self, raw: Sequence[Any], pointer: str) -> list[Parameter]:
        parameters: list[Parameter] = []
        for index, entry in enumerate(raw):
            entry_pointer, contents = self._follow(f"{pointer}/{index}", entry)
            schema_pointer = f"{entry_pointer}/schema"
            if "schema" not in contents:
                raise ValueError(f"parameter at #{entry_pointer} has no schema")
            self._keyword(schema_pointer, "type")  # fail at start-up, not per request, on a broken $ref
            parameters.append(
                Parameter(
                    name=str(contents["name"]),
                    location=str(contents["in"]),
                    required=bool(contents.get("required", False)),
                    pointer=schema_pointer,
                )
            )
        return parameters

    def _body_schema(self, raw: Any) -> str | None:
        if raw is None:
            return None
        _, body = self._follow("", raw)
        schema = body.get("content", {}).get("application/json", {}).get("schema", {})
        prefix = "#/components/schemas/"
        ref = schema.get("$ref", "")
        if isinstance(ref, str) and ref.startswith(prefix):
            return ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
        return None

    def _follow(self, pointer: str, contents: Any) -> tuple[str, Mapping[str, Any]]:
        """Follow local ``$ref`` chains of a spec object (parameter, request body) to its pointer and contents."""
        for _ in range(_MAX_REF_HOPS):
            ref = contents.get("$ref") if isinstance(contents, Mapping) else None
            if ref is None:
                if not isinstance(contents, Mapping):
                    raise ValueError(f"expected an object at #{pointer} in the spec")
                return pointer, contents
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise ValueError(f"only local $refs are supported in the spec, got {ref!r} at #{pointer}")
            pointer = ref[1:]
            contents = self._registry.resolver(SPEC_URI).lookup(ref).contents
        raise ValueError(f"$ref chain too long at #{pointer}")

    def _keyword(self, pointer: str, keyword: str) -> Any:
        """The first ``keyword`` met on the schema at ``pointer`` and along its ``$ref`` chain, or ``_MISSING``."""
        resolved = self._registry.resolver(SPEC_URI).lookup(_uri(pointer))
        for _ in range(_MAX_REF_HOPS):
            schema = resolved.contents
            if not isinstance(schema, Mapping):
                return _MISSING
            if keyword in schema:
                return schema[keyword]
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                return _MISSING
            resolved = resolved.resolver.lookup(ref)
        raise ValueError(f"$ref chain too long at #{pointer}")

    def _validator(self, pointer: str) -> Draft202012Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft202012Validator({"$ref": _uri(pointer)}, registry=self._registry)
            self._validators[pointer] = validator
        return validator

    def _check(self, pointer: str, value: Any, field: str) -> list[Issue]:
        errors: Iterable[ValidationError] = self._validator(pointer).iter_errors(value)
        return _issues(errors, field)

    def _coerce_and_check(self, parameter: Parameter, raw: str, field: str) -> tuple[Any, list[Issue]]:
        declared = self._keyword(parameter.pointer, "type")
        types = [declared] if isinstance(declared, str) else list(declared) if isinstance(declared, list) else []
        value, issue = _coerce(raw, types, field)
        if issue is not None:
            return None, [issue]
        return value, self._check(parameter.pointer, value, field)


@functools.cache
def _default_validator() -> SpecValidator:
    return SpecValidator()


def _read_spec(path: Path) -> Mapping[str, Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(spec, Mapping):
        raise ValueError(f"{path} does not hold a YAML mapping")
    return spec


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _uri(pointer: str) -> str:
    return f"{SPEC_URI}#{quote(pointer, safe='/~')}"


def _raw_values(query: Mapping[str, str] | _MultiValued, name: str) -> list[str]:
    if isinstance(query, _MultiValued):
        return [str(value) for value in query.getlist(name)]
    return [query[name]] if name in query else []


def _coerce(raw: str, types: Sequence[str], field: str) -> tuple[Any, Issue | None]:
    """Turn a query/path string into the value its schema types call for (the first type that fits)."""
    value: Any = _NO_FIT
    if not types:
        value = raw
    elif "integer" in types and _INTEGER.fullmatch(raw):
        try:
            value = int(raw)
        except ValueError:  # beyond Python's int-from-string digit limit
            return None, Issue(field, "is out of range", "out_of_range")
    elif "number" in types and _NUMBER.fullmatch(raw):
        value = float(raw)
        if value in (float("inf"), float("-inf")):
            return None, Issue(field, "is out of range", "out_of_range")
    elif "boolean" in types and raw in ("true", "false"):
        value = raw == "true"
    elif "string" in types:
        value = raw
    if value is not _NO_FIT:
        return value, None
    phrases = ["true or false" if t == "boolean" else _TYPE_PHRASES.get(t, t) for t in types if t != "null"]
    return None, Issue(field, _cap("must be " + (" or ".join(phrases) or "null")), "invalid_type")


def _issues(errors: Iterable[ValidationError], field: str) -> list[Issue]:
    found: dict[Issue, tuple[Any, ...]] = {}
    for error in errors:
        for leaf in _leaves(error):
            for path, issue in _to_issues(leaf, field):
                found.setdefault(issue, _sort_key(path))
    return sorted(found, key=lambda issue: found[issue])


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """Replace an ``anyOf``/``oneOf`` error by the errors of its only plausible branch, when there is one.

    A branch is implausible when the instance fails its ``type`` outright (``{"steps": ...}`` against the
    ``null`` branch of ``RunOverrides | null``); the remaining branch's errors point at the real field.
    """
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        plausible = [
            subs for subs in branches.values() if not any(s.validator == "type" and not s.relative_path for s in subs)
        ]
        if len(plausible) == 1:
            for sub in plausible[0]:
                yield from _leaves(sub)
            return
    yield error


def _to_issues(error: ValidationError, field: str) -> Iterator[tuple[list[str | int], Issue]]:
    path = list(error.absolute_path)
    keyword = error.validator
    expected: Any = error.validator_value
    if keyword == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        for name in expected:
            if name not in instance:
                yield [*path, name], Issue(_field(field, [*path, name]), "is required", "required")
        return
    where = _field(field, path)
    if keyword == "type":
        yield path, Issue(where, _cap(_must_be_types(expected)), "invalid_type")
    elif keyword == "enum":
        yield path, Issue(where, _cap("must be one of " + ", ".join(_show(v) for v in expected)), "unknown_value")
    elif keyword in _RANGE_MESSAGES:
        yield path, Issue(where, _cap(_RANGE_MESSAGES[str(keyword)].format(_show(expected))), "out_of_range")
    elif keyword in ("anyOf", "oneOf") and _all_type_mismatches(error):
        types = [t for sub in error.context for t in _as_list(sub.validator_value)]
        yield path, Issue(where, _cap(_must_be_types(list(dict.fromkeys(types)))), "invalid_type")
    else:
        yield path, Issue(where, _cap(_message(error)), "invalid_value")


def _all_type_mismatches(error: ValidationError) -> bool:
    return bool(error.context) and all(s.validator == "type" and not s.relative_path for s in error.context)


_MESSAGES: dict[str, str] = {
    "const": "must be {}",
    "minLength": "must be at least {} characters long",
    "maxLength": "must be at most {} characters long",
    "minItems": "must have at least {} items",
    "maxItems": "must have at most {} items",
    "pattern": "must match the pattern {}",
    "anyOf": "does not match any of the allowed shapes",
    "oneOf": "must match exactly one of the allowed shapes",
}


def _message(error: ValidationError) -> str:
    keyword = str(error.validator)
    expected: Any = error.validator_value
    if keyword == "minLength" and expected == 1:
        return "must not be empty"
    if keyword in _MESSAGES:
        return _MESSAGES[keyword].format(_show(expected))
    return " ".join(error.message.split())


def _must_be_types(expected: Any) -> str:
    return "must be " + " or ".join(_TYPE_PHRASES.get(str(t), str(t)) for t in _as_list(expected))


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _field(prefix: str, path: Sequence[str | int]) -> str:
    return ".".join([prefix, *(str(part) for part in path)])


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _cap(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _sort_key(path: Sequence[str | int]) -> tuple[Any, ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path)
