from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_usage_tokens import RunUsageTokens


T = TypeVar("T", bound="RunUsage")


@_attrs_define
class RunUsage:
    """What a run used (`expand=usage`)."""

    tokens: RunUsageTokens | None = None
    """ Model tokens a run used. """
    credits_charged: float | None = None
    """ Credits charged. """
    duration_ms: float | None = None
    """ Run time in milliseconds. """
    llm_call_count: float | None = None
    """ Model calls (workflow runs). """
    ocr_pages_processed: float | None = None
    """ Pages read by OCR (workflow runs). """
    agent_turns: float | None = None
    """ Conversation turns (agent runs). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
        tokens: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tokens, Unset):
            tokens = self.tokens.to_dict()

        credits_charged: float | None | Unset
        if isinstance(self.credits_charged, Unset):
            credits_charged = UNSET
        else:
            credits_charged = self.credits_charged

        duration_ms: float | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        llm_call_count = self.llm_call_count

        ocr_pages_processed = self.ocr_pages_processed

        agent_turns: float | None | Unset
        if isinstance(self.agent_turns, Unset):
            agent_turns = UNSET
        else:
            agent_turns = self.agent_turns

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tokens is not UNSET:
            field_dict["tokens"] = tokens
        if credits_charged is not UNSET:
            field_dict["creditsCharged"] = credits_charged
        if duration_ms is not UNSET:
            field_dict["durationMs"] = duration_ms
        if llm_call_count is not UNSET:
            field_dict["llmCallCount"] = llm_call_count
        if ocr_pages_processed is not UNSET:
            field_dict["ocrPagesProcessed"] = ocr_pages_processed
        if agent_turns is not UNSET:
            field_dict["agentTurns"] = agent_turns

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_usage_tokens import RunUsageTokens  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunUsage is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        _tokens = d.pop("tokens", UNSET)
        tokens: RunUsageTokens | Unset
        if isinstance(_tokens, Unset):
            tokens = UNSET
        else:
            tokens = RunUsageTokens.from_dict(_tokens)

        def _parse_credits_charged(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        credits_charged = _parse_credits_charged(d.pop("creditsCharged", UNSET))

        def _parse_duration_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs", UNSET))

        llm_call_count = d.pop("llmCallCount", UNSET)

        ocr_pages_processed = d.pop("ocrPagesProcessed", UNSET)

        def _parse_agent_turns(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        agent_turns = _parse_agent_turns(d.pop("agentTurns", UNSET))

        run_usage = cls(
            tokens=tokens,
            credits_charged=credits_charged,
            duration_ms=duration_ms,
            llm_call_count=llm_call_count,
            ocr_pages_processed=ocr_pages_processed,
            agent_turns=agent_turns,
        )

        run_usage.additional_properties = d
        run_usage.raw = src_dict
        return run_usage

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
