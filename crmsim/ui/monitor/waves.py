"""Waveforms synthesised from beat and breath phase and the current vitals: the ECG per rhythm, pleth, capnogram.

The core gives vitals once a second and no samples, so the monitor makes its own traces. A :class:`PhaseTrain`
schedules beats (or breaths) in sim time at the current rate; each sample is the template of the beat it falls in
plus the tail of the one before, so rate changes never tear the trace. All randomness (AF's irregular intervals,
VF's chaotic mixture, baseline noise) comes from the ``numpy.random.Generator`` handed in: the same seed and the
same sequence of calls give the same traces. Pure numpy; nothing here knows about pygame or the wall clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: Rhythms without a pulse: the pleth is flat and the SpO2 unreadable.
PULSELESS = frozenset({"vf", "pea", "asystole"})
#: Rhythms without organised complexes: no beats are scheduled.
NO_BEATS = frozenset({"vf", "asystole"})
#: Seconds from a beat's onset (start of the P wave) to the foot of its pulse at the finger.
PLETH_DELAY = 0.36
#: Below this rate (per minute) nothing is scheduled: asystole, apnoea.
MIN_RATE = 4.0
#: Chest compressions per minute: the guideline's 100–120 (RCUK ALS 2021), drawn at its middle.
COMPRESSION_RATE = 110.0
#: Pulse amplitude at the finger that compressions make when the heart gives none (good CPR gives a small pleth).
COMPRESSION_PERFUSION = 0.35


@dataclass(frozen=True)
class WaveInputs:
    """The vitals a trace is made from, with safe defaults for anything missing or not a number."""

    hr: float = 0.0
    map: float = 0.0
    spo2: float = 0.0
    rr: float = 0.0
    etco2: float = 0.0
    rhythm: str = "sinus"
    compressions: bool = False

    @classmethod
    def from_vitals(cls, vitals: Mapping[str, float | str], *, compressions: bool = False) -> WaveInputs:
        """Read a view's vitals mapping (and whether chest compressions are going on)."""

        def num(key: str) -> float:
            value = vitals.get(key)
            return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0

        rhythm = vitals.get("rhythm")
        return cls(num("hr"), num("map"), num("spo2"), num("rr"), num("etco2"),
                   rhythm if isinstance(rhythm, str) else "sinus", compressions)  # fmt: skip

    @property
    def perfusion(self) -> float:
        """Pulse amplitude at the finger, 0 (no pulse) to 1: falls with the mean arterial pressure."""
        if self.rhythm in PULSELESS or self.hr < MIN_RATE:
            return 0.0
        return min(1.0, max(0.0, (self.map - 20.0) / 40.0))


class PhaseTrain:
    """Onsets of beats (or breaths) in sim time, scheduled one interval ahead at the current rate."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self.onsets: list[float] = []
        self.intervals: list[float] = []
        self.gains: list[float] = []
        self.next_onset = 0.0

    def reset(self, t: float, per_minute: float) -> None:
        """Forget every onset; the next one falls at a random phase of one interval before ``t``."""
        self.onsets.clear()
        self.intervals.clear()
        self.gains.clear()
        period = 60.0 / per_minute if per_minute >= MIN_RATE else 1.0
        self.next_onset = t - float(self._rng.uniform(0.0, period))

    def extend(self, until: float, per_minute: float, *, irregular: float = 0.0, active: bool = True) -> None:
        """Schedule onsets up to ``until``; ``irregular`` spreads each interval by ±that fraction (AF)."""
        if not active or per_minute < MIN_RATE:
            self.next_onset = max(self.next_onset, until)
            return
        mean = 60.0 / per_minute
        while self.next_onset <= until:
            interval = mean * (1.0 + float(self._rng.uniform(-irregular, irregular))) if irregular else mean
            self.onsets.append(self.next_onset)
            self.intervals.append(interval)
            self.gains.append(min(1.2, max(0.5, interval / mean)) ** 0.7 if irregular else 1.0)
            self.next_onset += interval
        if len(self.onsets) > 256:
            del self.onsets[:-64], self.intervals[:-64], self.gains[:-64]

    def lookup(self, ts: np.ndarray, back: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each time: seconds since the onset ``back`` beats before the current one, its interval and gain.

        Times before any onset get an infinite phase, which every template maps to its baseline.
        """
        if not self.onsets:
            return np.full(ts.shape, np.inf), np.ones(ts.shape), np.ones(ts.shape)
        onsets = np.asarray(self.onsets)
        idx = np.searchsorted(onsets, ts, side="right") - 1 - back
        ok = idx >= 0
        safe = np.where(ok, idx, 0)
        tau = np.where(ok, ts - onsets[safe], np.inf)
        return tau, np.where(ok, np.asarray(self.intervals)[safe], 1.0), np.where(ok, np.asarray(self.gains)[safe], 1.0)

    def count_between(self, t0: float, t1: float, offset: float = 0.0) -> int:
        """How many onsets (shifted by ``offset``) fall in ``(t0, t1]``."""
        onsets = np.asarray(self.onsets) + offset
        return int(np.count_nonzero((onsets > t0) & (onsets <= t1)))


