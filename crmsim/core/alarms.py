"""Monitor alarms: a vital beyond its limit for long enough raises an alarm of a priority; it clears when back.

Limits and delays follow AnaSim's monitor (``anasim/monitors/alarms.py``: HR 45–120, MAP 60–110, SpO2 < 90 after
5 s, EtCO2 30–45) with high-priority tiers for life-threatening values; lethal rhythms alarm at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AlarmRule:
    """One alarm: which vital, beyond which limit, after how long, at which priority."""

    id: str
    vital: str
    below: float | None
    above: float | None
    delay: float
    priority: str


#: The monitor's alarm rules, most urgent first within each vital.
RULES: tuple[AlarmRule, ...] = (
    AlarmRule("spo2_critical", "spo2", 85, None, 5, "high"),
    AlarmRule("spo2_low", "spo2", 90, None, 5, "medium"),
    AlarmRule("map_critical", "map", 50, None, 5, "high"),
    AlarmRule("map_low", "map", 60, None, 10, "medium"),
    AlarmRule("map_high", "map", None, 110, 10, "medium"),
    AlarmRule("hr_critical_low", "hr", 40, None, 5, "high"),
    AlarmRule("hr_low", "hr", 45, None, 10, "medium"),
    AlarmRule("hr_critical_high", "hr", None, 150, 5, "high"),
    AlarmRule("hr_high", "hr", None, 120, 10, "medium"),
    AlarmRule("etco2_low", "etco2", 30, None, 10, "medium"),
    AlarmRule("etco2_high", "etco2", None, 45, 10, "medium"),
    AlarmRule("temp_high", "temp", None, 38.5, 10, "medium"),
)

LETHAL_RHYTHMS = frozenset({"vf", "vt", "asystole", "pea"})


class AlarmMonitor:
    """Tracks which alarms are active, from the vitals sampled each second."""

    def __init__(self) -> None:
        self.since: dict[str, float] = {}
        self.active: dict[str, dict[str, Any]] = {}

    def update(self, now: float, vitals: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ``("AlarmRaised" | "AlarmCleared", data)`` for each change."""
        for rule in RULES:
            value = vitals.get(rule.vital)
            beyond = isinstance(value, int | float) and (
                (rule.below is not None and value < rule.below) or (rule.above is not None and value > rule.above)
            )
            yield from self._change(rule.id, beyond, now, rule.delay,
                                    {"alarm": rule.id, "vital": rule.vital, "value": value, "priority": rule.priority})  # fmt: skip
        rhythm = vitals.get("rhythm")
        yield from self._change("rhythm_lethal", rhythm in LETHAL_RHYTHMS, now, 0.0,
                                {"alarm": "rhythm_lethal", "vital": "rhythm", "value": rhythm, "priority": "high"})  # fmt: skip

    def _change(self, alarm: str, beyond: bool, now: float, delay: float,
                data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:  # fmt: skip
        if not beyond:
            self.since.pop(alarm, None)
            if alarm in self.active:
                del self.active[alarm]
                yield "AlarmCleared", {"alarm": alarm}
            return
        start = self.since.setdefault(alarm, now)
        if alarm not in self.active and now - start >= delay - 1e-9:
            self.active[alarm] = data
            yield "AlarmRaised", data
