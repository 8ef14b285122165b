"""File inputs that never end, and files that change while they are uploaded (issue 15, items 5 and 6).

Item 5: a pipe, a socket or a character device (stdin, ``/dev/zero``, a FIFO, a symlink to one) as a file
input has no size: copying it whole before the request would never end. It is refused before anything is
sent, saying "is not a regular file" (not "does not exist"), by both clients, by ``run_many``'s up-front
check and by the ``eigenpal`` command (exit 2, also for ``--input-json @/dev/zero`` and a FIFO). A
recording server on 127.0.0.1 shows that nothing reached it.

Item 6: a regular file whose content does not match its size while it is uploaded (it grows or shrinks
after the request announced its length, or it reports size 0 and has content, as files under ``/proc``
do) raises ``EigenpalFileChangedError`` (an ``EigenpalError``) saying what happened, from both clients
and the command; a local server on 127.0.0.1 shows that no execution was created. The file is changed
deterministically from an httpx ``request`` event hook, which runs after the request (and its
``Content-Length``) was built and before its body is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalError, EigenpalFileChangedError
from eigenpal_ext.testing import LocalEigenpalServer
from tests.e2e.hostile_server import HostileServer, answer

CLI = [sys.executable, "-m", "eigenpal_ext.cli"]
KEY = "eg_test_key_0123456789"
NOT_REGULAR = "is not a regular file"


@pytest.fixture
def recording() -> Iterator[HostileServer]:
    """A server that must receive nothing: it answers 500 to anything that does reach it."""
    with HostileServer(answer(500, {"error": "should not be reached"})) as server:
        yield server


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "input.fifo"
    os.mkfifo(path)
    return path


def nonblocking_reader(path: Path) -> IO[bytes]:
    """A FIFO opened for reading without waiting for a writer (a plain open would block)."""
    return os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")


# --- item 5: inputs that never end ----------------------------------------------------------------------


def path_inputs(tmp_path: Path, fifo: Path) -> dict[str, Path]:
    link = tmp_path / "link-to-fifo"
    link.symlink_to(fifo)
    return {"/dev/zero": Path("/dev/zero"), "a FIFO": fifo, "a symlink to a FIFO": link}


@pytest.mark.parametrize("kind", ["/dev/zero", "a FIFO", "a symlink to a FIFO"])
def test_a_path_that_is_not_a_regular_file_is_refused_before_sending(
    recording: HostileServer, tmp_path: Path, fifo: Path, kind: str
) -> None:
    path = path_inputs(tmp_path, fifo)[kind]
    with EigenpalClient(api_key=KEY, base_url=recording.base_url) as client:
        with pytest.raises(ValueError, match=NOT_REGULAR) as raised:
            client.workflows.run("echo", {"doc": path})
        assert "does not exist" not in str(raised.value)
        assert "input['doc']" in str(raised.value)
        with pytest.raises(ValueError, match=rf"inputs\[1\]: .*{NOT_REGULAR}"):
            client.workflows.executions.run_many("echo", [{"n": 1}, {"doc": path}])
    assert recording.requests == []


def handle_inputs(fifo: Path) -> dict[str, Callable[[contextlib.ExitStack], IO[bytes]]]:
    def socket_file(stack: contextlib.ExitStack) -> IO[bytes]:
        left, right = socket.socketpair()
        stack.callback(left.close)
        stack.callback(right.close)
        return stack.enter_context(left.makefile("rb"))

    return {
        "open('/dev/zero')": lambda stack: stack.enter_context(Path("/dev/zero").open("rb")),
        "a FIFO handle": lambda stack: stack.enter_context(nonblocking_reader(fifo)),
        "a socket": socket_file,
        "a pipe": lambda stack: stack.enter_context(os.fdopen(pipe_reader(stack), "rb")),
    }


def pipe_reader(stack: contextlib.ExitStack) -> int:
    reader, writer = os.pipe()
    stack.callback(os.close, writer)
    return reader


@pytest.mark.parametrize("kind", ["open('/dev/zero')", "a FIFO handle", "a socket", "a pipe"])
def test_a_handle_that_is_not_a_regular_file_is_refused_by_both_clients(
    recording: HostileServer, fifo: Path, kind: str
) -> None:
    with contextlib.ExitStack() as stack:
        handle = handle_inputs(fifo)[kind](stack)
        with EigenpalClient(api_key=KEY, base_url=recording.base_url) as client:
            with pytest.raises(ValueError, match=NOT_REGULAR):
                client.workflows.run("echo", {"doc": handle})
            with pytest.raises(ValueError, match=NOT_REGULAR):
                client.workflows.executions.run_and_wait("echo", {"doc": handle})

        async def with_async_client() -> None:
            async with AsyncEigenpalClient(api_key=KEY, base_url=recording.base_url) as client:
                with pytest.raises(ValueError, match=NOT_REGULAR):
                    await client.workflows.run("echo", {"doc": handle})

        asyncio.run(with_async_client())
    assert recording.requests == []


def test_stdin_as_a_file_input_is_refused_in_a_user_script(recording: HostileServer) -> None:
    """``{"doc": sys.stdin.buffer}`` with stdin a pipe that never ends (``yes |``): refused, nothing sent."""
    script = (
        "import sys\n"
        "from eigenpal_ext import EigenpalClient\n"
        f"with EigenpalClient(api_key={KEY!r}, base_url={recording.base_url!r}) as client:\n"
        "    try:\n"
        "        client.workflows.run('echo', {'doc': sys.stdin.buffer})\n"
        "    except ValueError as error:\n"
        "        print(error)\n"
    )
    with subprocess.Popen(["yes"], stdout=subprocess.PIPE) as producer:
        done = subprocess.run(
            [sys.executable, "-c", script], stdin=producer.stdout, capture_output=True, text=True, timeout=20,
            check=False, preexec_fn=limit_memory,
        )  # fmt: skip
        producer.kill()
    assert done.returncode == 0, done.stderr
    assert NOT_REGULAR in done.stdout
    assert "input['doc']" in done.stdout
    assert recording.requests == []


def limit_memory() -> None:
    """In the child: at most 2 GiB of address space, so a regression that reads an endless input fails fast."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def cli(server_url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    env.update(EIGENPAL_BASE_URL=server_url, EIGENPAL_API_KEY=KEY, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=30, check=False,
        stdin=subprocess.DEVNULL, preexec_fn=limit_memory,
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["/dev/zero", "a FIFO", "a symlink to a FIFO"])
@pytest.mark.parametrize("flag", ["--input-json", "-i"])
def test_the_cli_exits_2_on_such_an_input(
    recording: HostileServer, tmp_path: Path, fifo: Path, kind: str, flag: str
) -> None:
    path = path_inputs(tmp_path, fifo)[kind]
    argument = f"@{path}" if flag == "--input-json" else f"doc=@{path}"
    done = cli(recording.base_url, "run", "echo", flag, argument)
    assert done.returncode == 2, done.stderr
    assert NOT_REGULAR in done.stderr
    assert done.stderr.startswith("error: ")
    assert len(done.stderr.splitlines()) == 1
    assert recording.requests == []


