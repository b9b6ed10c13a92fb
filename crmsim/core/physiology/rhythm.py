"""The cardiac rhythm: which electrical mechanism drives the heart, whether it makes a pulse, and what the ECG shows.

The mechanism is, in order: the one an arrest or arrhythmia insult imposes; else one the physiology brought on
(ventricular tachycardia or fibrillation from catecholamine excess, ischaemia, potassium, temperature or local
anaesthetic toxicity, drawn as hazards from the model's generator; asystole from fibrillation left too long or
from severe hyperkalaemia); else the patient's own. Pulseless electrical activity is not a mechanism but a state:
an organised rhythm whose output makes no palpable pulse (native systolic below 30 mmHg; a pulse again above 40),
as in exsanguination, anaphylactic collapse or tension pneumothorax; an arrest insult "pea" imposes it outright.

A shock converts VF, VT, SVT and AF with a chance that falls with the heart's oxygen debt (see ``myocardium``):
for VF ``0.9·e^(−0.1·debt)`` (about 10 % a minute without compressions, 4 % with; first-shock success of
biphasic shocks is 85-95 % early on, estimate). A successful shock takes effect two seconds later (the post-shock
pause); an arrest the scenario re-asserts in that time wins. What follows depends on the myocardium: after a long
arrest an organised rhythm may still be pulseless until compressions and adrenaline restore coronary flow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from crmsim.core.physiology.circulation import Heart
from crmsim.core.physiology.insults import RhythmDemand

SHOCK_SUCCESS = {"vf": 0.9, "vt": 0.95, "svt": 0.9, "af": 0.8}  # first-shock conversion (estimates)
SHOCK_DECAY = {"vf": 0.1, "vt": 0.05, "svt": 0.0, "af": 0.0}  # per minute of oxygen debt
PRESET_RATE = {"svt": 190.0, "vt": 180.0, "sinus_tachycardia": 130.0, "sinus_bradycardia": 40.0}
POST_SHOCK_S = 2.0
PULSE_LOST, PULSE_BACK = 30.0, 40.0  # native systolic, mmHg


@dataclass(frozen=True)
class Hazards:
    """Per-minute hazards of the physiology's own rhythm changes."""

    vt: float = 0.0  # perfusing rhythm -> VT
    vf: float = 0.0  # VT -> VF
    vt_ends: float = 0.0  # VT -> the patient's own rhythm
    standstill: float = 0.0  # VF or a perfusing rhythm -> asystole
    restart: float = 0.0  # the physiology's own VF or asystole -> the patient's own rhythm


