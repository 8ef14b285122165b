"""A run's target, checked before any request: ``workflows.<slug>`` (or ``agents.<slug>``), optionally
``@<version>``, as the runs API and EigenPal's own tools write it.

The runs API takes the automation as ``target`` (``workflows.extract-invoice``) and the version apart, as
the ``version`` query parameter (a release such as ``1.2.0`` or a git ref). A user writes both in one string
(``workflows.extract-invoice@1.2.0``) or passes ``version=``; ``parse_target`` splits and checks them:

- the kind is ``workflows`` or ``agents`` and the slug is non-empty, without ``/``, ``@``, whitespace or
  control characters (a slug travels inside a JSON body and a multipart part, not a path, so ``/`` is
  refused rather than encoded: no automation has one);
- ``@latest`` (and ``version="latest"``) mean no version, as EigenPal's tools treat it: the server runs the
  latest release;
- a version in the target and another in ``version=`` is refused (which one was meant?); the same one twice
  is accepted.

A wrong target is an ``ArgumentValueError`` naming ``target`` (or ``version``), never a 400 after the
request, and never a guess: ``extract-invoice`` alone is refused with the target it probably meant.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from eigenpal_ext._checks import check_encodable
from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError

KINDS: Final = ("workflows", "agents")
LATEST: Final = "latest"
_SLUG_RE: Final = re.compile(r"[^\s/@\x00-\x1f\x7f]+")
_VERSION_RE: Final = re.compile(r"[^\s\x00-\x1f\x7f]+")


class RunTarget(NamedTuple):
    """A checked target: ``kind`` (``workflows`` or ``agents``), ``slug`` and ``version`` (None: the latest)."""

    kind: str
    slug: str
    version: str | None

    @property
    def name(self) -> str:
        """The target as the API takes it, without the version: ``workflows.extract-invoice``."""
        return f"{self.kind}.{self.slug}"

    def __str__(self) -> str:
        return self.name if self.version is None else f"{self.name}@{self.version}"


def parse_target(target: object, version: object = None) -> RunTarget:
    """``target`` (``workflows.<slug>[@<version>]``) and ``version=`` as one checked ``RunTarget``."""
    if not isinstance(target, str):
        raise ArgumentTypeError(
            "target", f"must be a string such as 'workflows.extract-invoice', got {type(target).__name__}"
        )
    check_encodable(target, "target")
    name, at, pinned = target.strip().partition("@")
    kind, dot, slug = name.partition(".")
    if not dot or kind not in KINDS:
        raise ArgumentValueError("target", _form_reason(target))
    if not _SLUG_RE.fullmatch(slug):
        raise ArgumentValueError(
            "target",
            f"has no usable slug after {kind + '.'!r} in {target!r}: a slug is non-empty, without '/', '@', "
            "spaces or control characters",
        )
    if at and not _VERSION_RE.fullmatch(pinned):
        raise ArgumentValueError("target", f"has an empty or unusable version after '@' in {target!r}")
    given = _version_argument(version)
    in_target = _meant(pinned) if at else None
    if at and given is not None and in_target != given:
        raise ArgumentValueError(
            "version", f"is {version!r}, but the target {target!r} names version {pinned!r}: give the version once"
        )
    return RunTarget(kind, slug, in_target if at else given)


def _version_argument(version: object) -> str | None:
    if version is None:
        return None
    if not isinstance(version, str):
        raise ArgumentTypeError(
            "version", f"must be a string (a release such as '1.2.0' or a git ref), got {type(version).__name__}"
        )
    if not _VERSION_RE.fullmatch(version):
        raise ArgumentValueError("version", f"must be a release or git ref without spaces, got {version!r}")
    return _meant(check_encodable(version, "version"))


def _meant(version: str) -> str | None:
    return None if version == LATEST else version


def _form_reason(target: str) -> str:
    shown = target.strip()
    if shown and "." not in shown.partition("@")[0]:
        return f"must be workflows.<slug> or agents.<slug>, got {target!r}; did you mean 'workflows.{shown}'?"
    return (
        "must be workflows.<slug> or agents.<slug>, optionally @<version> "
        f"(e.g. 'workflows.extract-invoice@1.2.0'), got {target!r}"
    )
