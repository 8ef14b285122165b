"""``eigenpal-dev-server``'s options become the ``ServerConfig`` they name (parsed, not served)."""

from __future__ import annotations

import pytest

from eigenpal_ext.testing import HostedProfile, ServerConfig
from eigenpal_ext.testing._cli import build_parser, config_from_args


def _config(*argv: str) -> ServerConfig:
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
    assert _config(*argv).idempotency_keys == mode


def test_no_idempotency_and_a_mode_cannot_both_be_given(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--no-idempotency", "--idempotency-keys", "honour"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_hosted_profile_is_opt_in() -> None:
    assert _config().hosted is None
    assert _config("--hosted-profile").hosted == HostedProfile()
    assert HostedProfile() == HostedProfile(max_body_bytes=4_718_592, page_cap=20, gateway_timeout_seconds=30.0)


@pytest.mark.parametrize(("field", "value"), [("max_body_bytes", 0), ("page_cap", 0), ("gateway_timeout_seconds", 0.0)])
def test_a_hosted_profile_out_of_range_is_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        HostedProfile(**{field: value})  # type: ignore[arg-type]


def test_the_runs_hold_window_option() -> None:
    assert _config().runs_hold_window_seconds == 600.0
    assert _config("--runs-hold-window", "5").runs_hold_window_seconds == 5.0
    with pytest.raises(ValueError, match="runs_hold_window_seconds"):
        _config("--runs-hold-window", "601")
