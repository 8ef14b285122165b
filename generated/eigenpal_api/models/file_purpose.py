from enum import StrEnum
from typing import Self


class FilePurpose(StrEnum):
    BUILDER_ATTACHMENT = "builder-attachment"
    RUN_INPUT = "run-input"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        """Keep a value this client does not know yet instead of raising.

        A server may add a value (a new status, say) before this client is regenerated. The value is
        returned as a pseudo-member named ``UNKNOWN`` whose value is the string as received, so it
        compares equal to that string and round-trips through ``to_dict`` unchanged.
        """
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member