def _g(x: np.ndarray, mu: float | np.ndarray, sd: float | np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * ((x - mu) / sd) ** 2)


def ecg_complex(tau: np.ndarray, interval: np.ndarray, rhythm: str) -> np.ndarray:
    """One beat's ECG (mV, lead II-like) at ``tau`` seconds after its onset."""
    s = np.clip(np.sqrt(interval), 0.55, 1.1)
    if rhythm == "vt":  # wide, bizarre complexes with a discordant T wave
        return 1.25 * _g(tau, 0.07, 0.04) - 0.6 * _g(tau, 0.07 + 0.16 * s, 0.055 * s)
    narrow_start = rhythm in ("svt", "af")
    r = 0.045 if narrow_start else 0.19 * s
    p = 0.0 if narrow_start else 0.13 * _g(tau, r - 0.12 * s, 0.022)
    width = 1.8 if rhythm == "pea" else 1.0
    qrs = (-0.1 * _g(tau, r - 0.02 * width, 0.008 * width) + 1.1 * _g(tau, r, 0.01 * width)
           - 0.28 * _g(tau, r + 0.022 * width, 0.01 * width))  # fmt: skip
    return p + qrs + 0.27 * _g(tau, r + 0.26 * s, 0.05 * s)


def compression_artefact(tau: np.ndarray) -> np.ndarray:
    """One compression's deflection on the ECG (mV) ``tau`` seconds after it starts: broad, large, rounded.

    Compressions swamp the ECG with a slow wave at their own rate, which is why the rhythm is checked only in
    the pause between cycles (RCUK ALS 2021).
    """
    return 0.9 * _g(tau, 0.14, 0.07) - 0.25 * _g(tau, 0.34, 0.09)


def pleth_pulse(tau: np.ndarray, interval: np.ndarray) -> np.ndarray:
    """One pulse at the finger (peak about 1) ``tau`` seconds after its foot: sharp upstroke, dicrotic notch."""
    s = np.clip(np.sqrt(interval), 0.6, 1.0)
    peak = 0.13 * s
    rise = _g(tau, peak, 0.05 * s)
    fall = 0.82 * _g(tau, peak, 0.2 * s) + 0.18 * np.exp(-np.maximum(tau - peak, 0.0) / (0.08 * s))
    return np.where(tau < peak, rise, fall) + 0.16 * _g(tau, 0.4 * s, 0.05 * s)


def capnogram(tau: np.ndarray, interval: np.ndarray, etco2: float) -> np.ndarray:
    """CO2 (mmHg) ``tau`` seconds into a breath that starts with expiration: upstroke, plateau, inspiration."""
    expiration = 0.62 * np.minimum(interval, 6.0)
    x = np.clip(tau / 0.18, 0.0, 1.0)
    upstroke = x * x * (3.0 - 2.0 * x)
    plateau = 0.9 + 0.1 * np.clip(tau / expiration, 0.0, 1.0)
    inspiration = np.exp(-np.maximum(tau - expiration, 0.0) / 0.05)
    return etco2 * upstroke * plateau * inspiration


