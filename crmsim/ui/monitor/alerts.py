"""Alarm wording and the monitor's audio controls: messages with their priority marker, audio paused, audio off.

Markers follow IEC 60601-1-8's visual indicators (``!!!`` high, ``!!`` medium), so a priority reads without colour.
:class:`AudioControls` is the state machine of a real monitor's two audio keys: *audio paused* silences alarm sounds
for a while (two minutes by default) and ends early when a new alarm condition arises; *audio off* silences
everything, pulse tone included, until switched back on and is always shown on screen. Neither hides an alarm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from crmsim.core.alarms import RULES
from crmsim.core.view import AlarmView

MARKERS = {"high": "!!!", "medium": "!!"}
LABELS = {"hr": "HR", "spo2": "SpO2", "map": "MAP", "sbp": "SYS", "dbp": "DIA", "etco2": "etCO2",
          "rr": "RR", "temp": "Temp"}  # fmt: skip
RHYTHM_ALARMS = {"vf": "VFIB", "vt": "VTACH", "asystole": "ASYSTOLE", "pea": "NO PULSE"}
#: Which numeric box shows an alarm on a vital.
BOX_OF_VITAL = {"hr": "hr", "rhythm": "hr", "spo2": "spo2", "map": "nibp", "sbp": "nibp", "dbp": "nibp",
                "etco2": "etco2", "rr": "rr", "temp": "temp"}  # fmt: skip
_LIMITS = {rule.id: rule for rule in RULES}
_RANK = {"high": 0, "medium": 1}


def alarm_text(alarm: AlarmView, vitals: Mapping[str, float | str] | None = None) -> str:
    """What the banner says about ``alarm``, without its marker: ``SpO2 82 < 85``, ``VFIB``.

    The number is the vital's value now (from ``vitals`` when given), as a monitor shows it, not the value at the
    moment the alarm was raised.
    """
    if alarm.vital == "rhythm":
        return RHYTHM_ALARMS.get(str(alarm.value), str(alarm.value).upper())
    label = LABELS.get(alarm.vital, alarm.vital)
    now = (vitals or {}).get(alarm.vital)
    value = now if isinstance(now, int | float) else alarm.value
    shown = (f"{value:.1f}" if alarm.vital == "temp" else f"{value:.0f}") if isinstance(value, int | float) else "?"
    rule = _LIMITS.get(alarm.id)
    if rule is not None and rule.below is not None:
        return f"{label} {shown} < {rule.below:g}"
    if rule is not None and rule.above is not None:
        return f"{label} {shown} > {rule.above:g}"
    return f"{label} {shown}"


def alarm_line(alarm: AlarmView, vitals: Mapping[str, float | str] | None = None) -> str:
    """The banner line: marker then text, e.g. ``!!! SpO2 82 < 85``."""
    return f"{MARKERS.get(alarm.priority, '!')} {alarm_text(alarm, vitals)}"


def by_priority(alarms: Iterable[AlarmView]) -> list[AlarmView]:
    """Alarms, high priority first and a lethal rhythm first among them, otherwise in the order given."""
    return sorted(alarms, key=lambda a: (_RANK.get(a.priority, 2), a.vital != "rhythm"))


def banner_alarms(alarms: Iterable[AlarmView]) -> list[AlarmView]:
    """The alarms the banner lists: the most urgent one per vital (a MAP of 45 is critical, not also low)."""
    seen: set[str] = set()
    shown = []
    for alarm in by_priority(alarms):
        if alarm.vital not in seen:
            seen.add(alarm.vital)
            shown.append(alarm)
    return shown


def box_priorities(alarms: Iterable[AlarmView]) -> dict[str, str]:
    """The most urgent priority per numeric box (``hr``, ``spo2``, ``nibp``, ``etco2``, ``rr``, ``temp``)."""
    found: dict[str, str] = {}
    for alarm in by_priority(alarms):
        box = BOX_OF_VITAL.get(alarm.vital)
        if box is not None:
            found.setdefault(box, alarm.priority)
    return found


def limits_text(vital: str) -> str:
    """The medium-priority alarm limits of a vital, shown beside its number: ``45-120``, ``lo 90``, ``hi 38.5``."""
    low = high = None
    for rule in RULES:
        if rule.vital == vital and rule.priority == "medium":
            low = rule.below if rule.below is not None else low
            high = rule.above if rule.above is not None else high
    if low is None and high is None:
        return ""
    if low is None:
        return f"hi {high:g}"
    if high is None:
        return f"lo {low:g}"
    return f"{low:g}-{high:g}"


class AudioControls:
    """Audio paused (for a while) and audio off (until switched on), in sim time."""

    def __init__(self) -> None:
        self.silenced_until: float | None = None
        self.muted = False
        self._known: frozenset[str] = frozenset()

    def silence(self, now: float, seconds: float, active: Sequence[str]) -> None:
        """Pause alarm sounds for ``seconds`` from ``now``; the alarms active now are acknowledged."""
        self.silenced_until = now + max(0.0, seconds)
        self._known = frozenset(active)

    def unsilence(self) -> None:
        """End audio paused early."""
        self.silenced_until = None

    def toggle_mute(self) -> bool:
        """Switch audio off or back on; returns whether it is now off."""
        self.muted = not self.muted
        return self.muted

    def update(self, now: float, active: Sequence[str]) -> None:
        """End audio paused when its time is up or when a new alarm condition arises."""
        if self.silenced_until is None:
            return
        if now >= self.silenced_until - 1e-9 or not set(active) <= self._known:
            self.silenced_until = None

    def paused(self, now: float) -> bool:
        """Whether alarm sounds are paused at ``now``."""
        return self.silenced_until is not None and now < self.silenced_until

    def remaining(self, now: float) -> float:
        """Seconds of audio paused left (0 when not paused)."""
        return max(0.0, self.silenced_until - now) if self.silenced_until is not None else 0.0
