"""``eigenpal-dev-server``'s options become the ``ServerConfig`` they name (parsed, not served)."""

from __future__ import annotations

import pytest

from eigenpal_ext.testing._cli import build_parser, config_from_args


def _config(*argv: str) -> object:
    return config_from_args(build_parser().parse_args(list(argv)))


@pytest.mark.parametrize(
    ("argv", "mode"),
    [
        ((), "honour"),
        (("--no-idempotency",), "ignore"),
        (("--idempotency-keys", "ignore"), "ignore"),
        (("--idempotency-keys", "echo-only"), "echo-only"),
        (("--idempotency-keys", "honour"), "honour"),
    ],
)
def test_idempotency_options(argv: tuple[str, ...], mode: str) -> None:
    assert _config(*argv).idempotency_keys == mode  # type: ignore[attr-defined]


def test_no_idempotency_and_a_mode_cannot_both_be_given(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--no-idempotency", "--idempotency-keys", "honour"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
