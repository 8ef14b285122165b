"""The command's run inputs (``-i``, as httpie spells them), ``--input-json`` (and ``--metadata``, a JSON
object the same way), and ``--status`` lists.

``-i key=value`` is always the string ``value``: a version ``1.10``, a zip code ``01234`` or ``1e400`` arrive as
typed (parsing them as JSON sent ``1.1``, ``1234`` or a float the API refuses). ``-i key:=json`` is the JSON
value (``2``, ``true``, ``null``, ``[1]``, ``{...}``; NaN, Infinity and numbers too large for a float are
refused). ``-i key=@path`` uploads the file, ``-i key=@@text`` is the literal string ``@text``, and
``-i key:=@file.json`` reads the JSON value from a file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from eigenpal_ext._files import path_problem
from eigenpal_ext.cli._exits import UsageError

INPUT_FORMS = "KEY=TEXT, KEY:=JSON, KEY=@FILE or KEY:=@FILE.json"


def parse_json(text: str, what: str) -> Any:
    """``text`` as strict JSON: NaN, Infinity and numbers beyond a float (``1e400``) are refused, since the API
    would refuse them (or get ``inf``); a ``UsageError`` naming ``what`` otherwise."""

    def refuse(constant: str) -> NoReturn:
        raise ValueError(f"{constant} is not JSON")

    def finite(number: str) -> float:
        value = float(number)
        if not math.isfinite(value):
            raise ValueError(f"{number} is too large for a JSON number")
        return value

    try:
        return json.loads(text, parse_constant=refuse, parse_float=finite)
    except ValueError as exc:  # JSONDecodeError included
        raise UsageError(f"{what} is not valid JSON: {exc}") from None


def parse_input(assignment: str) -> tuple[str, Any]:
    """One ``-i`` argument: ``key=text`` (a string, always), ``key:=json``, ``key=@path`` (a file, sent as an
    upload), ``key=@@text`` (the literal string ``@text``) or ``key:=@file.json`` (JSON read from a file)."""
    key, equals, value = assignment.partition("=")
    key = key.strip()
    is_json = key.endswith(":")
    key = key.removesuffix(":").strip()
    if not equals or not key:
        raise UsageError(f"-i {assignment!r}: expected {INPUT_FORMS}")
    if is_json:
        if value.startswith("@"):
            return key, parse_json(read_text_file(value[1:], f"input {key!r}"), f"-i {key}:=@{value[1:]}")
        return key, parse_json(value, f"-i {key}:={value}")
    if value.startswith("@@"):
        return key, value[1:]
    if value.startswith("@"):
        if not value[1:]:
            raise UsageError(f"-i {key}=@: no file path after '@'")
        return key, regular_file(Path(value[1:]).expanduser(), f"input {key!r}")
    return key, value


def read_text_file(name: str, what: str) -> str:
    """The UTF-8 text of the regular file ``name`` (``~`` expanded); a ``UsageError`` naming ``what`` otherwise."""
    if not name:
        raise UsageError(f"{what}: no file path after '@'")
    path = regular_file(Path(name).expanduser(), what)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{what}: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what}: {path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def regular_file(path: Path, what: str) -> Path:
    """``path`` if it names a regular file (a symlink is followed). A pipe, a FIFO or a device (``/dev/zero``,
    ``/dev/stdin``) is refused before it is opened: it has no size, may never end, and opening a FIFO waits
    for a writer."""
    problem = path_problem(path)
    if problem is None:
        return path
    kind, words = problem
    if kind == "missing":
        raise UsageError(f"{what}: file not found: {path}")
    advice = {"special": "; write the data to a file first", "directory": ", not a file"}.get(kind, "")
    raise UsageError(f"{what}: {path} {words}{advice}")


def parse_input_json(text: str, flag: str = "--input-json") -> dict[str, Any]:
    """``--input-json`` (or another ``flag`` taking the same, such as ``runs start --metadata``): a JSON object,
    inline or ``@file.json`` (strict JSON, as ``-i key:=json``)."""
    if text.startswith("@"):
        text = read_text_file(text[1:], flag)
    value = parse_json(text, flag)
    if not isinstance(value, dict):
        raise UsageError(f"{flag} must be a JSON object, got {type(value).__name__}")
    return value


def build_inputs(assignments: Sequence[str], input_json: str | None = None) -> dict[str, Any]:
    """The run's input: ``--input-json`` first, then each ``-i`` (which wins over the JSON for its key)."""
    inputs = parse_input_json(input_json) if input_json is not None else {}
    given: set[str] = set()
    for assignment in assignments:
        key, value = parse_input(assignment)
        if key in given:
            raise UsageError(f"input {key!r} is given twice")
        given.add(key)
        inputs[key] = value
    return inputs


def split_statuses(values: Sequence[str] | None) -> list[str] | None:
    """``--status failed,cancelled --status rejected`` → ``["failed", "cancelled", "rejected"]``."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
