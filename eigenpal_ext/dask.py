"""A batch too big for one machine, run as shards on a Dask cluster (the ``dask`` extra).

``run_shards(dask_client, workflow_id, inputs, shards=n, output=..., journal_dir=...)`` submits one task per
shard (``run_batch(..., shard=(i, n))``: the inputs partitioned by key, the same partition on every machine),
waits for them, and merges their outcomes into one JSON Lines ``output`` on the machine that called it. The
same call runs on a ``LocalCluster`` or on a real cluster (``Client("tcp://scheduler:8786")``); nothing of
eigenpal-ext runs the cluster.

**Journals stay on the workers' local disks** (``journal_dir``, a path that exists on each worker): SQLite's
write-ahead log does not work on a network file system. So a shard's journal is where the shard first ran,
and the batch remembers where that was: the *claim* of each shard (the host and the journal's path) is kept
in the scheduler while the call runs (its metadata store) and beside the output afterwards
(``OUTPUT.shards.json``), and each shard is sent back to its host when it runs again (a Dask worker
restriction that still allows other workers). A shard that runs again where it can reach its journal
resumes it: finished inputs are not sent again, started ones are waited for. A shard that Dask runs again
somewhere else (its worker died, its machine is gone) refuses with ``ShardJournalUnreachable``, naming the
host and the path of its journal, instead of starting a second journal that would send every input again.

**The inputs** are given as a sequence, or as a picklable callable that returns an iterable (a
``functools.partial`` of your own function): every shard iterates all of them and keeps its own, reading
only its own files. File inputs must be readable at the same path on every worker.

**The API key** is read from ``EIGENPAL_API_KEY`` on each worker (task arguments are visible in the Dask
dashboard; a key must not travel in them); ``client_options`` (base URL, timeouts, ...) are passed to
``EigenpalClient`` there.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from eigenpal_ext._batch_output import BatchOutput
from eigenpal_ext._errors import EigenpalJournalError
from eigenpal_ext._extras import extra_install_command

try:
    import distributed
    from distributed.comm.addressing import get_address_host
except ImportError as missing:  # pragma: no cover - the extra is installed wherever the tests run
    raise ModuleNotFoundError(
        f"eigenpal_ext.dask needs the dask extra (missing: distributed); install it with: "
        f"{extra_install_command('dask')}",
        name="distributed",
    ) from missing

__all__ = ["ShardJournalUnreachable", "ShardsReport", "run_shard", "run_shards"]

Inputs = Sequence[Any] | Callable[[], Iterable[Any]]
CLAIMS_SUFFIX = ".shards.json"


class ShardJournalUnreachable(EigenpalJournalError):
    """A shard ran again where it cannot reach the journal of its first run (another machine, or the journal is
    gone): it refused to start, since a new journal would send its inputs again. The message names the host
    and the path of the journal; run the shard on that host (or copy the journal there first)."""


@attrs.frozen
class ShardsReport:
    """What ``run_shards`` did: how many inputs ended how, and where the merged output is."""

    output: Path
    inputs: int
    completed: int
    failed: int
    unknown: int
    per_shard: tuple[int, ...]


def _claim_name(batch_name: str, index: int, shards: int) -> str:
    return f"eigenpal-batch-{batch_name}-shard-{index}-of-{shards}"


def _claim_key(batch_name: str, index: int, shards: int) -> list[str]:
    """Where the scheduler keeps a shard's claim (its metadata store, readable without blocking)."""
    return ["eigenpal-ext", "batch", batch_name, f"shard-{index}-of-{shards}"]


def _get_claim(dask_client: distributed.Client, key: list[str]) -> dict[str, str] | None:
    value = dask_client.get_metadata(key, default=None)
    return dict(value) if isinstance(value, Mapping) else None


