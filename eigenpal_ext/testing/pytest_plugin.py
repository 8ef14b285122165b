"""The old home of the pytest plugin, which is now ``eigenpal_ext.pytest_plugin``.

An installation made before the move keeps entry-point metadata naming this module until it is
reinstalled (an editable install does not rewrite its metadata on its own); this module gives such an
installation the same fixtures. Fresh installations load ``eigenpal_ext.pytest_plugin`` and never import
this one.
"""

from eigenpal_ext.pytest_plugin import eigenpal_env, eigenpal_server, eigenpal_server_config, eigenpal_server_factory

__all__ = ["eigenpal_env", "eigenpal_server", "eigenpal_server_config", "eigenpal_server_factory"]
