"""``python -m eigenpal_ext.testing``: the same as ``eigenpal-dev-server``."""

import sys

from eigenpal_ext.testing._cli import main

sys.exit(main())