class Rhythm:
    """The rhythm state machine."""

    def __init__(self, baseline: str) -> None:
        self.own = baseline if baseline in ("svt", "af", "vt") else "sinus"
        self.derived: str | None = None  # "vt", "vf" or "standstill", brought on by the physiology
        self.mechanism = self.own
        self.emd = False  # electrical activity without mechanical output (an arrest insult's PEA)
        self.demand: RhythmDemand | None = None
        self.pending: float | None = None
        self.pending_epoch = -1
        self.pending_derived = False
        self.pulseless = False
        self.label = baseline if baseline in ("sinus", "sinus_tachycardia", "sinus_bradycardia") else self.own
        self.shocks = 0

    def impose(self, demand: RhythmDemand | None) -> None:
        """Take the rhythm an insult demands (or none); a new demand cancels a pending conversion."""
        if demand is not None and self.pending is not None and demand.epoch != self.pending_epoch:
            self.pending = None
        self.demand = demand
        if demand is None:
            self.mechanism, self.emd = self.derived or self.own, False
            return
        r = demand.rhythm
        if r == "asystole":
            self.mechanism, self.emd = "standstill", False
        elif r in ("vf", "vt"):
            self.mechanism, self.emd = r, demand.arrest and r == "vt"
        elif demand.arrest:
            self.mechanism, self.emd = ("sinus" if r in ("pea", "sinus_tachycardia", "sinus_bradycardia") else r), True
        else:
            self.mechanism, self.emd = ("sinus" if r.startswith("sinus") else r), False

    def heart(self, sinus_rate: float) -> Heart:
        """What the mechanism lets the heart do."""
        m = self.mechanism
        if m in ("vf", "standstill"):
            return Heart(pump=0.0, rate=0.0)
        preset = self.demand.rhythm if self.demand is not None else None
        if self.emd:
            return Heart(pump=0.0, rate=PRESET_RATE.get(m, min(max(sinus_rate * 0.7, 30.0), 100.0)))
        if m == "vt":
            return Heart(rate=PRESET_RATE["vt"], sv_factor=0.5)
        if m == "svt":
            return Heart(rate=PRESET_RATE["svt"])
        if m == "af":
            return Heart(rate=min(max(1.35 * sinus_rate, 90.0), 170.0), sv_factor=0.85)
        if preset in ("sinus_tachycardia", "sinus_bradycardia"):
            return Heart(rate=PRESET_RATE[preset])
        if sinus_rate < 15.0:
            return Heart(pump=0.0, rate=0.0)
        return Heart()

    def shock(self, chance: float, rng: np.random.Generator) -> bool:
        """A shock is delivered; True when it will convert the rhythm (after the post-shock pause)."""
        self.shocks += 1
        if self.mechanism not in SHOCK_SUCCESS or (self.emd and self.mechanism != "vt"):
            return False
        if rng.random() >= chance:
            return False
        self.pending = POST_SHOCK_S
        self.pending_epoch = self.demand.epoch if self.demand is not None else -1
        self.pending_derived = self.demand is None
        return True

    def chance(self, debt: float, antiarrhythmic: float, energy_j: float) -> float:
        """The chance a shock converts the rhythm now."""
        m = self.mechanism
        base = SHOCK_SUCCESS.get(m, 0.0) * math.exp(-SHOCK_DECAY.get(m, 0.0) * debt)
        return min(base * (1.0 + 0.3 * max(antiarrhythmic, 0.0)) * min(1.0, (energy_j / 150.0) ** 0.5), 0.98)

    def advance(self, dt_s: float, rng: np.random.Generator, h: Hazards, native_sbp: float, sinus_rate: float,
                clear: Callable[[], None]) -> None:  # fmt: skip
        """Move ``dt_s`` seconds on: a pending conversion, the physiology's own changes, pulse and label."""
        if self.pending is not None:
            self.pending -= dt_s
            if self.pending <= 1e-9:
                self.pending = None
                if not self.pending_derived and self.demand is not None:
                    clear()
                    self.demand = None
                self.derived, self.own = None, "sinus"
                self.mechanism, self.emd = self.own, False
        elif self.demand is None:
            self._evolve(dt_s / 60.0, rng, h)
            self.mechanism = self.derived or self.own
        heart = self.heart(sinus_rate)
        pumping = heart.pump > 0.0
        if not pumping:
            self.pulseless = True
        elif self.pulseless:
            self.pulseless = native_sbp < PULSE_BACK
        else:
            self.pulseless = native_sbp < PULSE_LOST
        self.label = self._label(heart, sinus_rate)

    def _evolve(self, dt: float, rng: np.random.Generator, h: Hazards) -> None:
        d = self.derived
        if d is None:
            rates = (("vt", h.vt), ("standstill", h.standstill))
        elif d == "vt":
            rates = (("vf", h.vf), (None, h.vt_ends))
        else:
            rates = (("standstill", h.standstill if d == "vf" else 0.0), (None, h.restart))
        for outcome, rate in rates:
            if rate > 0.0 and rng.random() < 1.0 - math.exp(-rate * dt):
                self.derived = outcome
                return

    def _label(self, heart: Heart, rate: float) -> str:
        m = self.mechanism
        if m == "vf":
            return "vf"
        if m == "standstill" or (heart.pump == 0.0 and heart.rate == 0.0):
            return "asystole"
        if m == "vt":
            return "vt"
        if self.emd or self.pulseless:
            return "pea"
        if m in ("svt", "af"):
            return m
        rate = heart.rate if heart.rate is not None else rate
        label = self.label
        if label == "sinus_tachycardia":
            return label if rate > 97.0 else "sinus_bradycardia" if rate < 60.0 else "sinus"
        if label == "sinus_bradycardia":
            return label if rate < 63.0 else "sinus_tachycardia" if rate > 100.0 else "sinus"
        return "sinus_tachycardia" if rate > 100.0 else "sinus_bradycardia" if rate < 60.0 else "sinus"

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {"mechanism": self.mechanism, "own": self.own, "derived": self.derived, "emd": self.emd,
                "pulseless": self.pulseless, "label": self.label, "pending_shock_s": self.pending,
                "shocks": self.shocks}  # fmt: skip
