"""The ``@public`` class decorator: classes exported by ``eigenpal_ext`` carry the package's name.

The classes users see are defined in private modules (``_errors``, ``_client``...), so by default a
traceback reads ``eigenpal_ext._errors.EigenpalAuthError`` and a repr of a type shows where it happens
to be implemented. Setting ``__module__`` to ``eigenpal_ext`` makes tracebacks, ``help()`` and type
reprs name the import users actually write, and keeps pickling working: pickle finds a class by
``__module__`` and ``__qualname__``, and ``eigenpal_ext`` exports every class decorated here (pinned by
tests/unit/test_public_names.py).

Moving ``__module__`` also moves where ``typing.get_type_hints`` resolves string annotations (those
written under ``from __future__ import annotations``), so they are resolved first, in the defining
module where their names exist.
"""

from __future__ import annotations

import typing
from typing import Final, TypeVar

PUBLIC_MODULE: Final = "eigenpal_ext"

_T = TypeVar("_T", bound=type)


def public(cls: _T) -> _T:
    """Give ``cls`` its public module name, ``eigenpal_ext``; its own string annotations are resolved first."""
    own = cls.__dict__.get("__annotations__", {})
    if any(isinstance(annotation, str) for annotation in own.values()):
        try:
            hints = typing.get_type_hints(cls)
        except NameError:
            # A name imported only for type checkers (``if TYPE_CHECKING:``) cannot be resolved at run time
            # in any module; such annotations stay strings, as they would have without this decorator.
            hints = {}
        cls.__annotations__ = {name: hints.get(name, annotation) for name, annotation in own.items()}
    cls.__module__ = PUBLIC_MODULE
    return cls
