"""Settings every test directory shares.

Ctrl-C for the subprocesses the tests start: a shell that runs a command in the background without job
control (``make test &``, some CI runners) starts it with SIGINT *ignored*, and an ignored signal stays
ignored across ``exec`` — so every child process (the ``eigenpal`` command, ``eigenpal-dev-server``, a
batch) would ignore the SIGINT a test sends it, and the Ctrl-C tests would fail for a reason that has
nothing to do with the code. Giving this process Python's usual handler makes the children start with the
default disposition (a handled signal is reset to the default on ``exec``), as they do under a terminal.
"""

from __future__ import annotations

import signal

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
