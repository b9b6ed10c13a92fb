"""The result of one metric: its value, a 0-1 quality, the evidence (record seqs) and a one-line reason.

Quality 1 is what an expert team does, 0 is poor; ``None`` means the session gave no opportunity to see it.
The thresholds that turn a value into a quality live beside each metric and are listed in ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Measure:
    """One metric's outcome on one log (for the team, or for one participant)."""

    name: str
    value: float | None
    quality: float | None
    evidence: tuple[int, ...]
    reason: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def observed(self) -> bool:
        return self.quality is not None


def unobserved(name: str, reason: str, evidence: Iterable[int] = ()) -> Measure:
    """A metric the session gave no opportunity to observe."""
    return Measure(name, None, None, tuple(evidence), reason)


def linear(value: float, good: float, poor: float) -> float:
    """1 at or better than ``good``, 0 at or worse than ``poor``, linear between (either direction)."""
    if good == poor:
        return 1.0 if value <= good else 0.0
    fraction = (value - poor) / (good - poor)
    return max(0.0, min(1.0, fraction))


def seconds(value: float) -> str:
    """A duration for a reason: '45 s' or '3 min 5 s'."""
    whole = int(round(value))
    if whole < 120:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")
