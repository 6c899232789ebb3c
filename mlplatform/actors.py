from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActorType = Literal["api_key", "user", "system", "anonymous"]


@dataclass(frozen=True)
class Actor:
    """Who performed a control-plane action: a person, the API-key service principal, or us."""

    name: str
    type: ActorType

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(name=name, type="system")
