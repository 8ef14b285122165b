"""``eigenpal-dev-server`` (also ``python -m eigenpal_ext.testing``): the local server from a terminal.

Prints one line with the URL and keys once it listens (port 0 picks a free port; keys other than the
public development key shortened), then serves until Ctrl-C, writing one access-log line per request on
stderr (``--quiet``: none). With ``--webhook-url`` (and ``--webhook-secret``, or ``EIGENPAL_WEBHOOK_SECRET``
in the environment, which keeps it out of the process list) it delivers signed ``run.*`` events there, one
log line per attempt; the banner shows the URL without its query or user info, and the secret is never
printed. An address it cannot listen on (a port already taken) is one line on stderr
and exit status 1. Only loopback by default; data stays in memory unless ``--data-dir`` is given.
``--write-sample-invoice PATH`` writes the sample invoice PDF the examples upload, and exits.
The help text is plain text (argparse prints it as it is), so it carries no reStructuredText markup.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

from eigenpal_ext.testing._access_log import ACCESS_LOGGER
from eigenpal_ext.testing._documents import write_sample_invoice
from eigenpal_ext.testing._engine import Pacing
from eigenpal_ext.testing._faults import FaultConfig
from eigenpal_ext.testing._hosted import HostedProfile
from eigenpal_ext.testing._idempotency import IDEMPOTENCY_MODES
from eigenpal_ext.testing._server import DEFAULT_API_KEY, LOOPBACK, LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._webhook_delivery import WEBHOOKS_LOGGER, shown_url

WEBHOOK_SECRET_VARIABLE = "EIGENPAL_WEBHOOK_SECRET"


def parse_keys(values: Sequence[str]) -> dict[str, str]:
    """``KEY`` or ``KEY=TENANT`` → {key: tenant}; a key without a tenant is its own tenant."""
    keys: dict[str, str] = {}
    for value in values:
        key, _, tenant = value.partition("=")
        if not key:
            raise argparse.ArgumentTypeError(f"--api-key {value!r}: the key is empty")
        keys[key] = tenant or key
    return keys


def parse_workflows(values: Sequence[str]) -> dict[str, str]:
    """``SLUG=BUILTIN`` → {slug: built-in}."""
    workflows: dict[str, str] = {}
    for value in values:
        slug, separator, builtin = value.partition("=")
        if not separator or not slug or not builtin:
            raise argparse.ArgumentTypeError(
                f"--workflow {value!r}: expected SLUG=BUILTIN, e.g. extract-contract=extract-invoice"
            )
        workflows[slug] = builtin
    return workflows


PROG = "eigenpal-dev-server"
DESCRIPTION = "A local EigenPal-compatible API server, for development, demos and tests."
EPILOG = """examples:
  eigenpal-dev-server --port 8080
  eigenpal-dev-server --workflow extract-contract=extract-invoice --fault-503 0.1 --seed 7
  eigenpal-dev-server --write-sample-invoice contract.pdf

