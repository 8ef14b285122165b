"""A batch input's stable key and its shard (``_batch_inputs``): the same input gets the same key in any
process, on any Python; a changed, moved or different input gets another; shards partition the inputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from eigenpal_ext import BatchInput
from eigenpal_ext._batch_inputs import InputKeys, check_shard, parse_shard, shard_of


def key_of(item: object, shard: tuple[int, int] | None = None) -> str | None:
    keyed = InputKeys(shard).resolve(item, 0)
    return None if keyed is None else keyed.key


def test_a_json_input_is_keyed_by_its_canonical_form() -> None:
    assert key_of({"a": 1, "b": [1, 2]}) == key_of({"b": [1, 2], "a": 1})
    assert key_of({"a": 1}) != key_of({"a": 2}) != key_of({"a": "1"})
    assert key_of(None) != key_of({})
    assert len(key_of({"a": 1}) or "") == 32


def test_keys_are_pinned_values_so_every_process_and_python_agrees() -> None:
    # SHA-256 over canonical JSON (no salted hash(), no dict order): these values must never change, or a
    # resumed batch would not recognise its inputs and would send them again.
    assert key_of({"n": 1}) == "d20c00784dd10c82e58d4ce70699ce7c"
    assert key_of({"pages": [1, 2], "invoice": "INV-1"}) == "3d48a991ebb1cb2dab7e56095d86985a"


def test_a_file_input_is_keyed_by_its_path_and_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    first.write_bytes(b"%PDF-1 one")
    second.write_bytes(b"%PDF-1 one")  # the same content under another name
    keyed = InputKeys(None).resolve({"doc": Path("./a.pdf"), "lang": "en"}, 0)
    assert keyed is not None
    assert keyed.file == "a.pdf"
    assert key_of({"doc": Path("a.pdf"), "lang": "en"}) == keyed.key  # ./a.pdf is a.pdf
    assert key_of({"lang": "en", "doc": Path("a.pdf")}) == keyed.key
    assert key_of({"doc": Path("b.pdf"), "lang": "en"}) != keyed.key  # another path
    assert key_of({"doc": Path("a.pdf"), "lang": "de"}) != keyed.key  # another field
    first.write_bytes(b"%PDF-1 two")
    assert key_of({"doc": Path("a.pdf"), "lang": "en"}) != keyed.key  # the file changed


def test_content_mappings_are_keyed_by_name_and_content_and_handles_need_a_key() -> None:
    one = {"doc": {"content": b"abc", "filename": "x.pdf"}}
    assert key_of(one) == key_of({"doc": {"content": b"abc", "filename": "x.pdf"}})
    assert key_of(one) != key_of({"doc": {"content": b"abd", "filename": "x.pdf"}})
    with pytest.raises(TypeError, match=r"inputs\[0\]\['doc'\] is a file handle.*BatchInput"):
        key_of({"doc": io.BytesIO(b"abc")})
    assert key_of(BatchInput({"doc": io.BytesIO(b"abc")}, key="row-17")) == "row-17"


def test_a_callers_key_is_used_as_given_and_checked() -> None:
    assert key_of(BatchInput({"a": 1}, key="invoice-0042")) == "invoice-0042"
    with pytest.raises(ValueError, match=r"inputs\[0\]: a key must be 1 to 512 characters"):
        key_of(BatchInput({"a": 1}, key=""))
    with pytest.raises(TypeError, match="a key must be a string"):
        key_of(BatchInput({"a": 1}, key=42))  # type: ignore[arg-type]


def test_bad_inputs_are_named_by_their_position(tmp_path: Path) -> None:
    keys = InputKeys(None)
    with pytest.raises(TypeError, match=r"inputs\[7\] must be an input mapping or a BatchInput, not list"):
        keys.resolve([1, 2], 7)
    with pytest.raises(FileNotFoundError, match=r"inputs\[3\]"):
        keys.resolve({"doc": tmp_path / "missing.pdf"}, 3)


def test_shards_partition_the_inputs_deterministically() -> None:
    items = [{"n": n} for n in range(400)]
    owners = []
    for item in items:
        mine = [index for index in range(4) if key_of(item, (index, 4)) is not None]
        assert len(mine) == 1  # every input in exactly one shard
        owners.append(mine[0])
    assert all(60 < owners.count(index) < 140 for index in range(4))  # roughly even
    # Pinned: the partition of a key never changes (a digest, never the salted hash()).
    assert [shard_of(f"k{n}", 3) for n in range(8)] == [0, 1, 2, 1, 2, 2, 1, 2]
    assert [shard_of(key, 7) for key in ("a", "b", "c")] == [4, 0, 3]


def test_a_file_inputs_shard_does_not_read_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"x")
    in_shard = [index for index in range(3) if key_of({"doc": path}, (index, 3)) is not None]
    assert len(in_shard) == 1
    path.write_bytes(b"changed")  # an edited file stays in its shard (a new key, the same shard)
    assert [index for index in range(3) if key_of({"doc": path}, (index, 3)) is not None] == in_shard


@pytest.mark.parametrize(("text", "expected"), [("0/1", (0, 1)), ("3/8", (3, 8)), (" 1/2", (1, 2))])
def test_shard_text(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["1", "4/4", "-1/4", "a/b", "1/0", "1/2/3", ""])
def test_bad_shard_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"I/N|index, count"):
        parse_shard(text)


def test_shard_argument_checks() -> None:
    assert check_shard(None) is None
    assert check_shard((2, 3)) == (2, 3)
    with pytest.raises(TypeError, match=r"pair \(index, count\)"):
        check_shard((1.0, 2))
    with pytest.raises(ValueError, match="0 <= index < count"):
        check_shard((2, 2))