class WaveSynth:
    """Makes ECG, pleth and capnogram samples at any sim times, from one seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self.beats = PhaseTrain(rng)
        self.breaths = PhaseTrain(rng)
        self._noise = (rng.uniform(17.0, 47.0, 5), rng.uniform(0.0, 2 * np.pi, 5))
        self._fib = (rng.uniform(3.6, 7.2, 5), rng.uniform(0.0, 2 * np.pi, 5), rng.uniform(0.5, 1.0, 5))
        self._flutter = (rng.uniform(5.0, 8.0, 3), rng.uniform(0.0, 2 * np.pi, 3))
        self._vf_since: float | None = None
        self._cpr_since: float | None = None

    def reset(self, t: float, inputs: WaveInputs) -> None:
        """Start afresh at ``t`` (first view, or the session jumped)."""
        self.beats.reset(t, inputs.hr)
        self.breaths.reset(t, inputs.rr)
        self._vf_since = None
        self._cpr_since = t if inputs.compressions else None

    def advance(self, until: float, inputs: WaveInputs) -> None:
        """Schedule beats and breaths up to ``until`` at the current rates."""
        self.beats.extend(until, inputs.hr, irregular=0.4 if inputs.rhythm == "af" else 0.0,
                          active=inputs.rhythm not in NO_BEATS)  # fmt: skip
        self.breaths.extend(until, inputs.rr, active=inputs.etco2 >= 1.0)
        if inputs.rhythm != "vf":
            self._vf_since = None
        elif self._vf_since is None:
            self._vf_since = until
        if not inputs.compressions:
            self._cpr_since = None
        elif self._cpr_since is None:
            self._cpr_since = until

    def _compression_phase(self, ts: np.ndarray) -> np.ndarray:
        """Seconds since the latest compression began, at each time (infinite before the first)."""
        start = self._cpr_since if self._cpr_since is not None else math.inf
        period = 60.0 / COMPRESSION_RATE
        since = ts - start
        return np.where(since >= 0.0, np.mod(since, period), np.inf)

    @staticmethod
    def _wobble(ts: np.ndarray, freqs: np.ndarray, phases: np.ndarray, amps: np.ndarray | None = None) -> np.ndarray:
        """A sum of sinusoids: deterministic in t, so noise and fibrillation do not depend on frame timing."""
        waves = np.sin(2 * np.pi * freqs[:, None] * ts[None, :] + phases[:, None])
        return (waves if amps is None else amps[:, None] * waves).sum(axis=0)

    def ecg(self, ts: np.ndarray, inputs: WaveInputs) -> np.ndarray:
        """ECG samples (mV) at sim times ``ts``: the rhythm, with compression artefact while compressions go on."""
        rhythm = self._rhythm_ecg(ts, inputs)
        if not inputs.compressions:
            return rhythm
        return rhythm + compression_artefact(self._compression_phase(ts))

    def _rhythm_ecg(self, ts: np.ndarray, inputs: WaveInputs) -> np.ndarray:
        noise = 0.006 * self._wobble(ts, *self._noise) + 0.03 * np.sin(2 * np.pi * 0.21 * ts)
        rhythm = inputs.rhythm
        if rhythm == "vf":
            since = 0.0 if self._vf_since is None else max(0.0, float(ts[0]) - self._vf_since)
            coarse = 0.16 + 0.34 * math.exp(-since / 240.0)  # coarse VF fades to fine over minutes
            swell = 0.7 + 0.3 * np.sin(2 * np.pi * 0.31 * ts + self._fib[1][0])
            return noise + coarse * swell * self._wobble(ts, *self._fib)
        if rhythm == "asystole":
            return noise
        tau, interval, _ = self.beats.lookup(ts)
        tau_prev, interval_prev, _ = self.beats.lookup(ts, back=1)
        wave = ecg_complex(tau, interval, rhythm) + ecg_complex(tau_prev, interval_prev, rhythm)
        if rhythm == "af":
            wave = wave + 0.018 * self._wobble(ts, *self._flutter)
        return noise + wave

    def pleth(self, ts: np.ndarray, inputs: WaveInputs) -> np.ndarray:
        """Pleth samples (0 = baseline, about 1 = a full pulse) at sim times ``ts``.

        Without a pulse of its own, compressions make small pulses at their own rate.
        """
        perfusion = inputs.perfusion
        if perfusion <= 0.0 and inputs.compressions:
            tau = self._compression_phase(ts - PLETH_DELAY)
            return COMPRESSION_PERFUSION * np.clip(pleth_pulse(tau, np.full(ts.shape, 60.0 / COMPRESSION_RATE)), 0.0, 1.3)
        if perfusion <= 0.0:
            return np.zeros(ts.shape)
        shifted = ts - PLETH_DELAY
        tau, interval, gain = self.beats.lookup(shifted)
        tau_prev, interval_prev, gain_prev = self.beats.lookup(shifted, back=1)
        wave = gain * pleth_pulse(tau, interval) + gain_prev * pleth_pulse(tau_prev, interval_prev)
        return perfusion * np.clip(wave, 0.0, 1.3)

    def co2(self, ts: np.ndarray, inputs: WaveInputs) -> np.ndarray:
        """CO2 samples (mmHg) at sim times ``ts``; flat when nothing is exhaled."""
        if inputs.etco2 < 1.0:
            return np.zeros(ts.shape)
        tau, interval, _ = self.breaths.lookup(ts)
        return capnogram(tau, interval, inputs.etco2)

    def pulses_between(self, t0: float, t1: float, inputs: WaveInputs) -> int:
        """Pulses (pleth upstrokes) in ``(t0, t1]``: what the pulse-oximeter beep follows."""
        if inputs.perfusion <= 0.0:
            return 0  # compression pulses are not beeped: the oximeter reads no pulse rate of the patient's own
        return self.beats.count_between(t0, t1, PLETH_DELAY + 0.1)
