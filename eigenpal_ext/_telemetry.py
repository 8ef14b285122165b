"""The identification headers sent on every request, as the official SDK sends them, with this package's own name.

The official SDK sends ``X-Eigenpal-Sdk: python`` with its own version. This package is not that SDK,
so it names itself ``eigenpal-ext``: a server that keys behaviour or support on the SDK version must not
mistake ``eigenpal-ext 0.1.0`` for an ancient official ``python 0.1.0``.
"""

from __future__ import annotations

import sys
from functools import cache

SDK_NAME = "eigenpal-ext"


def _package_version() -> str:
    from eigenpal_ext import __version__  # noqa: PLC0415 - the package imports this module

    return __version__


def runtime_tag() -> str:
    """``python-3.11.7`` on CPython; ``pypy-7.3.17`` elsewhere (the implementation's own version).

    The official SDK reports PyPy with the *language* version; the implementation version is what
    tells two PyPy builds apart.
    """
    implementation = sys.implementation
    if implementation.name == "cpython":
        import platform  # noqa: PLC0415 - a few ms; paid when the first client is made, not at import

        return "python-" + platform.python_version()
    version = implementation.version
    return f"{implementation.name}-{version.major}.{version.minor}.{version.micro}"


def os_tag() -> str:
    """``linux-x86_64``, ``darwin-arm64``, ..."""
    import platform  # noqa: PLC0415 - see runtime_tag

    return f"{platform.system().lower()}-{platform.machine().lower()}"


@cache
def telemetry_headers() -> dict[str, str]:
    version = _package_version()
    runtime, os_name = runtime_tag(), os_tag()
    return {
        "X-Eigenpal-Sdk": SDK_NAME,
        "X-Eigenpal-Sdk-Version": version,
        "X-Eigenpal-Sdk-Runtime": runtime,
        "X-Eigenpal-Sdk-Os": os_name,
        "User-Agent": f"{SDK_NAME}/{version} ({runtime}; {os_name})",
    }
