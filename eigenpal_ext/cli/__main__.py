"""``python -m eigenpal_ext.cli``: the ``eigenpal`` command (as ``python -m eigenpal_ext``)."""

import sys

from eigenpal_ext.cli import main

if __name__ == "__main__":
    sys.exit(main())
