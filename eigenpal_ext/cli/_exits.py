"""What the ``eigenpal`` command ends with: its exit codes (the table is in the package docstring), the code of a
finished wait's status and of each kind of error, and ``UsageError``, a mistake argparse cannot see."""

from __future__ import annotations

import enum

from eigenpal_ext._errors import (
    EigenpalConnectionError,
    EigenpalError,
    EigenpalFileChangedError,
    EigenpalJournalError,
    EigenpalTimeoutError,
)


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    CANCELLED = 3
    REJECTED = 4
    TIMEOUT = 5
    API_ERROR = 6
    CONNECTION_ERROR = 7
    INTERRUPTED = 130
    BROKEN_PIPE = 141


_STATUS_EXIT_CODES = {
    "completed": ExitCode.OK,
    "failed": ExitCode.FAILED,
    "cancelled": ExitCode.CANCELLED,
    "rejected": ExitCode.REJECTED,
}


class UsageError(Exception):
    """A mistake in the command line that argparse cannot see (a bad ``-i``, a missing file, no API key)."""


def exit_code_for_status(status: str) -> ExitCode:
    """The exit code of a finished wait: 0 completed, 1 failed, 3 cancelled, 4 rejected."""
    # A status this client does not know cannot be terminal (the SDK keeps waiting), so this is defensive.
    return _STATUS_EXIT_CODES.get(str(status), ExitCode.FAILED)


# The exit code of each kind of error, most specific first. The SDK raises ValueError/TypeError for a bad
# argument before any request (an unknown status, an unparseable date, a limit out of range, a file input
# that is not a regular file), and FileNotFoundError for a file input that went missing; a file input that
# changed while it was uploaded is the input's problem too (nothing was sent whole).
_ERROR_EXIT_CODES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], ExitCode], ...] = (
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
    (EigenpalTimeoutError, ExitCode.TIMEOUT),
    (EigenpalConnectionError, ExitCode.CONNECTION_ERROR),
    (EigenpalFileChangedError, ExitCode.USAGE),
    (EigenpalJournalError, ExitCode.USAGE),  # a batch journal that cannot be used: nothing was sent
    (EigenpalError, ExitCode.API_ERROR),  # EigenpalAPIError and anything the tree grows later
    ((UsageError, ValueError, TypeError, FileNotFoundError, PermissionError), ExitCode.USAGE),
)


def exit_code_for_error(error: BaseException) -> ExitCode:
    """The exit code an error ends the command with (see the table in this module's docstring)."""
    return next((code for kinds, code in _ERROR_EXIT_CODES if isinstance(error, kinds)), ExitCode.FAILED)