# --- item 6: a file that changes while it is uploaded ---------------------------------------------------------


def changing(path: Path, change: str) -> dict[str, Any]:
    """httpx_args whose request hook changes ``path`` once the run's request (and its length) is built."""

    def change_file(request: httpx.Request) -> None:
        if request.method != "POST":
            return
        if change == "grows":
            with path.open("ab") as file:
                file.write(b"x" * 300_000)
        elif change == "shrinks":
            os.truncate(path, path.stat().st_size // 2)

    async def change_file_async(request: httpx.Request) -> None:
        change_file(request)

    return {
        "sync": {"event_hooks": {"request": [change_file]}},
        "async": {"event_hooks": {"request": [change_file_async]}},
    }


def upload_source(tmp_path: Path, change: str) -> Path:
    if change == "reports size 0":
        return Path("/proc/self/status")  # st_size 0, about a kilobyte of content
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 1_000_000)
    return path


CHANGES = ["grows", "shrinks", "reports size 0"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_file_that_changes_while_uploaded_is_an_eigenpal_error_and_creates_nothing(
    e2e_server: LocalEigenpalServer, tmp_path: Path, change: str
) -> None:
    path = upload_source(tmp_path, change)
    hooks = changing(path, change)
    with e2e_server.client(httpx_args=hooks["sync"]) as client:
        with pytest.raises(EigenpalFileChangedError) as raised:
            client.workflows.run("echo", {"doc": path, "n": 1})
        with pytest.raises(EigenpalFileChangedError), path.open("rb") as handle:  # a handle the caller opened
            client.workflows.executions.run_and_wait("echo", {"doc": handle}, timeout_seconds=10)
        assert client.workflows.run("echo", {"n": 2}).execution_id  # the client is still usable

    error = raised.value
    assert isinstance(error, EigenpalError)
    assert "input['doc']" in str(error)
    assert "changed while it was uploaded" in str(error)
    assert "no execution was created" in str(error)
    assert error.execution_id is None
    assert error.input_key == "doc"
    assert [e.input for e in e2e_server.store.all_executions()] == [{"n": 2}]


@pytest.mark.parametrize("change", CHANGES)
def test_the_async_client_raises_the_same(e2e_server: LocalEigenpalServer, tmp_path: Path, change: str) -> None:
    path = upload_source(tmp_path, change)

    async def scenario() -> None:
        async with e2e_server.async_client(httpx_args=changing(path, change)["async"]) as client:
            with pytest.raises(EigenpalFileChangedError, match="changed while it was uploaded"):
                await client.workflows.run("echo", {"doc": path})

    asyncio.run(scenario())
    assert e2e_server.store.count_executions() == 0


def test_the_cli_reports_a_proc_file_in_one_line(e2e_server: LocalEigenpalServer) -> None:
    done = cli(e2e_server.base_url, "run", "echo", "-i", "doc=@/proc/self/status")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ")
    assert "changed while it was uploaded" in done.stderr
    assert "Traceback" not in done.stderr
    assert "LocalProtocolError" not in done.stderr
    assert e2e_server.store.count_executions() == 0


def test_an_unchanged_file_still_uploads_whole(e2e_server: LocalEigenpalServer, tmp_path: Path) -> None:
    path = upload_source(tmp_path, "grows")
    with e2e_server.client() as client:
        final = client.workflows.executions.run_and_wait("echo", {"doc": path}, timeout_seconds=20)
    assert final.status == "completed"
    assert final.result["doc"]["size"] == path.stat().st_size
