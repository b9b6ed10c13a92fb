"""The non-invasive blood-pressure cuff: readings taken on a cycle or on demand, each ~30 s of sim time to appear.

A real monitor does not show a live arterial pressure from the cuff: it shows the reading of its last measurement
and when that was. :class:`NibpCuff` starts a measurement when its auto-cycle comes round (every ``interval`` sim
seconds, counted from the start of the last measurement) or when one is requested, inflates, deflates, and reports
the pressure it finds at the end. Without a pulse (or with a systolic pressure too low to find) it fails, as a cuff
does. Pure logic in sim time; nothing here draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crmsim.ui.monitor.waves import PULSELESS

#: Sim seconds from the start of a measurement to its reading.
MEASURE_S = 30.0
#: Seconds of the measurement spent inflating (then the cuff deflates in steps).
INFLATE_S = 8.0
#: Below this systolic pressure (mmHg) the cuff finds no oscillations.
LOWEST_SYSTOLIC = 40.0


@dataclass(frozen=True)
class NibpReading:
    """One finished measurement; ``failed`` when the cuff could not find a pressure."""

    sys: float
    dia: float
    map: float
    at: float
    failed: bool = False


class NibpCuff:
    """Takes blood-pressure readings on a cycle and on demand."""

    def __init__(self, interval: float | None = 180.0) -> None:
        self.interval = interval if interval and interval > 0 else None
        self.reading: NibpReading | None = None
        self.started_at: float | None = None
        self.last_start: float | None = None
        self._requested = False
        self._target = 160.0

    def request(self) -> None:
        """Ask for a measurement now (ignored while one is running)."""
        self._requested = True

    @property
    def measuring(self) -> bool:
        """Whether a measurement is under way."""
        return self.started_at is not None

    def next_auto(self) -> float | None:
        """Sim time of the next automatic measurement, or None when cycling is off."""
        if self.interval is None:
            return None
        return 0.0 if self.last_start is None else self.last_start + self.interval

    def reset(self) -> None:
        """Forget every reading (the session restarted)."""
        self.reading, self.started_at, self.last_start, self._requested = None, None, None, False

    def update(self, t: float, vitals: Mapping[str, float | str]) -> None:
        """Start a measurement when one is due or asked for; finish the running one when its time is up."""
        if self.started_at is None:
            due = self.next_auto()
            if self._requested or (due is not None and t >= due - 1e-9):
                self.started_at = self.last_start = t
                last = self.reading.sys if self.reading is not None and not self.reading.failed else None
                self._target = max(140.0, min(280.0, (last or _num(vitals, "sbp") or 120.0) + 30.0))
            self._requested = False
        if self.started_at is not None and t >= self.started_at + MEASURE_S - 1e-9:
            self.reading = _measure(t, vitals)
            self.started_at = None

    def cuff_pressure(self, t: float) -> float | None:
        """The pressure in the cuff during a measurement (mmHg), for the 'measuring' display."""
        if self.started_at is None:
            return None
        elapsed = max(0.0, t - self.started_at)
        if elapsed < INFLATE_S:
            return self._target * elapsed / INFLATE_S
        steps = int((elapsed - INFLATE_S) / 2.0)  # deflation in 2 s steps, as oscillometric cuffs do
        return max(0.0, self._target * (1.0 - steps * 2.0 / (MEASURE_S - INFLATE_S)))


def _num(vitals: Mapping[str, float | str], key: str) -> float | None:
    value = vitals.get(key)
    return float(value) if isinstance(value, int | float) else None


def _measure(t: float, vitals: Mapping[str, float | str]) -> NibpReading:
    sbp, dbp, mean = _num(vitals, "sbp"), _num(vitals, "dbp"), _num(vitals, "map")
    pulseless = vitals.get("rhythm") in PULSELESS
    if pulseless or sbp is None or dbp is None or sbp < LOWEST_SYSTOLIC:
        return NibpReading(0.0, 0.0, 0.0, t, failed=True)
    if mean is None:
        mean = dbp + (sbp - dbp) / 3.0
    return NibpReading(round(sbp), round(dbp), round(mean), t)
