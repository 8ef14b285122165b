"""Tests of the local server's JSON bounds: request depth and size, and stored values that must read back."""

from __future__ import annotations

import json
import logging

import pytest

from eigenpal_ext.testing._json_limits import (
    MAX_REQUEST_DEPTH,
    MAX_STORED_DEPTH,
    JsonTooDeep,
    JsonTooLarge,
    load_stored_json,
    nests_deeper_than,
    parse_request_json,
    stored_json_problem,
    too_deep_under,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4), (nested(40), 40), ('["[[[[", {"k]]": "{{{{"}]', 2)],
)
def test_depth_is_counted_in_containers(text: str, depth: int) -> None:
    value = json.loads(text)
    assert not nests_deeper_than(value, depth)
    assert nests_deeper_than(value, depth - 1) == (depth > 0)


def test_the_offending_top_level_key_is_named() -> None:
    value = {"input": {"ok": [1]}, "overrides": {"steps": {"s": json.loads(nested(10))}}}
    assert too_deep_under(value, 13) is None  # top, overrides, steps and 10 arrays
    assert too_deep_under(value, 12) == "overrides"
    assert too_deep_under([[], json.loads(nested(5))], 4) == "1"


def test_a_request_at_the_limit_parses_and_one_level_more_does_not() -> None:
    assert parse_request_json(nested(MAX_REQUEST_DEPTH)) == json.loads(nested(MAX_REQUEST_DEPTH))
    with pytest.raises(JsonTooDeep) as info:
        parse_request_json(f'{{"input": {nested(MAX_REQUEST_DEPTH)}}}'.encode())
    assert info.value.key == "input"
    assert f"deeper than {MAX_REQUEST_DEPTH} levels" in str(info.value)


@pytest.mark.parametrize("depth", [5_000, 150_000])
def test_a_request_too_deep_for_the_parser_is_too_deep_not_a_recursion_error(depth: int) -> None:
    with pytest.raises(JsonTooDeep) as info:
        parse_request_json(nested(depth))
    assert info.value.key is None


def test_the_number_of_arrays_and_objects_is_bounded_before_parsing() -> None:
    assert parse_request_json("[" + ",".join(["{}"] * 9) + "]", max_containers=10) is not None
    with pytest.raises(JsonTooLarge, match=r"more than 10 arrays and objects"):
        parse_request_json("[" + ",".join(["{}"] * 10) + "]", max_containers=10)
    # The rule is on the text: brackets inside strings count too (predictable, and costs nothing).
    with pytest.raises(JsonTooLarge):
        parse_request_json(json.dumps(["[" * 11]), max_containers=10)
    # Checked before parsing: a body that is not even JSON is refused for its size first.
    with pytest.raises(JsonTooLarge):
        parse_request_json("{" * 11, max_containers=10)


def test_non_json_constants_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN is not JSON"):
        parse_request_json('{"x": NaN}')


def test_stored_values_too_deep_to_read_back_safely_are_found() -> None:
    assert stored_json_problem('{"a": [1]}') is None
    assert stored_json_problem(nested(MAX_STORED_DEPTH)) is None
    assert stored_json_problem(nested(MAX_STORED_DEPTH + 1)) == f"it nests deeper than {MAX_STORED_DEPTH} levels"
    assert stored_json_problem(nested(50_000)) == f"it nests deeper than {MAX_STORED_DEPTH} levels"
    assert (stored_json_problem("{") or "").startswith("it is not valid JSON")


def test_a_stored_value_that_does_not_decode_reads_as_a_placeholder(caplog: pytest.LogCaptureFixture) -> None:
    assert load_stored_json('{"a": [1]}', column="input_json", row_id="exec_1") == {"a": [1]}
    with caplog.at_level(logging.WARNING, logger="eigenpal_ext.testing"):
        for_the_parser = load_stored_json(nested(50_000), column="result_json", row_id="exec_3")
        broken = load_stored_json("{", column="steps_json", row_id="exec_4", placeholder=lambda reason: [])
    assert for_the_parser == {
        "unreadable": f"the stored value cannot be shown: it nests deeper than {MAX_STORED_DEPTH} levels"
    }
    assert broken == []
    assert [record.getMessage().split(":")[0] for record in caplog.records] == ["execution exec_3", "execution exec_4"]