Then point a client at it: EIGENPAL_BASE_URL=http://127.0.0.1:8080 EIGENPAL_API_KEY=eg_dev_local_key"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default=LOOPBACK, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one and prints it (default)")
    parser.add_argument("--data-dir", type=Path, help="keep executions and uploads here across restarts")
    parser.add_argument("--api-key", action="append", default=[], metavar="KEY[=TENANT]",
                        help=f"accepted API key (repeatable; default {DEFAULT_API_KEY})")  # fmt: skip
    parser.add_argument("--workflow", action="append", default=[], metavar="SLUG=BUILTIN",
                        help="add a workflow under your slug that behaves like a built-in (repeatable)")  # fmt: skip
    parser.add_argument("--hold-window", type=float, default=60.0,
                        help="max seconds wait_for_completion holds a v1 run (0..60, default 60)")  # fmt: skip
    parser.add_argument("--runs-hold-window", type=float, default=600.0,
                        help="max seconds wait_for_completion holds POST /runs (0..600, default 600)")  # fmt: skip
    parser.add_argument("--max-upload-mib", type=float, default=2048.0, help="413 above this request size")
    parser.add_argument("--workers", type=int, default=4,
                        help="runs one tenant has at once (one more worker is kept for the others)")  # fmt: skip
    parser.add_argument("--body-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="408 when a request head or body makes no progress this long (default 30)")  # fmt: skip
    parser.add_argument("--step-seconds", type=float, default=0.02, help="pause before each workflow step")
    parser.add_argument("--quiet", action="store_true", help="no access-log line per request on stderr")
    parser.add_argument("--hosted-profile", action="store_true",
                        help="behave like EigenPal's hosted service: text/plain 413 above 4.5 MiB bodies, at most 20 "
                             "items a page, a gateway 504 after 30 s without an answer")  # fmt: skip
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument("--idempotency-keys", choices=IDEMPOTENCY_MODES,
                      help="what a run's Idempotency-Key does: honour (one execution per key, echoed; the default), "
                           "echo-only (echoed, every run a new execution) or ignore (neither)")  # fmt: skip
    keys.add_argument("--no-idempotency", dest="idempotency_keys", action="store_const", const="ignore",
                      help="the same as --idempotency-keys ignore: every run creates a new execution")  # fmt: skip
    parser.add_argument("--write-sample-invoice", type=Path, metavar="PATH",
                        help="write a 2-page sample invoice PDF (INV-2026-0042) to PATH and exit")  # fmt: skip
    webhooks = parser.add_argument_group("webhook delivery (run.created, run.status_changed; signed, retried)")
    webhooks.add_argument("--webhook-url", metavar="URL", help="POST each run's events to this URL")
    webhooks.add_argument("--webhook-secret", metavar="SECRET",
                          help=f"the signing secret (whsec_...); default: ${WEBHOOK_SECRET_VARIABLE}, which keeps it "
                               "out of the process list. Never printed")  # fmt: skip
    faults = parser.add_argument_group("fault injection (reproducible with --seed)")
    faults.add_argument("--fault-503", type=float, default=0.0, metavar="RATE", help="share of requests answered 503")
    faults.add_argument("--fault-429", type=float, default=0.0, metavar="RATE", help="share answered 429 + Retry-After")
    faults.add_argument("--fault-drop", type=float, default=0.0, metavar="RATE", help="share of dropped connections")
    faults.add_argument("--fault-latency", type=float, default=0.0, metavar="SECONDS", help="added latency, up to")
    faults.add_argument("--seed", type=int, default=0, help="seed of the fault draws")
    return parser


def webhook_secret(args: argparse.Namespace) -> str | None:
    """The signing secret for ``--webhook-url``: ``--webhook-secret``, else ``$EIGENPAL_WEBHOOK_SECRET``."""
    if args.webhook_url is None:
        if args.webhook_secret is not None:
            raise argparse.ArgumentTypeError("--webhook-secret is given without --webhook-url")
        return None
    secret: str | None = args.webhook_secret or os.environ.get(WEBHOOK_SECRET_VARIABLE)
    if not secret:
        raise argparse.ArgumentTypeError(
            f"--webhook-url needs a signing secret: --webhook-secret whsec_..., or ${WEBHOOK_SECRET_VARIABLE}"
        )
    return secret


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    faults = FaultConfig(
        error_503_rate=args.fault_503, rate_limit_429_rate=args.fault_429, drop_rate=args.fault_drop,
        latency_seconds=args.fault_latency, seed=args.seed,
    )  # fmt: skip
    return ServerConfig(
        api_keys=parse_keys(args.api_key) or {DEFAULT_API_KEY: "dev"},
        data_dir=args.data_dir,
        hold_window_seconds=args.hold_window,
        runs_hold_window_seconds=args.runs_hold_window,
        max_upload_bytes=int(args.max_upload_mib * 1024 * 1024),
        workers=args.workers,
        pacing=Pacing(step_seconds=args.step_seconds),
        faults=faults,
        workflows=parse_workflows(args.workflow),
        body_read_timeout_seconds=args.body_timeout,
        idempotency_keys=args.idempotency_keys or "honour",
        hosted=HostedProfile() if args.hosted_profile else None,
        access_log=not args.quiet,
        webhook_url=args.webhook_url,
        webhook_secret=webhook_secret(args),
    )


def redact_key(key: str) -> str:
    """A key as the banner shows it: at most its first 4 characters (a quarter of it), then an ellipsis."""
    return key[: min(4, len(key) // 4)] + "…"


def describe_keys(api_keys: Mapping[str, str]) -> str:
    """The banner's key part. The built-in development key is public and shown whole, so the default
    banner can be pasted; keys you chose are secrets and are shown shortened, with their tenant when
    it has a name of its own (a key given without ``=TENANT`` is its own tenant's name)."""
    shown = [
        key if key == DEFAULT_API_KEY else redact_key(key) + ("" if tenant == key else f" (tenant {tenant})")
        for key, tenant in api_keys.items()
    ]
    return ("API key: " if len(shown) == 1 else "API keys: ") + ", ".join(shown)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _reason(error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return "the address is already in use (choose another --port, or --port 0 for a free one)"
    return (error.strerror or str(error)).lower()


def _print_access_log() -> None:
    """Access-log lines and webhook delivery lines on stderr, each after the time of day."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    for name in (ACCESS_LOGGER, WEBHOOKS_LOGGER):
        printed = logging.getLogger(name)
        printed.addHandler(handler)
        printed.setLevel(logging.INFO)
        printed.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.write_sample_invoice is not None:
        try:
            path = write_sample_invoice(args.write_sample_invoice)
        except OSError as exc:
            parser.error(f"--write-sample-invoice: cannot write {args.write_sample_invoice}: {exc.strerror or exc}")
        print(f"wrote the sample invoice to {path}")
        return 0
    try:
        config = config_from_args(args)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        parser.error(str(exc))
    # SIGTERM (a supervisor, `kill`) stops the server as cleanly as Ctrl-C: the worker stops at a
    # checkpoint and the store closes (an in-memory server removes its temporary files).
    signal.signal(signal.SIGTERM, _interrupt)
    if config.access_log:
        _print_access_log()
    server = LocalEigenpalServer(config, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        server.stop()  # removes the in-memory store's temporary files
        print(f"{PROG}: error: cannot listen on {args.host}:{args.port}: {_reason(exc)}", file=sys.stderr)
        return 1
    print(f"eigenpal-dev-server listening on {server.base_url} ({describe_keys(config.api_keys)})", flush=True)
    if config.webhook_url is not None:
        print(f"delivering run events to {shown_url(config.webhook_url)} (signed)", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
