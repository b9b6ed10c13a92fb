"""The patient model: the hidden state of one patient, advanced in fixed half-second steps, behind the
:class:`~crmsim.core.physiology.interface.Physiology` protocol the session drives.

Each step runs the parts in the order the body couples them, each reading what the others produced a step before
where the coupling closes a loop (a half-second lag, far below any physiological time constant):

    drugs -> insults -> rhythm imposed -> circulation -> blood -> breathing -> gas exchange -> myocardium
          -> metabolism -> rhythm changes -> monitor

The parts and their sources are described in their modules and in ``docs/physiology.md``. The model never raises
for well-typed input, never returns NaN, reads no clock and draws randomness only from the generator it was given
(monitor noise, arrhythmias, shock outcomes), so the same inputs always give the same floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from crmsim.core.physiology.baseline import CVP, derive
from crmsim.core.physiology.blood import Blood
from crmsim.core.physiology.circulation import Circulation
from crmsim.core.physiology.coupling import Coupling
from crmsim.core.physiology.gas import GasExchange, arterial_po2, content, curve_shift, saturation
from crmsim.core.physiology.insults import Insults
from crmsim.core.physiology.interface import VitalSigns
from crmsim.core.physiology.interventions import InForce, params
from crmsim.core.physiology.metabolism import Metabolism
from crmsim.core.physiology.monitor import Monitor
from crmsim.core.physiology.myocardium import Myocardium
from crmsim.core.physiology.pharmacology import DrugState
from crmsim.core.physiology.respiration import Respiration
from crmsim.core.physiology.rhythm import Rhythm
from crmsim.schema.formulary import Drug, Intervention
from crmsim.schema.phases import InsultStart
from crmsim.schema.scenario import Patient

STEP_S = 0.5  # the model's own step, seconds
LONG_STEP_S = 1.0  # used for the bulk of a long jump


def _finite(x: Any, default: float = 0.0) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError, OverflowError):
        return default
    return value if math.isfinite(value) else default


class PatientModel:
    """A patient (see the module docstring). Implements :class:`~crmsim.core.physiology.Physiology`."""

    def __init__(self, patient: Patient, rng: np.random.Generator) -> None:
        self._rng = rng
        self.base = b = derive(patient)
        self.insults = Insults()
        self.drugs: dict[str, DrugState] = {}
        self.force = InForce(b.ventilated, b.fio2)
        self.blood = Blood(b.blood_volume, b.hb, b.obstetric)
        self.gas = GasExchange(b.frc, b.co2_capacity, b.fa, b.cv, b.pa_co2, b.pv_co2)
        self.circulation = Circulation(b)
        self.myocardium = Myocardium(b.dbp - CVP, b.hr * b.sbp)
        self.rhythm = Rhythm(b.rhythm)
        self.breathing = Respiration(b)
        shift = curve_shift(b.temp, 7.40, b.pa_co2)
        p_alv = b.fa * 713.0
        sat_c = saturation(p_alv, shift)
        self.gas.ca = (1.0 - b.shunt) * content(sat_c, p_alv, b.hb) + b.shunt * b.cv
        self.gas.sat = (1.0 - b.shunt) * sat_c + b.shunt * b.cv / (1.34 * b.hb)
        paco2 = self.gas.arterial_co2(b.shunt)
        self.metabolism = Metabolism(b.weight_kg, b.temp, b.vo2, 0.03 * paco2 * 10.0**1.3)
        self.coupling = Coupling(b, self.gas.ca, paco2, arterial_po2(self.gas.ca, b.hb, shift), rng)
        v = patient.baseline.vitals
        shown = {"hr": v.hr, "sbp": v.sbp, "dbp": v.dbp, "spo2": v.spo2, "rr": v.rr, "etco2": v.etco2, "temp": v.temp}
        self.monitor = Monitor(shown, b.rhythm, rng)
        if b.arrested:  # open in arrest: an arrest insult over a sinus heart that a shock or a phase can restore
            self.insults.start(InsultStart(insult="cardiac_arrest", rhythm=b.rhythm), 1.0, 0.0, b.weight_kg)
            self.rhythm.impose(self.insults.rhythm_demand())
            self.monitor.pulseless = True
        self.t = 0.0
        self._pending = 0.0

    # ------------------------------------------------------------------ commands

    def start_insult(self, insult: InsultStart) -> None:
        """Ramp the insult's severity from where it is to ``insult.severity`` over ``insult.ramp`` seconds."""
        severity = min(max(_finite(insult.severity, 1.0), 0.0), 1.0)
        self.insults.start(insult, severity, max(_finite(insult.ramp), 0.0), self.base.weight_kg)
        self.rhythm.impose(self.insults.rhythm_demand())

    def stop_insult(self, kind: str, ramp: float) -> None:
        """Let the insult's severity fall to 0 over ``ramp`` seconds."""
        self.insults.stop(kind, max(_finite(ramp), 0.0))

    def give_drug(self, drug_id: str, drug: Drug, amount: float, route: str) -> None:
        """A dose in the drug's canonical unit; intravenous doses reach the heart with the circulation, other routes
        are absorbed."""
        amount = _finite(amount)
        if amount > 0.0:
            self._drug(drug_id, drug, route, amount, 0.0).give(amount, route)

    def set_infusion(self, drug_id: str, drug: Drug, rate_per_min: float) -> None:
        """Set a drug's infusion rate in canonical units per minute (0 stops it)."""
        rate = max(0.0, min(_finite(rate_per_min), 1e9))
        if rate > 0.0 or drug_id in self.drugs:
            self._drug(drug_id, drug, "infusion", 0.0, rate).infusion = rate

    def _drug(self, drug_id: str, drug: Drug, route: str, amount: float, rate: float) -> DrugState:
        state = self.drugs.get(drug_id)
        if state is None:
            b = self.base
            state = self.drugs[drug_id] = DrugState(drug_id, drug, b.weight_kg, route, amount, rate, b.beta_blocked)
        return state

    def perform(self, intervention_id: str, intervention: Intervention, succeeded: bool) -> None:
        """Apply an intervention that worked; a failed attempt changes nothing. For a shock, ``succeeded`` means it
        was delivered: whether it converts the rhythm the model draws from its own generator (see ``rhythm``)."""
        if not succeeded:
            return
        p = params(intervention_id, intervention)
        kind = p.kind
        if kind == "defibrillation":
            c = self.coupling
            chance = self.rhythm.chance(self.myocardium.debt, c.act.get("antiarrhythmic", 0.0), p.energy_j)
            self.rhythm.shock(chance, self._rng)
        elif kind in ("fluid", "blood"):
            if p.volume > 0.0:
                self.blood.infuse(intervention_id, p.volume, p.run_ml_min, p.product)
        elif kind == "procedure":
            for insult, fraction in p.relieves:
                self.insults.relieve(insult, fraction)
            for insult in p.halts:
                self.insults.halt(insult)
        else:
            self.force.start(intervention_id, p)

    def stop(self, intervention_id: str) -> None:
        """End a continuing intervention; unknown ids are ignored."""
        self.force.stop(intervention_id)
        self.blood.stop(intervention_id)

    def set_trend(self, vital: str, to: float, over: float) -> None:
        """Move ``vital`` to ``to`` over ``over`` seconds by an offset on the displayed physiology."""
        to = _finite(to, math.nan)
        if not math.isnan(to):
            self.monitor.set_trend(vital, to, max(_finite(over), 0.0))

    # ------------------------------------------------------------------ time

    def step(self, dt: float) -> None:
        """Advance ``dt`` seconds (at most an hour per call; nothing for ``dt`` ≤ 0). The model moves in steps of
        half a second (a second within long jumps); the rest waits for the next call."""
        self._pending += min(max(_finite(dt), 0.0), 3600.0)
        while self._pending >= STEP_S - 1e-9:
            h = LONG_STEP_S if self._pending >= 4.0 * LONG_STEP_S else STEP_S
            h = min(h, self._pending)
            self._pending -= h
            self.t += h
            self.coupling.advance(self, h)

    # ------------------------------------------------------------------ readings

    def vitals(self) -> VitalSigns:
        """The monitor now: lagged physiology plus trend offsets and a little noise, clamped to physical limits."""
        return self.monitor.vitals()

    def lab_results(self, reports: Sequence[str]) -> dict[str, float]:
        """Blood results derived from the hidden state (units in ``LAB_UNITS``), rounded to 3 decimals."""
        c, gas, blood, meta = self.coupling, self.gas, self.blood, self.metabolism
        hb = blood.hb()
        coag = blood.labs()
        e = c.effect.get
        values = {
            **coag,
            "ph": c.ph,
            "pao2": arterial_po2(gas.ca, hb, c.shift),
            "paco2": c.paco2,
            "base_excess": meta.base_excess(),
            "lactate": meta.lactate,
            "k": c.potassium,
            "na": 140.0 * (1.0 - 0.03 * max(blood.excess / blood.normal, 0.0)),
            "ica": coag["ica"] * (1.0 + e("calcium", 0.0)),
            "glucose": max(1.0, 5.5 * (1.0 + e("glucose", 0.0) + 0.3 * max(self.circulation.sigma, 0.0))),
            "tryptase": 5.0 + 45.0 * self.insults.peak.get("anaphylaxis", 0.0),
            "ck": meta.ck,
        }
        return {name: round(_finite(values[name]), 3) for name in reports if name in values}

    def snapshot(self) -> dict[str, Any]:
        """The hidden state as JSON-safe data."""
        c = self.circulation
        return {
            "t": self.t,
            "rhythm": self.rhythm.snapshot(),
            "insults": self.insults.snapshot(),
            "drugs": {key: drug.snapshot() for key, drug in self.drugs.items()},
            "effects": dict(self.coupling.effect),
            "circulation": {"hr": c.hr, "co_l_min": c.co, "sv_ml": c.sv, "svr": c.svr, "map": c.map, "cvp": c.cvp,
                            "preload": c.preload, "contractility": c.contractility, "sympathetic": c.sigma},
            "myocardium": self.myocardium.snapshot(),
            "blood": self.blood.snapshot(),
            "gas": self.gas.snapshot(),
            "breathing": self.breathing.snapshot(),
            "metabolism": self.metabolism.snapshot(),
            "interventions": self.force.snapshot(),
            "monitor": self.monitor.snapshot(),
            "derived": self.coupling.snapshot(),
        }  # fmt: skip
