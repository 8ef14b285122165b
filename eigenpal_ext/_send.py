"""Sending calls and driving flows (sync and async): the only place where this layer does I/O.

``send``/``send_async`` send one prepared ``Call`` through the client's pool, turn any httpx exception
into an ``EigenpalError`` (no raw httpx error reaches a user), parse the response with the call's
parser, and close the files the call opened. ``drive``/``drive_async`` run a ``_waiting`` flow: they
perform each effect it yields (send a call, sleep) and feed the outcome back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from eigenpal_ext._calls import Call
from eigenpal_ext._errors import EigenpalError
from eigenpal_ext._polling import ExecutionResult
from eigenpal_ext._waiting import Flow, Send

T = TypeVar("T")


def send(http: httpx.Client, call: Call[T]) -> T:
    try:
        try:
            response = http.request(**call.httpx_kwargs())
        except httpx.HTTPError as exc:
            raise call.on_transport_error(exc) from exc
        return call.parse(response)
    finally:
        call.close()


async def send_async(http: httpx.AsyncClient, call: Call[T]) -> T:
    try:
        try:
            response = await http.request(**call.httpx_kwargs())
        except httpx.HTTPError as exc:
            raise call.on_transport_error(exc) from exc
        return call.parse(response)
    finally:
        call.close()


def drive(flow: Flow, http: httpx.Client, sleep: Callable[[float], None]) -> ExecutionResult:
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                try:
                    outcome = send(http, effect.call)
                except EigenpalError as error:
                    effect = flow.throw(error)
                    continue
                effect = flow.send(outcome)
            else:
                sleep(effect.seconds)
                effect = flow.send(None)
    except StopIteration as finished:
        result: ExecutionResult = finished.value
        return result


async def drive_async(
    flow: Flow, http: httpx.AsyncClient, sleep: Callable[[float], Awaitable[None]]
) -> ExecutionResult:
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                try:
                    outcome = await send_async(http, effect.call)
                except EigenpalError as error:
                    effect = flow.throw(error)
                    continue
                effect = flow.send(outcome)
            else:
                await sleep(effect.seconds)
                effect = flow.send(None)
    except StopIteration as finished:
        result: ExecutionResult = finished.value
        return result
