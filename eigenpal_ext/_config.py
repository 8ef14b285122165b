"""Every default of the ergonomic client, in one place (seconds everywhere, never milliseconds)."""

from __future__ import annotations

from typing import Final

# EigenPal's app moved from app.eigenpal.com to studio.eigenpal.com (official SDK 0.6.17); the API is also served
# at api.eigenpal.com under /v1 (0.11.0). Where the API is under a base_url: _settings.split_base_url.
DEFAULT_BASE_URL: Final = "https://studio.eigenpal.com"
API_KEY_ENV: Final = "EIGENPAL_API_KEY"
# Where a user gets a key, and what one looks like (said wherever a key is missing or refused).
API_KEY_GUIDANCE: Final = "keys are made at studio.eigenpal.com → Settings → API Keys and look like eig_live_..."
BASE_URL_ENV: Final = "EIGENPAL_BASE_URL"

# Per request. Connecting should be quick; a read may wait on a busy server.
DEFAULT_TIMEOUT_SECONDS: Final = 60.0
DEFAULT_CONNECT_TIMEOUT_SECONDS: Final = 10.0
# A held run (wait_for_completion=N) gets a read timeout of N plus this margin: the server answers once
# the window closes, plus its own processing and the network, so N alone would lose the execution id.
HOLD_READ_TIMEOUT_MARGIN_SECONDS: Final = 15.0
# The largest answer (decoded) one request may bring; EigenPal answers are small JSON documents, so this
# only stops a misbehaving server or proxy (or a gzip bomb) from filling memory. EigenpalClient(max_response_bytes=).
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
MAX_SERVER_HOLD_SECONDS: Final = 60
# run_and_wait(server_hold=True) asks for a hold that ends this long before its deadline, so the server's
# answer, and the execution id in it, arrives before the trigger request is cut off at the deadline.
HOLD_DEADLINE_MARGIN_SECONDS: Final = 2.0

# A held run that was cut (a middlebox's idle timeout, a server restarting) is sent again, with its key and no
# hold, to recover its execution id (see _trigger.py); a resend that fails transiently (a restarting server
# refuses connections) is tried again after these pauses, each attempt with the transport's own retries.
RECOVERY_DELAYS_SECONDS: Final = (0.5, 1.0, 2.0, 4.0, 8.0)

# Retries of idempotent requests (and of runs that certainly did not reach the server).
DEFAULT_MAX_RETRIES: Final = 2
RETRY_INITIAL_DELAY_SECONDS: Final = 0.5
RETRY_MAX_DELAY_SECONDS: Final = 8.0
# A Retry-After longer than this is not waited out inside a call: the rate-limit error is raised with
# its .retry_after so the caller decides (a 10-minute sleep hidden in a library call looks like a hang).
RETRY_AFTER_CAP_SECONDS: Final = 60.0

# Waiting (run_and_wait / wait), see _waiting.py: the first delay, growing by the factor at each poll up to
# poll_interval_seconds, which is both the ceiling and the steady interval of a long run. Chosen on
# `make bench` over run lengths log-spaced 0.3-15 s: about half the lag of fixed 2 s polling for about 1.2x
# its requests (a fixed interval cannot do both: halving the lag needs half the interval, twice the polls).
DEFAULT_POLL_INTERVAL_SECONDS: Final = 1.5
DEFAULT_WAIT_TIMEOUT_SECONDS: Final = 300.0
FIRST_POLL_DELAY_SECONDS: Final = 0.7
POLL_BACKOFF_FACTOR: Final = 1.2
# cancel_on_timeout's cancel is sent after the deadline: one attempt, bounded by this.
CANCEL_ON_TIMEOUT_REQUEST_SECONDS: Final = 5.0

# Run inputs: files that would make a run's multipart body larger than this (EigenPal's hosted body limit is about
# 4.5 MiB) are uploaded first through the files API and sent as {"$fileId": ...}. EigenpalClient(multipart_max_bytes=),
# or the environment variable (a number of bytes, or none/null/unlimited for never).
DEFAULT_MULTIPART_MAX_BYTES: Final = int(4.5 * 1024 * 1024)
MULTIPART_MAX_BYTES_ENV: Final = "EIGENPAL_MULTIPART_MAX_BYTES"

# The largest page the lists accept (workflows, versions); also iter()'s largest page_size.
MAX_PAGE_SIZE: Final = 100

# Pool sizes: one pool per client; the async client may fan out.
MAX_CONNECTIONS: Final = 32
MAX_KEEPALIVE_CONNECTIONS: Final = 16
