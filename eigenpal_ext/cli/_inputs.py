"""The command's run inputs: ``-i key=value`` / ``-i key=@file`` / ``--input-json`` (and ``--metadata``, a JSON
object the same way), and ``--status`` lists."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from eigenpal_ext._files import path_problem
from eigenpal_ext.cli._exits import UsageError


def parse_input_value(text: str) -> Any:
    """An ``-i`` value: JSON when it parses (``2``, ``true``, ``null``, ``"2"``, ``[1]``, ``{...}``), else the text.

    NaN and Infinity are not JSON, so they stay strings rather than becoming floats the API refuses.
    """

    def refuse(constant: str) -> NoReturn:
        raise ValueError(constant)

    try:
        return json.loads(text, parse_constant=refuse)
    except ValueError:
        return text


def parse_input(assignment: str) -> tuple[str, Any]:
    """One ``-i`` argument: ``key=value`` (see ``parse_input_value``), ``key=@path`` (a file, sent as an
    upload) or ``key=@@text`` (the literal string ``@text``)."""
    key, equals, value = assignment.partition("=")
    key = key.strip()
    if not equals or not key:
        raise UsageError(f"-i {assignment!r}: expected KEY=VALUE or KEY=@FILE")
    if value.startswith("@@"):
        return key, value[1:]
    if value.startswith("@"):
        if not value[1:]:
            raise UsageError(f"-i {key}=@: no file path after '@'")
        return key, regular_file(Path(value[1:]).expanduser(), f"input {key!r}")
    return key, parse_input_value(value)


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
    inline or ``@file.json``."""
    if text.startswith("@"):
        path = regular_file(Path(text[1:]).expanduser(), flag)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{flag}: cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{flag}: {path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{flag} is not valid JSON: {exc}") from None
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
