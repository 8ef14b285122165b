"""A batch's inputs: each one's stable key, the file it names, and the shard it belongs to.

The key identifies an input across processes and machines, so that a resumed batch knows what it already
did. It is given by the caller (``BatchInput(input, key="invoice-0042")``) or derived:

- a **JSON input** (no file): the SHA-256 of its canonical form (keys sorted, no spaces, ASCII escapes), so
  ``{"a": 1, "b": 2}`` and ``{"b": 2, "a": 1}`` are the same input;
- a **file input** (a top-level ``Path``, or ``{"content": ..., "filename": ...}``): the SHA-256 of the same
  canonical form with each file replaced by its path (as given, normalised: ``./a.pdf`` is ``a.pdf``) or
  its file name, plus the SHA-256 of each file's content. A file that changes is a new input; a file
  that is moved or renamed is a new input too (its path is part of its identity).

Keys are 32 hex digits (128 bits of the digest). A file handle has no stable identity: an input holding
one needs a key from the caller.

**Shards** (``shard=(i, n)``, 0-based) partition the inputs deterministically: input ``k`` belongs to shard
``int(sha256(shard key)[:8 bytes]) % n``. The shard key is the input's key, except for a file input, whose
shard is decided by its identity *without* the content digests: a shard then reads only its own files, and
a file edited between two runs stays in its shard. SHA-256 is used (never ``hash()``, which is salted per
process), so every Python version and machine agrees on the partition.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

import attrs

from eigenpal_ext._files import split_run_inputs
from eigenpal_ext._public import public

KEY_MAX_CHARS = 512
_DIGEST_CHUNK_BYTES = 1024 * 1024


@public
@attrs.frozen
class BatchInput:
    """One input of ``run_batch`` with a key chosen by the caller (an invoice number, a row id).

    ``input`` is the run's input, as for ``run_and_wait``; ``key`` (1 to 512 characters) identifies it in the
    journal and the output. Inputs given as plain mappings get a key derived from their content.
    """

    input: Mapping[str, Any] | None
    key: str


BatchItems = Iterable[Mapping[str, Any] | BatchInput | None]
"""What ``run_batch`` takes: any iterable of input mappings (None: no input) or ``BatchInput``."""


@attrs.frozen
class KeyedInput:
    """An input ready to run: its key, the file it names (for the output), and the input itself."""

    key: str
    file: str | None
    input: Mapping[str, Any] | None


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: keys sorted, no spaces, non-ASCII escaped (the same text everywhere)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's content, read in 1 MiB pieces (memory stays small for any size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_DIGEST_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def shard_of(shard_key: str, shards: int) -> int:
    """Which of ``shards`` shards the input with ``shard_key`` belongs to (stable across processes and versions)."""
    number = int.from_bytes(hashlib.sha256(shard_key.encode("utf-8", "surrogatepass")).digest()[:8], "big")
    return number % shards


def check_shard(shard: object, argument: str = "shard") -> tuple[int, int] | None:
    """``shard`` as ``(index, count)``: 0 <= index < count; None for no sharding."""
    if shard is None:
        return None
    if (
        not isinstance(shard, tuple | list)
        or len(shard) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in shard)
    ):
        raise TypeError(f"{argument} must be a pair (index, count) of integers, such as (0, 4), got {shard!r}")
    index, count = shard
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"{argument} must be (index, count) with 0 <= index < count (0-based), got {shard!r}")
    return (index, count)


def parse_shard(text: str) -> tuple[int, int]:
    """``--shard I/N`` (0-based): ``"2/8"`` → ``(2, 8)``; ``ValueError`` saying what is accepted."""
    index, slash, count = text.partition("/")
    try:
        shard = (int(index), int(count)) if slash else None
    except ValueError:
        shard = None
    if shard is None:
        raise ValueError(f"expected I/N with whole numbers, such as 0/4, got {text!r}")
    checked = check_shard(shard)
    assert checked is not None
    return checked


def check_key(key: object, where: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"{where}: a key must be a string, got {type(key).__name__}")
    if not 1 <= len(key) <= KEY_MAX_CHARS:
        raise ValueError(f"{where}: a key must be 1 to {KEY_MAX_CHARS} characters, got {len(key)}")
    return key


class InputKeys:
    """Derives each input's key and shard. ``resolve(item, position)`` is None for an input of another shard."""

    def __init__(self, shard: tuple[int, int] | None) -> None:
        self.shard = shard

    def resolve(self, item: object, position: int) -> KeyedInput | None:
        """The keyed input, or None when it belongs to another shard; ``TypeError``/``ValueError``/``OSError``
        for an input that cannot be run (named by its position in the iterable)."""
        where = f"inputs[{position}]"
        if isinstance(item, BatchInput):
            key = check_key(item.key, where)
            if not self._mine(key):
                return None
            _json_inputs, files = _split(item.input, where, identity=False)
            return KeyedInput(key, _first_file(files), item.input)
        if item is not None and not isinstance(item, Mapping):
            raise TypeError(f"{where} must be an input mapping or a BatchInput, not {type(item).__name__}")
        json_inputs, files = _split(item, where, identity=True)
        if not files:
            key = _digest(canonical_json({"input": json_inputs}))
            return KeyedInput(key, None, item) if self._mine(key) else None
        identity = canonical_json({"input": json_inputs, "files": files})
        if not self._mine(_digest(identity)):
            return None
        contents = [_content_digest(item, name, where) for name in sorted(files)]
        key = _digest(canonical_json({"identity": identity, "contents": contents}))
        return KeyedInput(key, _first_file(files), item)

    def _mine(self, shard_key: str) -> bool:
        return self.shard is None or shard_of(shard_key, self.shard[1]) == self.shard[0]


def _split(
    item: Mapping[str, Any] | None, where: str, *, identity: bool
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The input's JSON fields, and its files (field name → path as given, normalised, or file name); every
    value is checked as a run would check it. With ``identity``, a file handle (which has none) is refused."""
    try:
        parts = split_run_inputs(item)
    except (TypeError, ValueError, FileNotFoundError) as error:
        raise type(error)(f"{where}: {error}") from None
    files: dict[str, str] = {}
    for part in parts.files:
        if part.path is not None:
            files[part.key] = _shown_path(part.path)
        elif part.content is not None or not identity:
            files[part.key] = part.filename
        else:
            raise TypeError(
                f"{where}[{part.key!r}] is a file handle, which has no stable identity across runs: pass a Path, "
                "or give the input a key of your own with BatchInput(input, key=...)"
            )
    return parts.json_inputs, files


def _shown_path(path: PurePath) -> str:
    return Path(os.path.normpath(path)).as_posix()


def _first_file(files: Mapping[str, str]) -> str | None:
    return next(iter(files.values()), None)


def _content_digest(item: Mapping[str, Any] | None, name: str, where: str) -> str:
    assert item is not None
    value = item[name]
    if isinstance(value, Mapping):
        return hashlib.sha256(bytes(value["content"])).hexdigest()
    try:
        return file_digest(Path(os.fspath(value)))
    except OSError as error:
        raise type(error)(error.errno, f"{where}[{name!r}]: cannot read {value}: {error.strerror}") from None
