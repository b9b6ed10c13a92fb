"""Insults: severities that ramp, relief earned from treatment, and the rhythm an arrest or arrhythmia demands.

An insult's severity moves linearly toward its target (0-1) at the speed its ramp sets (the shape AnaSim and Pulse
use for crises). Treatment earns it a lasting ``relief`` (0-1): drugs by their effect-site activation (see
:data:`RELIEF`), procedures at once (an intervention's ``relieves``). What the rest of the model sees is the
*effective* severity ``severity × (1 − relief)``. Restarting or stopping an insult folds the relief into the
severity, so nothing jumps. An intervention that ``halts`` an insult caps its target where it stands: removing the
trigger stops a reaction from growing, but does not undo it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmsim.schema.phases import InsultStart

#: Insult -> ((drug-effect activation, relief per minute at full activation), ...). Estimates: relief over
#: minutes once the specific treatment reaches its effect site.
RELIEF: dict[str, tuple[tuple[str, float], ...]] = {
    "anaphylaxis": (("mast_cell_stabilisation", 0.1),),
    "bronchospasm": (("bronchodilation", 0.15),),
    "malignant_hyperthermia": (("muscle_relaxation_mh", 0.25),),
    "last": (("local_anaesthetic_binding", 0.25),),
    "arrhythmia": (("antiarrhythmic", 0.5),),
}
#: Rhythms that can only be arrests; under ``arrhythmia`` they arrest too.
PULSELESS_RHYTHMS = frozenset({"vf", "pea", "asystole"})
RHYTHM_KINDS = ("cardiac_arrest", "arrhythmia")


class Insult:
    """One insult's state."""

    __slots__ = ("severity", "target", "speed", "relief", "bleed_ml_min", "rhythm", "epoch")

    def __init__(self) -> None:
        self.severity = self.target = self.speed = self.relief = self.bleed_ml_min = 0.0
        self.rhythm = "sinus"
        self.epoch = 0  # counts (re)starts, so the rhythm can tell a re-asserted arrest from an old one

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


@dataclass(frozen=True)
class RhythmDemand:
    """The rhythm an arrest or arrhythmia insult imposes: which, whether it is an arrest, and its start count."""

    rhythm: str
    arrest: bool
    epoch: int


class Insults:
    """Every insult in force, and the peak each reached (for the laboratory)."""

    def __init__(self) -> None:
        self.active: dict[str, Insult] = {}
        self.peak: dict[str, float] = {}
        self._epoch = 0

    def start(self, insult: InsultStart, severity: float, ramp: float, weight_kg: float) -> None:
        """Start or re-target ``insult`` (numbers already made finite by the caller)."""
        state = self.active.get(insult.insult)
        if state is None:
            state = self.active[insult.insult] = Insult()
        state.retarget(severity, ramp)
        rate = insult.rate
        if rate is not None and rate.dimension == "volume":
            ml_min = rate.for_weight(weight_kg).per_minute()
            state.bleed_ml_min = min(max(ml_min, 0.0), 1e5) if ml_min == ml_min else 0.0
        if insult.rhythm is not None:
            state.rhythm = insult.rhythm
        self._epoch += 1
        state.epoch = self._epoch

    def stop(self, kind: str, ramp: float) -> None:
        """Let ``kind`` fall to 0 over ``ramp`` seconds."""
        state = self.active.get(kind)
        if state is not None:
            state.retarget(0.0, ramp)

    def relieve(self, kind: str, fraction: float) -> None:
        """Remove ``fraction`` of what is left of ``kind`` (a procedure that treats it)."""
        state = self.active.get(kind)
        if state is not None:
            state.relief = 1.0 - (1.0 - state.relief) * (1.0 - min(max(fraction, 0.0), 1.0))

    def halt(self, kind: str) -> None:
        """``kind`` grows no further than it is now."""
        state = self.active.get(kind)
        if state is not None and state.target > state.severity:
            state.target = state.severity

    def clear(self, kind: str) -> None:
        """End ``kind`` at once (a shock that converted the rhythm it imposed)."""
        self.active.pop(kind, None)

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
            if relief and s > 0.0 and not (kind == "arrhythmia" and ins.rhythm in PULSELESS_RHYTHMS):
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

    def rhythm_demand(self) -> RhythmDemand | None:
        """The rhythm imposed now: an arrest in force (effective severity 0.5 or more) wins over an arrhythmia."""
        for kind in RHYTHM_KINDS:
            state = self.active.get(kind)
            if state is not None and state.effective >= 0.5:
                arrest = kind == "cardiac_arrest" or state.rhythm in PULSELESS_RHYTHMS
                return RhythmDemand(state.rhythm, arrest, state.epoch)
        return None

    def kind_of_demand(self) -> str | None:
        """Which insult imposes the rhythm now (for a shock to clear)."""
        for kind in RHYTHM_KINDS:
            state = self.active.get(kind)
            if state is not None and state.effective >= 0.5:
                return kind
        return None

    def bleed_ml_min(self) -> float:
        """The haemorrhage insult's rate at full severity, ml/min."""
        state = self.active.get("haemorrhage")
        return state.bleed_ml_min if state is not None else 0.0

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "active": {
                kind: {"severity": i.severity, "target": i.target, "relief": i.relief,
                       "bleed_ml_min": i.bleed_ml_min, "rhythm": i.rhythm}
                for kind, i in self.active.items()
            },
            "peak": dict(self.peak),
        }  # fmt: skip
