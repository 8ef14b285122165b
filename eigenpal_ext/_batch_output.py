"""A batch's JSON Lines output: one line per input, written as the outcomes arrive, never left corrupt.

``BatchOutput.start(finished)`` first rewrites the file from the journal's finished outcomes: into a
temporary file beside it, synced, then renamed over it (a rename is atomic, so a reader sees the old file
or the new one, never half of one). The outcomes of this run are then appended, each line by a single
``write`` to a descriptor opened with ``O_APPEND``, so lines never interleave and every line that ends with
a newline is whole.

What a kill can leave: the kernel may cut a ``write`` short at a page boundary when the process is killed
in the middle of it (Linux checks for a fatal signal between the pages it copies), so a batch killed while
it writes a line can leave that one last line cut short, without its newline. No append-only file can
avoid that; a reader of a killed batch's output reads the lines that end with a newline. The resumed batch
repairs it, as it repairs everything else below.

Why this keeps the file right across kills and resumes: an input's outcome is recorded in the journal
*before* its line is appended. A batch killed between the two loses that line (or cuts it short), and the
resumed batch rewrites the file from the journal first, which brings it back whole; the resumed batch then
appends only the outcomes it produces itself (never those it reads back from the journal), so no input
gets two lines. A rerun of a finished batch sends nothing and rewrites the file from the journal: that is
the export.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def json_line(data: Mapping[str, Any]) -> bytes:
    """One JSON object as one line of ASCII (non-ASCII escaped: any string, even a lone surrogate, encodes)."""
    return (json.dumps(data, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


class BatchOutput:
    """The output file of one run of a batch (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(os.fspath(path)).expanduser()
        self._fd: int | None = None
        self.lines = 0

    def start(self, finished: Iterable[Mapping[str, Any]]) -> None:
        """Replace the file with one line per finished outcome (atomically), then open it for appending."""
        folder = self.path.parent
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                for data in finished:
                    out.write(json_line(data))
                    self.lines += 1
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def append(self, data: Mapping[str, Any]) -> None:
        """Append one outcome's line with one ``write`` (cut short only if the process is killed during it)."""
        if self._fd is None:
            raise RuntimeError("BatchOutput.start() must be called first")
        line = memoryview(json_line(data))
        while line:
            written = os.write(self._fd, line)
            line = line[written:]
        self.lines += 1

    def close(self) -> None:
        """Flush the file to disk and close it."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> BatchOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
