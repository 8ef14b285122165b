"""Tests of the local server's JSON bounds: request depth, and stored values that must always read back."""

from __future__ import annotations

import json
import logging

import pytest

from eigenpal_ext.testing._json_limits import (
    MAX_REQUEST_DEPTH,
    MAX_STORED_DEPTH,
    JsonTooDeep,
    load_stored_json,
    nests_deeper_than,
    parse_request_json,
    too_deep_under,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(("text", "depth"), [("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4), (nested(40), 40)])
def test_depth_is_counted_in_containers(text: str, depth: int) -> None:
    value = json.loads(text)
    assert not nests_deeper_than(value, depth)
    assert nests_deeper_than(value, depth - 1) == (depth > 0)


def test_the_offending_top_level_key_is_named() -> None:
    value = {"input": {"ok": [1]}, "overrides": {"steps": {"s": json.loads(nested(10))}}}
    assert too_deep_under(value, 13) is None  # top, overrides, steps and 10 arrays
    assert too_deep_under(value, 12) == "overrides"
    assert too_deep_under(value, 5) == "overrides"
    assert too_deep_under([[], json.loads(nested(5))], 4) == "1"
    assert too_deep_under(json.loads(nested(5)), 0) == "<top>"


def test_a_request_at_the_limit_parses_and_one_level_more_does_not() -> None:
    assert parse_request_json(nested(MAX_REQUEST_DEPTH)) == json.loads(nested(MAX_REQUEST_DEPTH))
    with pytest.raises(JsonTooDeep) as info:
        parse_request_json(f'{{"input": {nested(MAX_REQUEST_DEPTH)}}}'.encode())
    assert info.value.key == "input"
    assert f"deeper than {MAX_REQUEST_DEPTH} levels" in str(info.value)


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_a_request_too_deep_for_the_parser_is_too_deep_not_a_recursion_error(depth: int) -> None:
    with pytest.raises(JsonTooDeep) as info:
        parse_request_json(nested(depth))
    assert info.value.key is None


def test_non_json_constants_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN is not JSON"):
        parse_request_json('{"x": NaN}')


def test_stored_values_read_back_or_as_a_placeholder(caplog: pytest.LogCaptureFixture) -> None:
    assert load_stored_json('{"a": [1]}', column="input_json", row_id="exec_1") == {"a": [1]}
    assert load_stored_json(nested(MAX_STORED_DEPTH), column="input_json", row_id="exec_1") is not None

    with caplog.at_level(logging.WARNING, logger="eigenpal_ext.testing"):
        too_deep = load_stored_json(nested(MAX_STORED_DEPTH + 1), column="input_json", row_id="exec_2")
        for_the_parser = load_stored_json(nested(50_000), column="result_json", row_id="exec_3")
        broken = load_stored_json("{", column="steps_json", row_id="exec_4", placeholder=lambda reason: [])
    assert too_deep == {
        "unreadable": f"the stored value cannot be shown: it nests deeper than {MAX_STORED_DEPTH} levels"
    }
    assert for_the_parser == too_deep
    assert broken == []
    assert [record.getMessage().split(":")[0] for record in caplog.records] == [
        "execution exec_2",
        "execution exec_3",
        "execution exec_4",
    ]
