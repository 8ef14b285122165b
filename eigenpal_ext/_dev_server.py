"""The ``eigenpal-dev-server`` command's entry point, importable without the ``server`` extra.

A console script imports its module before calling it, so the command cannot point into
``eigenpal_ext.testing`` directly: without the extra, that import would end in a traceback. This
module checks the extra first and, when it is missing, prints one line naming the install command and
exits with status 2 (a usage error, like argparse's).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from eigenpal_ext._extras import server_extra_problem

PROG = "eigenpal-dev-server"


def main(argv: Sequence[str] | None = None) -> int:
    problem = server_extra_problem(PROG)
    if problem is not None:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    from eigenpal_ext.testing._cli import main as serve  # noqa: PLC0415 - only once the extra is there

    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
