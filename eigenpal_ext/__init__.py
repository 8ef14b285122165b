"""eigenpal-ext: the ergonomic Python client for EigenPal's workflow-execution API.

The low-level client generated from ``openapi.yaml`` is the sibling package ``eigenpal_api``.
"""

__version__ = "0.1.0"
