"""Every argument check of the client, in one place: pure functions that return the checked value or raise.

A check names the argument as the caller wrote it and raises ``ArgumentValueError`` / ``ArgumentTypeError``
(a ``ValueError`` / ``TypeError`` carrying ``argument`` and ``reason`` as data), always before any request
is sent. The ``eigenpal`` command reads those fields to name its own flag (``--from`` for ``from_date``)
instead of parsing messages.

Loaded with the clients by ``import eigenpal_ext``, so it uses only the standard library and httpx (no attrs,
no generated models). What needs the generated models lives beside them: the ``status`` filter in
``_statuses``, the run's file inputs in ``_files``.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, Final

import httpx

from eigenpal_ext import _config
from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError, EigenpalMissingAPIKeyError

# Visible ASCII, no space: what may travel in an HTTP header value this client builds from an argument (an API key,
# an Idempotency-Key). The one definition of it.
VISIBLE_ASCII: Final = re.compile(r"[\x21-\x7e]+")
MAX_IDEMPOTENCY_KEY_CHARS: Final = 255
_HEADER_NAME_RE: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE_RE: Final = re.compile(r"[\x20-\x7e\t]*")
_USERINFO_RE: Final = re.compile(r"(//)[^/?#@]*@")
# type/subtype, then optional parameters; printable ASCII only (a CR/LF would inject multipart headers).
_MIME_TYPE_RE: Final = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(;[\x20-\x7e]*)?")
# Arrays and objects nest at most this deep in a run's JSON body, whose root object is level 1
# (``{"input": {}}`` nests 2 deep): deep enough for any real document, far from Python's recursion limit.
MAX_REQUEST_JSON_DEPTH: Final = 64


# --- scalars --------------------------------------------------------------------------------------------


def require_id(value: object, argument: str) -> str:
    """An id or slug: a non-empty string that can be encoded."""
    if not isinstance(value, str) or not value.strip():
        raise ArgumentValueError(argument, f"must be a non-empty string, got {value!r}")
    return check_encodable(value, argument)


def optional_text(value: object, argument: str) -> str | None:
    """None, or a string that can be encoded."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArgumentTypeError(argument, f"must be a string, got {type(value).__name__}")
    return check_encodable(value, argument)


