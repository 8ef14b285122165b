"""What the command prints cannot act on the terminal or the shell (issue 15, items 8, 9 and 10), as pure
functions: JSON escaping, shell quoting of recovery hints, and list answers whose counts are not numbers.
The end-to-end tests against a hostile server are in tests/e2e/test_e2e_cli_hostile_answers.py.
"""

from __future__ import annotations

import json
import shlex

import pytest

from eigenpal_ext import EigenpalConnectionError, EigenpalResponseError
from eigenpal_ext._answers import page_body
from eigenpal_ext.cli import error_line, shell_word
from eigenpal_ext.cli._render import printable, terminal_safe_json, to_json
from tests.support import make_client, respond

C1_DEL_BIDI = "\x7f" + "".join(map(chr, range(0x80, 0xA0))) + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", [*C1_DEL_BIDI, "\u2028", "\u200e", "\U000e0001"])
def test_json_output_escapes_every_non_printable_character_and_decodes_back(char: str) -> None:
    value = {f"k{char}": [f"v{char}", {"deep": char}]}
    text = to_json(value)
    assert char not in text
    assert json.loads(text) == value


def test_printable_text_and_json_structure_are_left_alone() -> None:
    text = json.dumps({"a": "é ✓ 日本", "b": [1, 2]}, indent=2, ensure_ascii=False)
    assert terminal_safe_json(text) == text


@pytest.mark.parametrize("char", list(C1_DEL_BIDI))
def test_text_output_escapes_them_too(char: str) -> None:
    shown = printable(f"a{char}b")
    assert char not in shown
    assert shown.startswith("a\\")
    assert shown.endswith("b")


@pytest.mark.parametrize("value", ["exec_1;touch${IFS}/tmp/owned", "exec 1", "$(reboot)", "a'b", "exec_1"])
def test_a_shell_word_pastes_as_exactly_one_argument(value: str) -> None:
    assert shlex.split(f"eigenpal executions wait {shell_word(value)}")[-1] == value


def test_the_list_hint_quotes_what_it_copies_from_the_sdk_message() -> None:
    lost = EigenpalConnectionError("connection dropped", request_sent=True, execution_may_exist=True)
    lost.workflow_id = "wf;rm -rf ~"  # the hint is written from the error's fields (no window here: the last minutes)
    text = error_line(lost)
    assert "eigenpal executions list 'wf;rm -rf ~' --from 'now()-10m'" in text


@pytest.mark.parametrize("total", ["lots", True, None, [1], 1.5])
def test_a_page_whose_counts_are_not_whole_numbers_is_refused(total: object) -> None:
    with pytest.raises(ValueError, match="'total'"):
        page_body({"data": [], "total": total, "limit": 50, "offset": 0})


def test_an_integral_float_count_is_read_as_the_integer() -> None:
    assert page_body({"data": [], "total": 57.0, "limit": 50, "offset": 0.0}) == {
        "data": [], "total": 57, "limit": 50, "offset": 0,
    }  # fmt: skip


def test_the_clients_raise_a_response_error_for_such_a_page() -> None:
    body = {"data": [], "total": "lots", "limit": 50, "offset": 0}
    with make_client(respond(200, json=body)) as client:
        for call in (client.workflows.list, lambda: list(client.workflows.iter())):
            with pytest.raises(EigenpalResponseError, match="'total' is 'lots'"):
                call()
