"""Where the command reads and writes (``Console``): stdout for results, stderr for progress and errors, stdin for
the cancel prompt; ``main`` gives it the process's streams, tests their own."""

from __future__ import annotations

import traceback
from typing import TextIO

import attrs

from eigenpal_ext.cli._exits import ExitCode, exit_code_for_error
from eigenpal_ext.cli._progress import Progress
from eigenpal_ext.cli._render import error_line


@attrs.define
class Console:
    """Where the command reads and writes; ``main`` uses the process's streams, tests may pass their own."""

    stdout: TextIO
    stderr: TextIO
    stdin: TextIO
    json: bool = False
    debug: bool = False

    def out(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def err(self, text: str) -> None:
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def fail(self, error: BaseException, *, hint: str | None = None) -> ExitCode:
        """Report ``error`` on one stderr line (plus the traceback with --debug); return its exit code."""
        if self.debug:
            traceback.print_exception(error, file=self.stderr)
        self.err(error_line(error, hint=hint))
        return exit_code_for_error(error)

    def progress(self, subject: str) -> Progress:
        return Progress(self.stderr, live=is_terminal(self.stderr), subject=subject)


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (False for anything that cannot say)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
