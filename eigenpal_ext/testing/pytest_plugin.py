"""The old home of the pytest plugin, which is now the top-level module ``pytest_eigenpal``.

An installation made before the move keeps entry-point metadata naming this module until it is
reinstalled (an editable install does not rewrite its metadata on its own); this module gives such an
installation the same fixtures. Fresh installations load ``pytest_eigenpal`` and never import
this one.
"""

from pytest_eigenpal import eigenpal_env, eigenpal_server, eigenpal_server_config, eigenpal_server_factory

__all__ = ["eigenpal_env", "eigenpal_server", "eigenpal_server_config", "eigenpal_server_factory"]