def check_encodable(value: str, argument: str) -> str:
    """Strings travel as UTF-8 (in a URL or a JSON body): a lone surrogate (e.g. from a bad decode) cannot, so
    it is refused here, naming ``argument``."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ArgumentValueError(
                argument,
                f"contains {value[exc.start]!r} at index {exc.start}, a lone surrogate that cannot be encoded as UTF-8",
            ) from None
    return value


def check_header_value(value: object, argument: str, *, max_chars: int = MAX_IDEMPOTENCY_KEY_CHARS) -> str:
    """A value sent as an HTTP header: 1..max_chars visible ASCII characters (no spaces, CR, LF, NUL...)."""
    if not isinstance(value, str):
        raise ArgumentTypeError(argument, f"must be a string, got {type(value).__name__}")
    if not VISIBLE_ASCII.fullmatch(value) or len(value) > max_chars:
        raise ArgumentValueError(
            argument,
            f"must be 1 to {max_chars} visible ASCII characters (letters, digits, punctuation; no spaces or control "
            f"characters), got {value[:80]!r}",
        )
    return value


def check_flag(value: object, argument: str) -> bool:
    """Boolean switches take only True or False: a truthy string such as "no" must not turn one on."""
    if not isinstance(value, bool):
        raise ArgumentTypeError(argument, f"must be True or False, got {value!r} ({type(value).__name__})")
    return value


def check_optional_flag(value: object, argument: str) -> bool | None:
    """True, False or None (three-way switches such as ``idempotent_runs`` and ``server_hold``)."""
    if value is not None and not isinstance(value, bool):
        raise ArgumentTypeError(argument, f"must be True, False or None, got {type(value).__name__}")
    return value


def check_callable(value: object, argument: str, *, what: str = "a function") -> None:
    """None or a callable (``on_status``, ``on_outcome``, ``sleep=``, ``clock=``)."""
    if value is not None and not callable(value):
        raise ArgumentTypeError(argument, f"must be {what} (or None), got {type(value).__name__}")


def check_sync_callback(value: object, argument: str, *, what: str = "a function", async_awaits: bool = True) -> None:
    """A function that is called and never awaited: None or a callable that is not a coroutine function
    (``async def``); ``async_awaits``: whether the async client would await it (the callbacks and ``sleep``; not
    ``clock``, which both clients only call).

    An ``async def`` function called without awaiting returns a coroutine and does nothing: the callback would
    never run, so it is refused before anything is sent.
    """
    check_callable(value, argument, what=what)
    if value is not None and is_coroutine_function(value):
        advice = "or use AsyncEigenpalClient, which awaits it" if async_awaits else "it is called, never awaited"
        raise ArgumentTypeError(
            argument,
            "is a coroutine function (async def), which this client cannot await: it would never run; pass a "
            f"plain function ({advice})",
        )


def is_coroutine_function(value: object) -> bool:
    """``async def`` functions, methods and partials of them, and objects whose ``__call__`` is one."""
    import inspect  # noqa: PLC0415 - only when a callback is given: `import eigenpal_ext` stays light

    # An instance's __call__ is looked up on its type, as the call itself does; the method is wanted, not callability.
    dunder_call = getattr(type(value), "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(value) or inspect.iscoroutinefunction(dunder_call)


def check_int(value: object, argument: str, *, minimum: int, maximum: int | None = None) -> int:
    """An ``int`` (not a bool) in ``minimum..maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(argument, f"must be an int, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        accepted = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
        raise ArgumentValueError(argument, f"must be in {accepted}, got {value}")
    return value


def check_choice(value: object, argument: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (an enum's values, for instance)."""
    if not isinstance(value, str) or value not in choices:
        raise ArgumentValueError(argument, f"must be one of {list(choices)}, got {value!r}")
    return value


def check_seconds(value: object, argument: str) -> float:
    """A positive number of seconds; infinity is allowed (a wait without a deadline)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ArgumentValueError(argument, f"must be a positive number of seconds, got {value!r}")
    return float(value)


def check_request_timeout(value: object, argument: str = "request_timeout_seconds") -> float:
    """A per-request timeout (the client's default, or one call's): a positive, finite number of seconds.

    None (no timeout at all) is refused on purpose: a request that can hang forever is a 2 a.m. page.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ArgumentValueError(argument, f"must be a positive number of seconds (finite), got {value!r}")
    return float(value)


def optional_request_timeout(value: object) -> float | None:
    """A method's own ``request_timeout_seconds``: None (the client's) or a per-request timeout."""
    return None if value is None else check_request_timeout(value)


def check_max_retries(value: object) -> int:
    """``max_retries``: an int >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ArgumentValueError("max_retries", f"must be an int >= 0, got {value!r}")
    return value


def check_multipart_max_bytes(value: object, argument: str = "multipart_max_bytes") -> int | None:
    """A run's largest multipart body in bytes (>= 0), or None: never upload files first."""
    if value is None:
        return None
    return check_int(value, argument, minimum=0)


def check_max_response_bytes(value: object) -> int:
    """``max_response_bytes``: an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ArgumentValueError("max_response_bytes", f"must be an int >= 1 (bytes), got {value!r}")
    return value


def check_page_size(page_size: object, max_items: object) -> None:
    """``iter(page_size=, max_items=)``: each request's size (1..100), and the cap on all items (>= 0, or None)."""
    check_int(page_size, "page_size", minimum=1, maximum=_config.MAX_PAGE_SIZE)
    if max_items is not None:
        check_int(max_items, "max_items", minimum=0)


# --- client settings ---------------------------------------------------------------------------------------


def check_api_key(key: object) -> str:
    """The key, stripped of surrounding whitespace; refused (never echoed) unless it can travel in a header."""
    if not key or not isinstance(key, str) or not key.strip():
        raise EigenpalMissingAPIKeyError(
            f"is missing (no EigenPal API key): pass api_key=... or set the {_config.API_KEY_ENV} environment "
            f"variable ({_config.API_KEY_GUIDANCE})",
        )
    key = key.strip()
    if not VISIBLE_ASCII.fullmatch(key):
        # The key itself stays out of the message: it would end up in tracebacks and logs.
        raise ArgumentValueError(
            "api_key",
            f"(the EigenPal API key, given or in {_config.API_KEY_ENV}) contains whitespace, control or non-ASCII "
            f"characters ({len(key)} characters given); copy it again ({_config.API_KEY_GUIDANCE})",
        )
    return key


def shown_text(value: object) -> str:
    """``repr`` of a value for an error message, with a URL's ``user:password@`` hidden."""
    return _USERINFO_RE.sub(r"\1***@", repr(value))


def normalise_base_url(base_url: object) -> str:
    """The URL as given, checked, without a trailing slash (``_settings.split_base_url`` says where the API is).

    Credentials in the URL (``https://user:password@host``) are refused: httpx would send them as Basic
    auth in place of the API key, and the URL shows up in reprs and error messages.
    """
    if not isinstance(base_url, str):
        raise ArgumentTypeError("base_url", f"must be a string such as {_config.DEFAULT_BASE_URL!r}")
    if _USERINFO_RE.search(base_url):
        raise ArgumentValueError(
            "base_url",
            f"must not contain credentials (user:password@), got {shown_text(base_url)}; the API key goes in "
            "api_key= or EIGENPAL_API_KEY",
        )
    url = base_url.strip().rstrip("/")
    parsed = httpx.URL(url) if "://" in url else None
    if parsed is None or parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ArgumentValueError(
            "base_url", f"must be an http(s) URL such as {_config.DEFAULT_BASE_URL!r}, got {shown_text(base_url)}"
        )
    if parsed.query or parsed.fragment or parsed.userinfo:
        raise ArgumentValueError(
            "base_url", f"must not have a query, fragment or credentials, got {shown_text(base_url)}"
        )
    return url


def check_default_headers(headers: object, argument: str = "default_headers") -> None:
    """Names must be HTTP tokens and values printable ASCII, so nothing can be injected (values not echoed)."""
    if headers is None:
        return
    if not isinstance(headers, Mapping):
        raise ArgumentTypeError(argument, f"must be a mapping of header names to values, got {type(headers).__name__}")
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME_RE.fullmatch(name):
            raise ArgumentValueError(argument, f"has {shown_text(name)}, which is not a valid HTTP header name")
        if not isinstance(value, str) or not _HEADER_VALUE_RE.fullmatch(value):
            raise ArgumentValueError(
                f"{argument}[{name!r}]",
                "must be a string of printable ASCII characters (no CR, LF or other control characters)",
            )


def check_extra_headers(headers: object) -> dict[str, str]:
    """``with_options(headers=...)``: a mapping of header names to strings, without Authorization."""
    if not isinstance(headers, Mapping):
        raise ArgumentTypeError(
            "headers", f"must be a mapping of header names to strings, got {type(headers).__name__}"
        )
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ArgumentTypeError(
                "headers", f"must map header names to strings, got {name!r}: {type(value).__name__}"
            )
        if name.strip().lower() == "authorization":
            raise ArgumentValueError(
                "headers",
                "cannot set Authorization: it comes from the client's API key; create another client for another key",
            )
    check_default_headers(headers, "headers")
    return dict(headers)


# --- JSON values (run inputs, overrides) --------------------------------------------------------------------


def check_json_value(value: Any, where: str, *, depth: int = 1) -> Any:
    """Return ``value`` as plain JSON data (tuples become lists); raise naming ``where`` if it can't be.

    ``depth`` is the level ``value`` sits at in the request body, whose root object is level 1 (an input
    value is at level 3: ``{"input": {"name": value}}``); arrays and objects may nest up to
    ``MAX_REQUEST_JSON_DEPTH`` levels. Walked without recursion, so no input can raise ``RecursionError``
    (and a list that contains itself is reported as too deep). Strings must be encodable as UTF-8.
    """
    root: list[Any] = [None]
    # (item, where to store its checked copy, its level, its path as a (parent path, key) chain)
    stack: _Pending = [(value, root, 0, depth, None)]
    while stack:
        item, holder, slot, level, path = stack.pop()
        if item is None or isinstance(item, bool | int):
            holder[slot] = item
        elif isinstance(item, str):
            holder[slot] = check_text(item, where, path)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ArgumentValueError(_where(where, path), f"is {item!r}, which JSON cannot represent")
            holder[slot] = item
        elif isinstance(item, Mapping | list | tuple):
            if level > MAX_REQUEST_JSON_DEPTH:
                raise ArgumentValueError(
                    _where(where, path),
                    f"nests arrays/objects deeper than {MAX_REQUEST_JSON_DEPTH} levels (counted from the request "
                    "body); flatten the value",
                )
            holder[slot] = _open_container(item, where, level, path, stack)
        elif looks_like_file(item):
            raise ArgumentTypeError(
                _where(where, path),
                f"is a file ({type(item).__name__}); files are supported only as top-level inputs (the API does not "
                "accept files nested in lists or objects)",
            )
        else:
            raise ArgumentTypeError(
                _where(where, path),
                f"is a {type(item).__name__}, which cannot be sent as JSON; use str, int, float, bool, None, lists "
                "and dicts (convert dates with .isoformat())",
            )
    return root[0]


JsonPath = tuple[Any, str | int] | None
"""Where a value sits inside an argument: a (parent path, key) chain, None at the argument itself."""
_MAX_PATH_KEYS_SHOWN = 8
_Pending = list[tuple[Any, Any, Any, int, JsonPath]]


def _open_container(item: Mapping[Any, Any] | list[Any] | tuple[Any, ...], where: str, level: int, path: JsonPath,
                    stack: _Pending) -> dict[str, Any] | list[Any]:  # fmt: skip
    """An empty copy of ``item`` to fill, with each child pushed on ``stack`` to be checked into it."""
    if isinstance(item, Mapping):
        checked: dict[str, Any] = {}
        for key, child in item.items():
            if not isinstance(key, str):
                raise ArgumentTypeError(
                    _where(where, path), f"has a non-string key {key!r}; JSON object keys must be strings"
                )
            check_text(key, where, path)
            checked[key] = None
            stack.append((child, checked, key, level + 1, (path, key)))
        return checked
    items: list[Any] = [None] * len(item)
    stack.extend((child, items, index, level + 1, (path, index)) for index, child in enumerate(item))
    return items


def _where(where: str, path: JsonPath) -> str:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    if len(keys) > _MAX_PATH_KEYS_SHOWN:  # a path 64 levels deep would fill a screen
        hidden = len(keys) - _MAX_PATH_KEYS_SHOWN
        shown = [f"[{key!r}]" for key in keys[:4]] + [f"[...{hidden} more...]"] + [f"[{key!r}]" for key in keys[-4:]]
        return where + "".join(shown)
    return where + "".join(f"[{key!r}]" for key in keys)


def check_text(text: str, where: str, path: JsonPath = None) -> str:
    """A string inside an argument (``where``, at ``path``), checked to be encodable."""
    return check_encodable(text, _where(where, path)) if not text.isascii() else text


def looks_like_file(value: Any) -> bool:
    """A path, bytes or a readable object: what a file input may be, and what JSON cannot hold."""
    return isinstance(value, PurePath | os.PathLike | bytes | bytearray | memoryview | io.IOBase) or callable(
        getattr(value, "read", None)
    )


def check_part_headers(key: str, filename: str, mime_type: str) -> None:
    """A file part's name and type go into the multipart headers: no control characters may reach them."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in filename) or not filename:
        raise ArgumentValueError(
            f"input[{key!r}]",
            f"has the file name {filename!r}, which contains control characters (CR, LF, NUL...); rename the file "
            "or pass {'content': ..., 'filename': 'a-clean-name.pdf'}",
        )
    check_text(filename, f"input[{key!r}] filename")
    if not _MIME_TYPE_RE.fullmatch(mime_type):
        raise ArgumentValueError(
            f"input[{key!r}]['mime_type']",
            f"must be a media type such as 'application/pdf' (printable ASCII, no CR/LF), got {mime_type!r}",
        )


def normalise_overrides(overrides: object) -> dict[str, Any] | None:
    """``{"steps": {step: {...}}}`` as the API wants it; the flat ``{step: {...}}`` of some docs is wrapped."""
    if overrides is None:
        return None
    if not isinstance(overrides, Mapping):
        raise ArgumentTypeError("overrides", f"must be a mapping, got {type(overrides).__name__}")
    steps = overrides["steps"] if set(overrides) == {"steps"} else overrides
    if not isinstance(steps, Mapping):
        raise ArgumentTypeError("overrides['steps']", "must map step ids to their replacement outputs")
    for step_id, output in steps.items():
        if not isinstance(output, Mapping):
            raise ArgumentTypeError(
                f"overrides['steps'][{step_id!r}]", "must be a mapping (the step's replacement output)"
            )
    return {"steps": check_json_value(dict(steps), "overrides['steps']", depth=3)}
