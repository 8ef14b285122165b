"""``python -m eigenpal_ext``: the ``eigenpal`` command, run by this package whatever else is on ``PATH``.

EigenPal's own command-line tool (an npm package) also installs a command named ``eigenpal``. Whichever
comes first on ``PATH`` wins the name; ``python -m eigenpal_ext`` (with the Python that has this package)
always runs this package's command, with the same arguments, output and exit codes.
"""

import sys

from eigenpal_ext.cli import main

if __name__ == "__main__":
    sys.exit(main())
