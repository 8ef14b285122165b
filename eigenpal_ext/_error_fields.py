"""What an ``EigenpalAPIError`` carries besides its message: the issues of the error envelope (``ErrorIssue``)
and the headers of the answer it was made from (``ResponseHeaders``). Plain classes, not attrs or dataclasses:
this module is loaded by ``import eigenpal_ext``, which stays free of both."""

from collections.abc import Iterable, Iterator, Mapping

from eigenpal_ext._public import public
from eigenpal_ext._redaction import REDACTED, clean, is_sensitive_header, scalar_text

__all__ = ["ErrorIssue", "ResponseHeaders"]


class ResponseHeaders(Mapping[str, str]):
    """The headers of the response an ``EigenpalAPIError`` was made from: read-only, case-insensitive.

    ``headers["retry-after"]`` joins repeated headers with ", " (as httpx does); ``get_list`` returns each
    value. Values are as received, except that the client's own API key is replaced by ``[REDACTED]``
    wherever a server echoed it. ``repr()``/``str()`` also hide the values of credential-like headers
    (any name containing auth, cookie, token, secret, session, key, password or signature).
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: tuple[tuple[str, str], ...] = tuple((str(name).lower(), str(value)) for name, value in pairs)

    def __getitem__(self, name: str) -> str:
        values = self.get_list(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def get_list(self, name: str) -> list[str]:
        """Every value of header ``name``, in the order received (empty when absent)."""
        wanted = name.lower()
        return [value for key, value in self._items if key == wanted]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for key, _ in self._items))

    def __len__(self) -> int:
        return len(dict.fromkeys(key for key, _ in self._items))

    def __repr__(self) -> str:
        shown = {name: REDACTED if is_sensitive_header(name) else self[name] for name in self}
        return f"{type(self).__name__}({shown!r})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[type["ResponseHeaders"], tuple[tuple[tuple[str, str], ...]]]:
        return (type(self), (self._items,))


@public
class ErrorIssue:
    """One entry of the API error envelope's ``issues``: which field was wrong, and why.

    Immutable, compared and hashed by value. A plain class rather than attrs or a dataclass: this module is
    loaded by ``import eigenpal_ext``, which stays free of both (attrs, or dataclasses' ``inspect``, would
    cost more than a fifth of ``import httpx``).
    """

    __slots__ = ("_values",)
    _values: tuple[str, str, str, str]  # field, message, code, severity

    def __init__(self, field: str = "", message: str = "", code: str = "", severity: str = "error") -> None:
        object.__setattr__(self, "_values", (field, message, code, severity))

    @property
    def field(self) -> str:
        """Where the problem is, e.g. ``body.input.invoice``."""
        return self._values[0]

    @property
    def message(self) -> str:
        """What is wrong there, as the server wrote it."""
        return self._values[1]

    @property
    def code(self) -> str:
        """The server's machine-readable code for the problem (empty when it sent none)."""
        return self._values[2]

    @property
    def severity(self) -> str:
        """``error`` unless the server said otherwise (e.g. ``warning``)."""
        return self._values[3]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ErrorIssue is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ErrorIssue is immutable; cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ErrorIssue):
            return NotImplemented
        return self._values == other._values

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return (
            f"ErrorIssue(field={self.field!r}, message={self.message!r}, code={self.code!r}, "
            f"severity={self.severity!r})"
        )

    def __reduce__(self) -> "tuple[type[ErrorIssue], tuple[str, str, str, str]]":
        return (ErrorIssue, self._values)

    @classmethod
    def from_json(cls, raw: object) -> "ErrorIssue | None":
        """Build an issue from one decoded JSON item, tolerating missing keys and odd types.

        Args:
            raw: One item of an error body's ``details``/``errors`` list: an object or a plain string.

        Returns:
            The ``ErrorIssue``, or None when ``raw`` carries nothing usable.
        """
        if isinstance(raw, str):
            text = clean(raw)
            return cls(message=text) if text else None
        if not isinstance(raw, Mapping):
            return None
        return cls(
            field=scalar_text(raw.get("field")),
            message=scalar_text(raw.get("message")),
            code=scalar_text(raw.get("code")),
            severity=scalar_text(raw.get("severity")) or "error",
        )

    def describe(self, *, with_field: bool) -> str:
        """A one-line description for messages; falls back to the code when the server sent no message.

        Args:
            with_field: Prefix the field the issue is about (``field: message``), when there is one.

        Returns:
            The description, one line.
        """
        text = self.message or self.code or "invalid value"
        return f"{self.field}: {text}" if with_field and self.field else text
