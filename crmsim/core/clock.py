"""Simulated time: a fixed tick and conversions between ticks and seconds. Never the wall clock."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Length of one simulation step in seconds (10 steps per simulated second).
TICK_S = 0.1


@dataclass(frozen=True)
class SimClock:
    """Converts between whole ticks and simulated seconds for one tick length."""

    tick_s: float = TICK_S

    def __post_init__(self) -> None:
        if not 0.001 <= self.tick_s <= 1.0 or round(1.0 / self.tick_s) * self.tick_s != 1.0:
            raise ValueError(f"tick length must divide one second evenly (0.001-1 s), got {self.tick_s}")

    @property
    def per_second(self) -> int:
        """Ticks in one simulated second."""
        return round(1.0 / self.tick_s)

    def seconds(self, tick: int) -> float:
        """Simulated seconds at ``tick``, rounded so that every machine prints the same number."""
        return round(tick * self.tick_s, 6)

    def ticks(self, seconds: float) -> int:
        """The first tick at or after ``seconds``."""
        return max(0, math.ceil(round(seconds / self.tick_s, 6)))
