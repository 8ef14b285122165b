"""Keyword arguments renamed in 0.x, still accepted under their old names for a while (with a warning).

``@renamed(timeout_seconds="request_timeout_seconds")`` lets a method that now takes
``request_timeout_seconds=`` also be called with ``timeout_seconds=``: the value is passed on under the new
name and a ``DeprecationWarning`` names both. Passing both is a ``TypeError``. The decorated method keeps its
own signature and docstring (``functools.wraps``), so IDEs and type checkers show only the new names.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def renamed(**new_names: str) -> Callable[[F], F]:
    """Accept each old keyword (the argument name here) for the new one (its value), with a warning."""

    def decorate(method: F) -> F:
        def translate(kwargs: dict[str, Any]) -> None:
            for old, new in new_names.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(f"{method.__name__}() takes {new}= (formerly {old}=), not both")
                warnings.warn(
                    f"{method.__qualname__}({old}=...) is deprecated: the argument is now {new}=",
                    DeprecationWarning,
                    stacklevel=3,
                )
                kwargs[new] = kwargs.pop(old)

        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def call_async(*args: Any, **kwargs: Any) -> Any:
                translate(kwargs)
                return await method(*args, **kwargs)

            return cast(F, call_async)

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            translate(kwargs)
            return method(*args, **kwargs)

        return cast(F, call)

    return decorate
