"""The monitor: what the screen shows of the physiology, with the lags, noise and limits of real devices.

Targets come from the model each step; the display follows them with first-order lags (a few seconds for rate and
pressures, 10 s for the end-tidal CO2 plateau, 15 s for the pulse oximeter's averaging and circulation delay), plus
smooth Ornstein-Uhlenbeck noise on heart rate and SpO2 drawn from the model's own generator. A scenario's trends
(``set_trend``) are offsets moved linearly over their time on top of the physiology. Everything is clamped to
``VITAL_LIMITS``; a pulse oximeter finds no pulse in an arrest and reads low, about 45 % (70 % with compressions).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crmsim.core.physiology.interface import VitalSigns
from crmsim.schema.base import VITAL_LIMITS

LIMITS = {name: (float(low), float(high)) for name, (low, high) in VITAL_LIMITS.items()}
#: Display lags, seconds.
LAGS = {"hr": 3.0, "bp": 3.0, "rr": 5.0, "etco2": 10.0, "spo2": 15.0, "noise": 5.0}
NAMES = ("hr", "sbp", "dbp", "spo2", "rr", "etco2", "temp")


class Monitor:
    """The displayed values, trend offsets and noise."""

    def __init__(self, shown: dict[str, float], rhythm: str, rng: np.random.Generator) -> None:
        self.shown = dict(shown)
        self.rhythm = rhythm
        self.st = 0.0
        self.pulseless = rhythm in ("vf", "pea", "asystole")
        self.offset: dict[str, float] = {}
        self.trends: dict[str, list[float]] = {}  # vital -> [goal, speed per s]
        self._rng = rng
        self._z: list[float] = []
        self._zi = 0
        self._noise = [0.0, 0.0]
        self._dt = -1.0
        self._alpha: dict[str, float] = {}

    def update(self, dt: float, target: dict[str, float], rhythm: str, pulseless: bool, st: float) -> None:
        """Move the display ``dt`` seconds toward ``target`` (keys of :data:`NAMES`)."""
        if dt != self._dt:
            self._dt = dt
            self._alpha = {key: 1.0 - math.exp(-dt / tau) for key, tau in LAGS.items()}
        a, shown = self._alpha, self.shown
        for name in NAMES:
            lag = a["bp"] if name in ("sbp", "dbp") else a.get(name)
            goal = target[name]
            shown[name] = goal if lag is None else shown[name] + (goal - shown[name]) * lag
        self.rhythm, self.pulseless, self.st = rhythm, pulseless, st
        if self.trends:
            self._move_trends(dt)
        self._jitter(a["noise"])

    def set_trend(self, vital: str, to: float, over: float) -> None:
        """Move ``vital`` to ``to`` over ``over`` seconds by an offset on the displayed physiology."""
        if vital not in LIMITS or not math.isfinite(to):
            return
        s = self.shown
        current = s["dbp"] + (s["sbp"] - s["dbp"]) / 3.0 if vital == "map" else s[vital]
        goal = max(-400.0, min(400.0, to - current))
        if over > 1e-3:
            self.trends[vital] = [goal, abs(goal - self.offset.get(vital, 0.0)) / over]
        else:
            self.trends.pop(vital, None)
            self.offset[vital] = goal

    def _move_trends(self, dt: float) -> None:
        done = []
        for vital, (goal, speed) in self.trends.items():
            now = self.offset.get(vital, 0.0)
            now = min(goal, now + speed * dt) if now < goal else max(goal, now - speed * dt)
            self.offset[vital] = now
            if now == goal:
                done.append(vital)
        for vital in done:
            del self.trends[vital]

    def _jitter(self, a: float) -> None:
        if self._zi + 2 > len(self._z):
            self._z = self._rng.standard_normal(1024).tolist()
            self._zi = 0
        z, i = self._z, self._zi
        self._zi = i + 2
        spread = math.sqrt(a * (2.0 - a))
        n = self._noise
        n[0] += spread * z[i] - a * n[0]
        n[1] += spread * z[i + 1] - a * n[1]

    def vitals(self) -> VitalSigns:
        """The monitor now, clamped to physical limits."""
        off, s, lim = self.offset.get, self.shown, LIMITS
        rhythm = self.rhythm
        hr = s["hr"] + off("hr", 0.0)
        if hr > 20.0:
            hr += self._noise[0] * (6.0 if rhythm == "af" else 1.0)
        spo2 = s["spo2"] + off("spo2", 0.0)
        if not self.pulseless:
            spo2 += 0.4 * self._noise[1]
        sbp = min(max(s["sbp"] + off("sbp", 0.0) + off("map", 0.0), lim["sbp"][0]), lim["sbp"][1])
        dbp = min(max(s["dbp"] + off("dbp", 0.0) + off("map", 0.0), lim["dbp"][0]), lim["dbp"][1], sbp)
        return VitalSigns(
            hr=min(max(hr, lim["hr"][0]), lim["hr"][1]),
            sbp=sbp,
            dbp=dbp,
            map=min(max(dbp + (sbp - dbp) / 3.0, lim["map"][0]), lim["map"][1]),
            spo2=min(max(spo2, lim["spo2"][0]), lim["spo2"][1]),
            rr=min(max(s["rr"] + off("rr", 0.0), lim["rr"][0]), lim["rr"][1]),
            etco2=min(max(s["etco2"] + off("etco2", 0.0), lim["etco2"][0]), lim["etco2"][1]),
            temp=min(max(s["temp"] + off("temp", 0.0), lim["temp"][0]), lim["temp"][1]),
            rhythm=rhythm,
            st=round(self.st, 2),
        )

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {"shown": dict(self.shown), "offsets": dict(self.offset),
                "moving": {k: list(v) for k, v in self.trends.items()}}  # fmt: skip
