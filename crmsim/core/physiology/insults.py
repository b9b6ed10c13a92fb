"""Insults in the stand-in model: severities that ramp, relief earned from drugs, and the rhythm they impose.

An insult's severity moves linearly toward its target (0–1) at the speed its ramp sets. Drug effects earn it a
lasting ``relief`` (0–1, see :data:`RELIEF`); what the rest of the model sees is ``severity × (1 − relief)``.
Restarting or stopping an insult folds the relief into the severity, so nothing jumps.
"""

from __future__ import annotations

from typing import Any

from crmsim.schema.phases import InsultStart

PULSELESS = frozenset({"vf", "pea", "asystole"})
#: Rhythms a successful shock converts to sinus (VF and VT defibrillated, SVT and AF cardioverted).
SHOCKABLE = frozenset({"vf", "vt", "svt", "af"})
#: ECG rate shown in a pulseless rhythm (anything not listed: 45).
ARREST_HR: dict[str, float] = {"vf": 0.0, "asystole": 0.0, "vt": 180.0}
#: Arrhythmias with a pulse: (heart rate, blood-pressure factor).
RHYTHM_PRESETS: dict[str, tuple[float, float]] = {
    "svt": (190.0, 0.75),
    "af": (130.0, 0.9),
    "vt": (170.0, 0.65),
    "sinus_tachycardia": (130.0, 0.95),
    "sinus_bradycardia": (40.0, 0.8),
}
#: Insult -> ((drug-effect activation, relief per minute at full activation), ...). ``adrenergic`` is vascular
#: tone and bronchodilation together (adrenaline's signature), so a pure vasopressor props up the pressure
#: without treating anaphylaxis.
RELIEF: dict[str, tuple[tuple[str, float], ...]] = {
    "anaphylaxis": (("mast_cell_stabilisation", 0.06), ("adrenergic", 0.06)),
    "bronchospasm": (("bronchodilation", 0.15),),
    "malignant_hyperthermia": (("muscle_relaxation_mh", 0.3),),
    "last": (("local_anaesthetic_binding", 0.3),),
    "laryngospasm": (("neuromuscular_block", 1.5),),
    "arrhythmia": (("antiarrhythmic", 0.5),),
}


class Insult:
    """One insult's state."""

    __slots__ = ("severity", "target", "speed", "relief", "bleed_ml_min", "rhythm")

    def __init__(self) -> None:
        self.severity = self.target = self.speed = self.relief = self.bleed_ml_min = 0.0
        self.rhythm = "sinus"

    @property
    def effective(self) -> float:
        """Severity less relief."""
        return self.severity * (1.0 - self.relief)

    def retarget(self, target: float, ramp: float) -> None:
        """Head for ``target`` over ``ramp`` seconds (at once for a ramp under a millisecond), keeping today's
        effect."""
        self.severity *= 1.0 - self.relief
        self.relief = 0.0
        self.target = target
        if ramp > 1e-3:
            self.speed = abs(target - self.severity) / ramp
        else:
            self.severity, self.speed = target, 0.0


class Insults:
    """Every insult in force, the arrests the physiology brings on itself, and peaks for the lab."""

    def __init__(self) -> None:
        self.active: dict[str, Insult] = {}
        self.peak: dict[str, float] = {}
        self.derived: str | None = None
        self.hypoxic_s = 0.0  # seconds of profound hypoxaemia, decaying when oxygenated

    def start(self, insult: InsultStart, severity: float, ramp: float, weight_kg: float) -> None:
        """Start or re-target ``insult`` (numbers already made finite by the caller)."""
        state = self.active.get(insult.insult)
        if state is None:
            state = self.active[insult.insult] = Insult()
        state.retarget(severity, ramp)
        rate = insult.rate
        if rate is not None and rate.dimension == "volume":
            ml_min = rate.for_weight(weight_kg).per_minute()
            state.bleed_ml_min = ml_min if 0.0 <= ml_min < 1e5 else (1e5 if ml_min >= 1e5 else 0.0)
        if insult.rhythm is not None:
            state.rhythm = insult.rhythm

    def stop(self, kind: str, ramp: float) -> None:
        """Let ``kind`` fall to 0 over ``ramp`` seconds."""
        state = self.active.get(kind)
        if state is not None:
            state.retarget(0.0, ramp)

    def advance(self, dt: float, activation: dict[str, float], severity: dict[str, float]) -> None:
        """Ramp, earn relief, and put each effective severity above zero into ``severity``."""
        ended = []
        peak = self.peak
        for kind, ins in self.active.items():
            s, target = ins.severity, ins.target
            if s != target:
                s = min(target, s + ins.speed * dt) if s < target else max(target, s - ins.speed * dt)
                ins.severity = s
            relief = RELIEF.get(kind)
            if relief and s > 0.0 and not (kind == "arrhythmia" and ins.rhythm in PULSELESS):
                gain = 0.0
                for name, per_min in relief:
                    a = activation.get(name, 0.0)
                    if a > 0.0:
                        gain += per_min * min(a, 1.0)
                if gain:
                    ins.relief = min(1.0, ins.relief + gain * dt / 60.0)
            e = s * (1.0 - ins.relief)
            if e > 1e-9:
                severity[kind] = e
                if e > peak.get(kind, 0.0):
                    peak[kind] = e
            elif target <= 0.0:
                ended.append(kind)
        for kind in ended:
            del self.active[kind]

    def update_derived(self, dt: float, last: float, loss: float, sat: float) -> None:
        """Asystole from severe LAST; PEA from exsanguination or 90 s of profound hypoxaemia; with hysteresis."""
        self.hypoxic_s = self.hypoxic_s + dt if sat < 0.3 else max(0.0, self.hypoxic_s - 2.0 * dt)
        was = self.derived
        if last >= 0.9 or (was == "asystole" and last >= 0.8):
            self.derived = "asystole"
        elif loss >= 0.6 or self.hypoxic_s >= 90.0 or (was == "pea" and (loss >= 0.5 or sat < 0.6)):
            self.derived = "pea"
        else:
            self.derived = None

    def rhythm(self, intrinsic: str) -> tuple[str, bool, tuple[float, float] | None]:
        """The rhythm on the ECG, whether there is no pulse, and the preset of an arrhythmia with a pulse."""
        arrest = self.active.get("cardiac_arrest")
        if arrest is not None and arrest.effective >= 0.5:
            return arrest.rhythm, True, None
        if self.derived is not None:
            return self.derived, True, None
        arrhythmia = self.active.get("arrhythmia")
        if arrhythmia is not None and arrhythmia.effective >= 0.5:
            rhythm = arrhythmia.rhythm
            return rhythm, rhythm in PULSELESS, RHYTHM_PRESETS.get(rhythm)
        return intrinsic, intrinsic in PULSELESS, None

    def defibrillate(self) -> None:
        """A successful shock ends an arrest or arrhythmia in a shockable rhythm."""
        for kind in ("cardiac_arrest", "arrhythmia"):
            ins = self.active.get(kind)
            if ins is not None and ins.rhythm in SHOCKABLE and ins.effective >= 0.5:
                del self.active[kind]

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "active": {
                kind: {"severity": i.severity, "target": i.target, "relief": i.relief,
                       "bleed_ml_min": i.bleed_ml_min, "rhythm": i.rhythm}
                for kind, i in self.active.items()
            },
            "derived_arrest": self.derived,
            "hypoxic_s": self.hypoxic_s,
            "peak": dict(self.peak),
        }
