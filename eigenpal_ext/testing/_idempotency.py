"""How the local server treats a run's ``Idempotency-Key``, and what makes two runs "the same request".

EigenPal documents no ``Idempotency-Key`` on runs; the local server offers three behaviours, so a client
can be tested against each kind of server it may meet (``ServerConfig.idempotency_keys``,
``eigenpal-dev-server --idempotency-keys``):

- ``honour`` (the default): a run is created once per key and tenant. The same request sent again with
  the same key gets the first execution back (a *replay*, whatever its ``wait_for_completion``); the key
  sent with a *different* request is refused with 422 and the issue code ``idempotency_key_reused``
  (as Stripe does), so a client that reuses a key by mistake learns it instead of silently getting
  another request's execution. The key is echoed in the ``Idempotency-Key`` response header.
- ``echo-only``: the hostile case of a gateway that echoes request headers but deduplicates nothing:
  every run creates a new execution, and the key is echoed all the same. A client that takes the echo
  as proof that keys are honoured creates duplicates here.
- ``ignore``: what EigenPal documents: every run creates a new execution and the key is not echoed.

The request fingerprint (:func:`request_fingerprint`) is a SHA-256 over the canonical JSON of what the
run asks for: the workflow, the resolved version id (``latest``, a tag and an id naming the same version
are the same request), the input, the overrides, the trigger, the ``metadata`` of a run started on the
runs API, and each file input's key, file name, media type, size and content digest (computed while the
upload streams to disk; a ``{"$fileId": ...}`` input counts as the file it names). It leaves out
``wait_for_completion``: a held run and its recovery resend without a hold are the same request. The same
key and request on the two surfaces (``/workflows/{id}/run`` and ``/runs``) are one run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

from eigenpal_ext.testing._store import StoredFile

__all__ = ["IDEMPOTENCY_MODES", "IdempotencyMode", "request_fingerprint", "same_request"]

IdempotencyMode = Literal["honour", "echo-only", "ignore"]
IDEMPOTENCY_MODES: tuple[IdempotencyMode, ...] = get_args(IdempotencyMode)


def request_fingerprint(
    *,
    workflow_id: str,
    version_id: str,
    input: Mapping[str, Any],
    overrides: Any,
    trigger: str,
    files: Sequence[StoredFile],
    metadata: Any = None,
) -> str:
    """The hex SHA-256 identifying what a run request asks for (see the module docstring)."""
    canonical = {
        "workflowId": workflow_id,
        "versionId": version_id,
        "input": input,
        "overrides": overrides,
        "trigger": trigger,
        "files": sorted(
            [stored.input_key, stored.filename, stored.media_type, stored.size, stored.sha256] for stored in files
        ),
    }
    if metadata is not None:  # only runs started on the runs API carry it; v1 fingerprints stay as they were
        canonical["metadata"] = metadata
    # ensure_ascii (the default) keeps a lone surrogate in a string encodable; sort_keys makes key order moot.
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def same_request(stored_fingerprint: str | None, stored_workflow_id: str, fingerprint: str, workflow_id: str) -> bool:
    """Whether a run with ``fingerprint`` repeats the stored execution's request.

    An execution stored by an older server has no fingerprint; for it only the workflow is compared,
    as that server did.
    """
    if stored_fingerprint is None:
        return stored_workflow_id == workflow_id
    return stored_fingerprint == fingerprint