def run_shard(
    index: int,
    shards: int,
    workflow_id: str,
    inputs: Inputs,
    *,
    journal_dir: str,
    batch_name: str,
    claim: Mapping[str, str] | None = None,
    client_options: Mapping[str, Any] | None = None,
    run_options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One shard, as a Dask task: ``run_batch(..., shard=(index, shards))`` with this shard's journal.

    ``run_shards`` submits it once per shard; it can also run directly (outside a worker), on this machine.

    Args:
        index: Which shard this is, 0-based.
        shards: How many shards the batch has.
        workflow_id: The workflow every input runs (id or slug).
        inputs: Every input of the batch (a sequence, or a picklable callable returning an iterable); the
            shard keeps its own, by key.
        journal_dir: The folder of the shard's journal, on this worker's local disk.
        batch_name: Names the journal and the claim (one batch, one name).
        claim: Where the shard ran before (``{"host": ..., "journal": ...}``), if the caller knows; the
            scheduler's record of it wins.
        client_options: Passed to ``EigenpalClient`` (the API key comes from this worker's
            ``EIGENPAL_API_KEY``).
        run_options: Passed to ``run_batch`` (``concurrency``, ``version``, ``timeout_seconds``, ...).

    Returns:
        ``{"claim": ..., "lines": [...]}``: the shard's claim and every outcome's ``to_dict()``, in the
        journal's order.

    Raises:
        ShardJournalUnreachable: The shard's journal is on another host, or gone: nothing was sent.
    """
    from eigenpal_ext import EigenpalClient  # noqa: PLC0415 - on the worker

    here = _this_host()
    scheduler, key = _scheduler_client(), _claim_key(batch_name, index, shards)
    recorded = (_get_claim(scheduler, key) if scheduler is not None else None) or (dict(claim) if claim else None)
    if recorded is None:
        journal = Path(journal_dir).expanduser().absolute() / f"{batch_name}-shard-{index}-of-{shards}.journal"
        recorded = {"host": here, "journal": str(journal)}
    journal = Path(recorded["journal"])
    if recorded["host"] != here or (recorded.get("started") and not journal.exists()):
        where = "is not on this machine" if recorded["host"] != here else "is gone"
        raise ShardJournalUnreachable(
            f"shard {index}/{shards} of batch {batch_name!r} first ran on {recorded['host']}, and its journal "
            f"{journal} {where} (this is {here}); a new journal would send its inputs again: run the shard on "
            f"{recorded['host']}, or copy its journal to {journal} here first",
            path=journal,
        )
    journal.parent.mkdir(parents=True, exist_ok=True)
    if not recorded.get("started"):
        recorded = {**recorded, "started": "yes"}
    if scheduler is not None:
        scheduler.set_metadata(key, recorded)  # before anything is sent: a rerun elsewhere knows where it is
    items = inputs() if callable(inputs) else inputs
    with EigenpalClient(**dict(client_options or {})) as client:
        run = client.workflows.executions.run_batch(
            workflow_id, items, journal=journal, shard=(index, shards), **dict(run_options or {})
        )
        lines = [outcome.to_dict() for outcome in run]
    return {"claim": recorded, "lines": lines}


def _this_host() -> str:
    """The host of the worker running this task, as the cluster addresses it (a name outside a worker)."""
    try:
        return str(get_address_host(distributed.get_worker().address))
    except ValueError:  # not in a worker (a shard run directly)
        return socket.gethostname()


def _scheduler_client() -> distributed.Client | None:
    """The client of the worker running this task (None outside a worker: a shard run directly)."""
    try:
        return distributed.get_client()
    except ValueError:
        return None


def run_shards(
    dask_client: distributed.Client,
    workflow_id: str,
    inputs: Inputs,
    *,
    shards: int,
    output: str | os.PathLike[str],
    journal_dir: str | os.PathLike[str],
    batch_name: str = "batch",
    client_options: Mapping[str, Any] | None = None,
    **run_options: Any,
) -> ShardsReport:
    """Run ``workflow_id`` over ``inputs`` as ``shards`` tasks on ``dask_client``'s cluster; merge the outcomes
    into ``output`` (one JSON line per input, shard after shard).

    Running the same call again resumes every shard from its journal, on its host.

    Args:
        dask_client: A ``distributed.Client`` of the cluster (a ``LocalCluster``'s, or
            ``Client("tcp://scheduler:8786")``).
        workflow_id: The workflow every input runs (id or slug).
        inputs: Every input (a sequence, or a picklable callable returning an iterable): each shard reads them
            all and keeps its own; file inputs must be readable at the same path on every worker.
        shards: How many shards (tasks) to split the inputs into, by key.
        output: The merged JSON Lines file, on this machine; its shards' claims go beside it
            (``OUTPUT.shards.json``).
        journal_dir: A folder on each worker's local disk for the shards' journals.
        batch_name: Names the journals and the claims (one batch, one name).
        client_options: Passed to ``EigenpalClient`` on each worker (base URL, timeouts, ...; the API key
            comes from the worker's ``EIGENPAL_API_KEY``).
        run_options: Passed to each shard's ``run_batch`` (``concurrency`` per shard, ``version``,
            ``timeout_seconds``, ``resend_unknown``, ...).

    Returns:
        A ``ShardsReport``: how many inputs ended how, per shard, and where the output is.

    Raises:
        ShardJournalUnreachable: A shard cannot reach its journal (raised after the other shards finished and
            the output was written).
        ValueError: ``shards`` is not a whole number >= 1.
    """
    if not isinstance(shards, int) or isinstance(shards, bool) or shards < 1:
        raise ValueError(f"shards must be a whole number >= 1, got {shards!r}")
    output_path = Path(os.fspath(output)).expanduser().absolute()
    claims_path = output_path.with_name(output_path.name + CLAIMS_SUFFIX)
    claims = _load_claims(claims_path)
    futures = {}
    for index in range(shards):
        claim = claims.get(str(index))
        if claim is not None:  # the scheduler's record of this shard: where its journal is
            dask_client.set_metadata(_claim_key(batch_name, index, shards), claim)
        # Back to the host of its journal when it has one; elsewhere only if that host is gone (then it refuses).
        placement: dict[str, Any] = {"workers": [claim["host"]], "allow_other_workers": True} if claim else {}
        futures[index] = dask_client.submit(
            run_shard, index, shards, workflow_id, inputs, journal_dir=str(journal_dir), batch_name=batch_name,
            claim=claim, client_options=client_options, run_options=run_options,
            key=f"{_claim_name(batch_name, index, shards)}-{os.urandom(4).hex()}", pure=False, **placement,
        )  # fmt: skip
    results: dict[int, list[dict[str, Any]]] = {}
    refused: list[BaseException] = []
    pending = dict(futures)
    while pending:
        # Each shard's claim is saved as soon as the scheduler has it: a driver that dies keeps where they are.
        _remember_claims(dask_client, claims, claims_path, batch_name, shards)
        try:
            done, _ = distributed.wait(list(pending.values()), timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            continue
        for index, future in list(pending.items()):
            if future not in done:
                continue
            del pending[index]
            try:
                result = future.result()
            except ShardJournalUnreachable as error:
                refused.append(error)
                continue
            claims[str(index)] = result["claim"]
            results[index] = result["lines"]
    _save_claims(claims_path, claims)
    report = _merge(output_path, results, shards)
    if refused:
        raise refused[0]
    return report


def _merge(output: Path, results: Mapping[int, list[dict[str, Any]]], shards: int) -> ShardsReport:
    lines = [line for index in sorted(results) for line in results[index]]
    with BatchOutput(output) as merged:
        merged.start(lines)
    statuses = [line.get("status") for line in lines]
    return ShardsReport(
        output=output, inputs=len(lines), completed=statuses.count("completed"),
        failed=len(lines) - statuses.count("completed"), unknown=statuses.count("unknown"),
        per_shard=tuple(len(results.get(index, ())) for index in range(shards)),
    )  # fmt: skip


def _remember_claims(
    dask_client: distributed.Client, claims: dict[str, dict[str, str]], path: Path, batch_name: str, shards: int
) -> None:
    changed = False
    for index in range(shards):
        if claims.get(str(index), {}).get("started"):
            continue
        recorded = _get_claim(dask_client, _claim_key(batch_name, index, shards))
        if recorded is not None and recorded != claims.get(str(index)):
            claims[str(index)], changed = recorded, True
    if changed:
        _save_claims(path, claims)


def _load_claims(path: Path) -> dict[str, dict[str, str]]:
    with contextlib.suppress(FileNotFoundError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return {str(key): dict(value) for key, value in data.items() if isinstance(value, dict)}
    return {}


def _save_claims(path: Path, claims: Mapping[str, Mapping[str, str]]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(claims, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
