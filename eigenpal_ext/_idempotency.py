"""Whether the server honours ``Idempotency-Key`` on runs, and which resends of a run that permits.

Every run carries an ``Idempotency-Key`` (one per logical run, the same on each attempt). A server that
honours it answers a repeated key with the execution the key first created, so sending the run again is
safe. EigenPal documents no such key (neither on the v1 routes nor on the runs API); only the local server
honours it. So "keys are honoured" is either the user's declaration or an inference, and an inference
that is wrong must not cost a duplicate execution (paid model work) nor lose an id. The rules:

- **Declared**: ``idempotent_runs=True`` on the client (the user knows the server deduplicates), or
  ``False`` (never resend a run that may have reached the server).
- **Inferred** (``idempotent_runs=None``): from a *successful* run answer (2xx) that echoes the run's key.
  An echo on an error answer proves nothing (a gateway may echo request headers on its own 502).
- **Withdrawn**: the first time a replay with the same key comes back with *another* execution, the
  server has shown that it does not deduplicate: from then on neither the declaration nor the inference
  counts (``withdraw``); the second execution is logged at WARNING and named on the result or error
  (``duplicate_execution_ids``) so that it can be cancelled.

Two kinds of resend (``Resend``):

- **Recovery**: the run's answer was lost after it was sent (a dropped connection, a hold cut by a
  middlebox or a restarting server), so an execution may exist whose id never arrived. The run is sent
  again with the same key and no hold, to learn that id. Permitted whenever keys are honoured, declared
  or inferred.
- **Optional**: resends made for speed or convenience: holding a trigger by default, sending a held
  trigger again with its hold, retrying a run the server answered with a 5xx. Permitted only when the
  user declared ``idempotent_runs=True`` (and it was not withdrawn).

``KeyKnowledge`` holds this state for one client and its ``with_options`` siblings (they share it:
what one learns, all know); the transport (``_transport``), the trigger flow (``_trigger``) and the
waiting flows (``_waiting``) read it.
"""

from __future__ import annotations

import enum
import threading

import httpx

from eigenpal_ext._logging import logger
from eigenpal_ext._retry import IDEMPOTENCY_HEADER


class Resend(enum.Enum):
    """Why a run would be sent again with its key (see the module docstring)."""

    RECOVERY = "recovery"
    OPTIONAL = "optional"


class KeyKnowledge:
    """What a client knows about the server's ``Idempotency-Key`` handling; shared with ``with_options`` siblings.

    ``declared`` is the client's ``idempotent_runs`` argument. Thread-safe: the sync client's ``run_many``
    workers learn and withdraw concurrently.
    """

    __slots__ = ("_inferred", "_lock", "_withdrawn", "declared")

    def __init__(self, declared: bool | None = None) -> None:
        self.declared = declared
        self._inferred = False
        self._withdrawn = False
        self._lock = threading.Lock()

    @property
    def honoured(self) -> bool:
        """Keys are honoured, as declared (``idempotent_runs=True``) or inferred, and not withdrawn since."""
        if self._withdrawn or self.declared is False:
            return False
        return self.declared is True or self._inferred

    @property
    def withdrawn(self) -> bool:
        """A replay came back with another execution: the server does not deduplicate."""
        return self._withdrawn

    def permits(self, resend: Resend) -> bool:
        """Whether a run may be sent again for this reason."""
        if resend is Resend.RECOVERY:
            return self.honoured
        return self.declared is True and not self._withdrawn

    def learn(self, request: httpx.Request, response: httpx.Response) -> None:
        """Infer that keys are honoured from a successful run answer echoing the run's key (nothing else)."""
        if self.declared is not None or self._inferred or self._withdrawn:
            return
        if proves_keys_honoured(request, response):
            with self._lock:
                self._inferred = not self._withdrawn
            logger.debug(
                "the server echoed Idempotency-Key on a successful run: a run whose answer is lost will be sent "
                "again with its key to recover the execution id (other resends need idempotent_runs=True)"
            )

    def withdraw(self, *, execution_id: str, duplicate_id: str, workflow_id: str | None) -> None:
        """A replay with ``execution_id``'s key created ``duplicate_id``: keys are not honoured. Logs a WARNING."""
        with self._lock:
            self._withdrawn = True
        logger.warning(
            "the server does not deduplicate runs by Idempotency-Key: a replay of execution %s (workflow %s) "
            "created a second execution, %s; it is named in duplicate_execution_ids and can be cancelled with "
            "client.workflows.executions.cancel(%r). This client no longer sends runs again.",
            execution_id,
            workflow_id or "?",
            duplicate_id,
            duplicate_id,
        )


def is_run(request: httpx.Request) -> bool:
    """A ``POST .../run`` carrying an ``Idempotency-Key``: a request that creates an execution."""
    return request.method == "POST" and bool(request.headers.get(IDEMPOTENCY_HEADER))


def is_held(request: httpx.Request) -> bool:
    """The run asks the server to hold it until the execution ends (``wait_for_completion`` > 0)."""
    return request.url.params.get("wait_for_completion") not in (None, "", "0")


def proves_keys_honoured(request: httpx.Request, response: httpx.Response) -> bool:
    """A successful answer (2xx) to a run, repeating the run's key: evidence that the server honours it."""
    if not is_run(request) or not response.is_success:
        return False
    return bool(response.headers.get(IDEMPOTENCY_HEADER) == request.headers.get(IDEMPOTENCY_HEADER))


# Set on a run's request (its extensions live as long as the request, across its retries) once it is being
# sent again to recover a lost answer: a 5xx to such a resend does not end the recovery.
RECOVERING_EXTENSION = "eigenpal_recovering"


def resend_after_lost_answer(request: httpx.Request) -> Resend:
    """A run whose answer was lost: a recovery, unless it was held (sending a held trigger again, hold and
    all, is optional; the trigger flow recovers it without the hold)."""
    return Resend.OPTIONAL if is_held(request) else Resend.RECOVERY


def resend_after_answer(request: httpx.Request) -> Resend:
    """A run the server answered with a 5xx or 408: retrying it is optional, unless the run was already being
    sent again to recover a lost answer (its first attempt may have created the execution whose id is sought)."""
    return Resend.RECOVERY if request.extensions.get(RECOVERING_EXTENSION) else Resend.OPTIONAL


def recovering(request: httpx.Request) -> None:
    """Note that ``request`` (a run) is being sent again to recover a lost answer."""
    request.extensions[RECOVERING_EXTENSION] = True
