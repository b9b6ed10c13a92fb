"""A STAND-IN patient model: simple, plausible and cheap, good enough to build and test the engine on.

A later issue replaces it with a full model behind the same :class:`~crmsim.core.physiology.Physiology`
interface. Nothing here is a validated physiological model: it is a handful of lumped indices tuned so that each
insult and each treatment moves the monitor the right way, by about the right amount, in about the right time.

Hidden state: insults (:mod:`.insults`), drugs (:mod:`.pharmacology`), blood (:mod:`.blood`), gas exchange
(:mod:`.gas`), and the interventions in force until stopped (oxygen, ventilation, a secured airway,
compressions, cooling, warming, positioning, haemostatic procedures).

Each step turns them into targets — heart rate and pressures as fractions of baseline moved by drug effects and
insults, times a blood-volume factor; a rhythm that may override them; SpO2 from saturation; EtCO2 from CO2
times cardiac output times whether gas moves — and moves the displayed vitals toward the targets with
first-order lags (10–12 s; SpO2 30 s; temperature is a slow hidden state). Trends add offsets on top.

Simplifications: no baroreflex loop (each insult carries its heart-rate response); drugs do not interact;
a secured airway bypasses any obstruction; compressions give a fixed pressure scaled by vascular tone and
volume; the ECG rate in VF and asystole is 0; a rhythm label is never rewritten from the rate; capnography
shows a trace only while gas moves; procedures other than haemostatic ones and positioning change nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from crmsim.core.physiology.blood import Blood, volume_factors
from crmsim.core.physiology.gas import Gas
from crmsim.core.physiology.insults import ARREST_HR, PULSELESS, SHOCKABLE, Insults
from crmsim.core.physiology.interface import VitalSigns
from crmsim.core.physiology.pharmacology import DrugState
from crmsim.schema.base import VITAL_LIMITS
from crmsim.schema.formulary import Drug, Intervention
from crmsim.schema.phases import InsultStart
from crmsim.schema.scenario import Patient

#: Keywords in a procedure's id that halve bleeding while it lasts.
HAEMOSTATIC = ("compression", "massage", "tourniquet", "packing", "tamponade", "clamp")
#: Time constants (s) of: heart rate, pressures, respiratory rate, EtCO2, SpO2, slow states, monitor noise.
LAGS = (10.0, 12.0, 10.0, 10.0, 30.0, 600.0, 5.0)

_LIMITS = {name: (float(low), float(high)) for name, (low, high) in VITAL_LIMITS.items()}


def _clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def _finite(x: Any, default: float = 0.0) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError, OverflowError):
        return default
    return value if math.isfinite(value) else default


class StandInPhysiology:
    """The stand-in patient (see the module docstring). Implements :class:`Physiology`."""

    def __init__(self, patient: Patient, rng: np.random.Generator) -> None:
        v = patient.baseline.vitals
        self._rng = rng
        self._weight = patient.weight_kg
        self._rhythm = patient.baseline.rhythm  # the intrinsic rhythm
        arrested = self._rhythm in PULSELESS
        # reference values the physiology returns to (sane even when the scenario opens in arrest)
        self._b_hr = v.hr if not arrested or v.hr >= 40 else 90.0
        self._b_sbp = v.sbp if not arrested or v.sbp >= 70 else 110.0
        self._b_dbp = min(v.dbp if not arrested or v.dbp >= 40 else 65.0, self._b_sbp - 5.0)
        self._b_map = max(self._b_dbp + (self._b_sbp - self._b_dbp) / 3.0, 20.0)
        self._b_rr = v.rr if not arrested or v.rr >= 6 else 14.0
        self._b_temp = v.temp
        b_et = max(v.etco2 if not arrested or v.etco2 >= 20 else 38.0, 5.0)
        # displayed values start at the baseline as written
        self._hr, self._sbp, self._dbp, self._spo2 = v.hr, v.sbp, v.dbp, v.spo2
        self._rr, self._etco2, self._temp = v.rr, v.etco2, v.temp
        self._gas = Gas(v.spo2 if not arrested else max(v.spo2, 97.0), v.spo2, b_et)
        # hypoxia responses start below the patient's own normal, so a hypoxic baseline holds steady
        sat0 = self._gas.sat if not arrested else 0.97
        self._hypoxia_at = (min(0.92, sat0), min(0.75, sat0 - 0.1), min(0.85, sat0))
        self._blood = Blood(patient.weight_kg, patient.sex == "female")
        self._lactate = 1.0
        self._insults = Insults()
        if arrested:  # open in arrest: an arrest insult over a sinus heart that a shock or a phase can restore
            self._insults.start(InsultStart(insult="cardiac_arrest", rhythm=self._rhythm), 1.0, 0.0, self._weight)
            self._rhythm = "sinus"
        self._drugs: dict[str, DrugState] = {}
        self._effect: dict[str, float] = {}
        self._activation: dict[str, float] = {}
        self._sev: dict[str, float] = {}
        # interventions in force
        self._oxygen: dict[str, float] = {}
        self._ventilation: dict[str, tuple[float, float]] = {}  # id -> (fio2, minute-ventilation multiple)
        self._airway: set[str] = set()
        self._cpr: set[str] = set()
        self._cooling: set[str] = set()
        self._warming: set[str] = set()
        self._posture: set[str] = set()
        self._haemostasis: set[str] = set()
        # trends: offsets on the displayed vitals, and those still moving: vital -> [goal, speed per s]
        self._offset: dict[str, float] = {}
        self._trends: dict[str, list[float]] = {}
        self._shown_rhythm = patient.baseline.rhythm
        self._pulseless = arrested
        self._t = 0.0
        # smooth monitor noise (Ornstein-Uhlenbeck, unit spread), from the model's own generator
        self._jit_hr = self._jit_spo2 = 0.0
        self._z: list[float] = []
        self._zi = 0
        self._dt = -1.0
        self._alpha: tuple[float, ...] = ()

    # ------------------------------------------------------------------ commands

    def start_insult(self, insult: InsultStart) -> None:
        """Ramp the insult's severity from where it is to ``insult.severity`` over ``insult.ramp`` seconds."""
        severity = _clip01(_finite(insult.severity, 1.0))
        self._insults.start(insult, severity, _finite(insult.ramp), self._weight)

    def stop_insult(self, kind: str, ramp: float) -> None:
        """Let the insult's severity fall to 0 over ``ramp`` seconds."""
        self._insults.stop(kind, _finite(ramp))

    def give_drug(self, drug_id: str, drug: Drug, amount: float, route: str) -> None:
        """A dose in the drug's canonical unit; IV, IO and infusion-route boluses act at once, others absorb."""
        amount = _finite(amount)
        if amount > 0.0:
            self._drug(drug_id, drug, route, amount, 0.0).give(amount, route)

    def set_infusion(self, drug_id: str, drug: Drug, rate_per_min: float) -> None:
        """Set a drug's infusion rate in canonical units per minute (0 stops it)."""
        rate = max(0.0, min(_finite(rate_per_min), 1e9))
        if rate > 0.0 or drug_id in self._drugs:
            self._drug(drug_id, drug, "infusion", 0.0, rate).infusion = rate / 60.0

    def _drug(self, drug_id: str, drug: Drug, route: str, amount: float, rate: float) -> DrugState:
        state = self._drugs.get(drug_id)
        if state is None:
            state = self._drugs[drug_id] = DrugState(drug_id, drug, self._weight, route, amount, rate)
        return state

    def perform(self, intervention_id: str, intervention: Intervention, succeeded: bool) -> None:
        """Apply an intervention that worked; a failed attempt changes nothing."""
        if not succeeded:
            return
        kind, iid = intervention.kind, intervention_id
        if kind == "oxygen":
            self._oxygen[iid] = _clip01(_finite(intervention.fio2, 0.6))
        elif kind == "ventilation":
            multiple = 2.0 if "hyperventil" in iid else 1.0
            self._ventilation[iid] = (_clip01(_finite(intervention.fio2, 1.0)), multiple)
        elif kind == "airway":
            self._airway.add(iid)
        elif kind == "cpr":
            self._cpr.add(iid)
        elif kind == "defibrillation":
            self._insults.defibrillate()
            if self._rhythm in SHOCKABLE:
                self._rhythm = "sinus"
                self._b_hr = min(max(self._b_hr, 60.0), 100.0)
        elif kind in ("fluid", "blood"):
            volume = min(_finite(intervention.volume), 20000.0)
            if volume > 0.0:
                self._blood.infuse(iid, volume, kind == "blood")
        elif kind == "cooling":
            self._cooling.add(iid)
        elif kind == "warming":
            self._warming.add(iid)
        elif kind == "positioning":
            self._posture.add(iid)
        elif kind == "procedure" and any(word in iid for word in HAEMOSTATIC):
            self._haemostasis.add(iid)

    def stop(self, intervention_id: str) -> None:
        """End a continuing intervention; unknown ids are ignored."""
        self._oxygen.pop(intervention_id, None)
        self._ventilation.pop(intervention_id, None)
        self._blood.stop(intervention_id)
        for ids in (self._airway, self._cpr, self._cooling, self._warming, self._posture, self._haemostasis):
            ids.discard(intervention_id)

    def set_trend(self, vital: str, to: float, over: float) -> None:
        """Move ``vital`` to ``to`` over ``over`` seconds by an offset on the displayed physiology."""
        to, over = _finite(to, math.nan), _finite(over)
        if vital not in _LIMITS or math.isnan(to):
            return
        current = {
            "hr": self._hr, "sbp": self._sbp, "dbp": self._dbp, "map": self._dbp + (self._sbp - self._dbp) / 3.0,
            "spo2": self._spo2, "rr": self._rr, "etco2": self._etco2, "temp": self._temp,
        }[vital]
        goal = max(-400.0, min(400.0, to - current))
        if over > 1e-3:
            self._trends[vital] = [goal, abs(goal - self._offset.get(vital, 0.0)) / over]
        else:
            self._trends.pop(vital, None)
            self._offset[vital] = goal

    # ------------------------------------------------------------------ time

    def step(self, dt: float) -> None:
        """Advance ``dt`` seconds (in steps of at most 1 s, at most an hour per call; nothing for ``dt`` ≤ 0)."""
        dt = min(_finite(dt), 3600.0)
        while dt > 1e-9:
            h = dt if dt <= 1.0 else 1.0
            self._advance(h)
            dt -= h

    def _advance(self, dt: float) -> None:  # noqa: PLR0912, PLR0915 - one flat pass over the model, for speed
        self._t += dt
        if dt != self._dt:
            self._dt = dt
            self._alpha = tuple(1.0 - math.exp(-dt / tau) for tau in LAGS)
        a_hr, a_bp, a_rr, a_et, a_spo2, a_slow, a_jit = self._alpha
        # drugs
        eff, act = self._effect, self._activation
        eff.clear()
        act.clear()
        if self._drugs:
            gone = [key for key, drug in self._drugs.items() if not drug.advance(dt, eff, act)]
            for key in gone:
                del self._drugs[key]
        if eff:
            eg, ag = eff.get, act.get
            e_hr, e_c, e_t = eg("heart_rate", 0.0), eg("contractility", 0.0), eg("vascular_tone", 0.0)
            e_drive, e_venous = eg("ventilatory_drive", 0.0), eg("venous_return", 0.0)
            tone_n, bron_n = _clip01(ag("vascular_tone", 0.0)), _clip01(ag("bronchodilation", 0.0))
            nmb_n = _clip01(ag("neuromuscular_block", 0.0) - _clip01(ag("neuromuscular_reversal", 0.0)))
            guard = max(_clip01(ag("seizure_threshold", 0.0)), _clip01(ag("sedation", 0.0)))
            stem = 1.0 - 0.6 * _clip01(ag("uterine_tone", 0.0)) - 0.2 * _clip01(ag("fibrinolysis_inhibition", 0.0))
        else:
            e_hr = e_c = e_t = e_drive = e_venous = tone_n = bron_n = nmb_n = guard = 0.0
            stem = 1.0
        # insults
        sev = self._sev
        sev.clear()
        insults = self._insults
        if insults.active:
            act["adrenergic"] = min(tone_n, bron_n)
            insults.advance(dt, act, sev)
        if sev:
            sg = sev.get
            ana, sep, mh = sg("anaphylaxis", 0.0), sg("sepsis", 0.0), sg("malignant_hyperthermia", 0.0)
            last, ptx, bleed = sg("last", 0.0), sg("tension_pneumothorax", 0.0), sg("haemorrhage", 0.0)
            spasm = sg("bronchospasm", 0.0)
            obstruction = max(sg("airway_obstruction", 0.0), sg("failed_intubation", 0.0),
                              sg("laryngospasm", 0.0) * (1.0 - nmb_n))
        else:
            ana = sep = mh = last = ptx = bleed = spasm = obstruction = 0.0
        bs = min(1.0, spasm + 0.5 * ana) * (1.0 - 0.6 * bron_n)
        counter = 1.0 - 0.7 * tone_n  # vascular tone from drugs props up a vasodilated circulation
        vasodil = (ana + 0.8 * sep) * counter
        cns = cardio = 0.0
        if last > 0.0:
            cardio = _clip01((last - 0.5) / 0.4)
            cns = min(1.0, last / 0.3) * (1.0 - cardio) * (1.0 - guard)
        # blood volume and circulation
        blood = self._blood
        if bleed or blood.changing:
            rate = 0.0
            if bleed:
                rate = insults.active["haemorrhage"].bleed_ml_min / 60.0 * bleed * stem
                rate *= min(1.2, max(0.2, (self._dbp + (self._sbp - self._dbp) / 3.0) / self._b_map))
                rate *= 0.5 if self._haemostasis else 1.0
            blood.advance(dt, rate)
        preload = (blood.volume / blood.normal / (1.0 + 0.35 * vasodil) + 0.3 * e_venous - 0.45 * ptx
                   + (0.08 if self._posture else 0.0))
        vol_p, vol_hr = volume_factors(1.0 - preload)
        sat = self._gas.sat
        insults.update_derived(dt, last, 1.0 - preload, sat)
        f_hr = e_hr + 0.1 * ana + 0.3 * sep + 0.6 * mh + 0.15 * bs + 0.3 * cns - 0.65 * cardio
        f_sbp = 0.5 * (e_c + e_t) - (0.5 * ana + 0.25 * sep) * counter + 0.1 * mh + 0.2 * cns - 0.6 * cardio
        f_dbp = 0.1 * e_c + 0.8 * e_t - (0.55 * ana + 0.35 * sep) * counter + 0.05 * mh + 0.15 * cns - 0.6 * cardio
        tachy_at, brady_at, lactate_at = self._hypoxia_at
        hyp = _clip01((brady_at - sat) / 0.4)  # hypoxic bradycardia and hypotension, after a hypoxic tachycardia
        hr_t = (self._b_hr * max(0.0, 1.0 + f_hr) * vol_hr
                * (1.0 + 0.2 * _clip01((tachy_at - sat) / 0.17) * (1.0 - hyp) - 0.6 * hyp))
        sbp_t = self._b_sbp * max(0.05, 1.0 + f_sbp) * vol_p * (1.0 - 0.5 * hyp)
        dbp_t = self._b_dbp * max(0.05, 1.0 + f_dbp) * (0.5 + 0.5 * vol_p) * (1.0 - 0.5 * hyp)
        rhythm, pulseless, preset = insults.rhythm(self._rhythm)
        cpr = bool(self._cpr)
        if pulseless:
            hr_t = ARREST_HR.get(rhythm, 45.0)
            if cpr:
                squeeze = min(max(e_t, 0.0), 2.0)
                fill = 0.3 + 0.7 * min(vol_p, 1.0)
                sbp_t, dbp_t = 65.0 * (1.0 + 0.3 * squeeze) * fill, 28.0 * (1.0 + 0.5 * squeeze) * fill
            else:
                sbp_t, dbp_t = 12.0, 6.0
        elif preset is not None:
            hr_t = preset[0] * (1.0 + 0.2 * f_hr)
            sbp_t *= preset[1]
            dbp_t *= preset[1]
        sbp_t = min(sbp_t, 280.0)
        dbp_t = max(0.0, min(dbp_t, sbp_t - 5.0, 190.0))
        map_t = dbp_t + (sbp_t - dbp_t) / 3.0
        # breathing and gas exchange
        if self._airway:
            obstruction *= 0.05
        drive = 0.0 if pulseless else max(0.0, 1.0 + e_drive) * (1.0 - nmb_n) * (1.0 - 0.6 * cns)
        push = 0.3 * ana + 0.4 * sep + 0.5 * mh + 0.3 * bs + 0.3 * ptx
        ventilation = drive * (1.0 + push)
        rr_t = self._b_rr * (1.0 + push + 0.6 * max(-1.0, e_drive)) * drive if drive > 0.05 else 0.0
        fio2 = 0.21
        for o2 in self._oxygen.values():
            fio2 = o2 if o2 > fio2 else fio2
        for vent_fio2, multiple in self._ventilation.values():
            fio2 = vent_fio2 if vent_fio2 > fio2 else fio2
            ventilation = max(ventilation, multiple)
            rr_t = max(rr_t, 12.0 * multiple)
        ventilation *= (1.0 - obstruction) * (1.0 - 0.6 * bs) * (1.0 - 0.3 * ptx)
        metabolism = 1.0 + 2.0 * mh + 0.3 * sep + 0.6 * cns + (0.3 * obstruction if drive > 0.05 else 0.0)
        uptake = (0.3 if cpr else 0.02) if pulseless else 1.0
        sat = self._gas.advance(dt, ventilation, uptake, fio2, metabolism, 0.1 * bs + 0.2 * ptx + 0.08 * sep,
                                blood.red_cells / blood.red_cells_normal)
        if pulseless:
            output = 0.45 if cpr else 0.12
        else:
            output = min(1.1, max(0.3, 0.3 + 0.7 * map_t / self._b_map))
        et_t = self._gas.co2 * output * min(1.0, ventilation / 0.25)
        spo2_t = 100.0 * sat + self._gas.spo2_bias
        if pulseless:
            spo2_t = min(spo2_t, 70.0 if cpr else 45.0)
        # slow states
        temp_t = self._b_temp + 3.5 * mh + 1.5 * sep - (1.5 if self._cooling else 0.0) + (0.8 if self._warming else 0.0)
        self._temp += (temp_t - self._temp) * a_slow
        shock = 1.0 if pulseless and not cpr else _clip01((65.0 - map_t) / 35.0)
        lac_t = 1.0 + 8.0 * shock + 5.0 * mh + 2.0 * sep + 3.0 * cns + 4.0 * _clip01((lactate_at - sat) / 0.35)
        self._lactate += (lac_t - self._lactate) * a_slow
        # displayed vitals
        self._hr += (hr_t - self._hr) * a_hr
        self._sbp += (sbp_t - self._sbp) * a_bp
        self._dbp += (dbp_t - self._dbp) * a_bp
        self._rr += (rr_t - self._rr) * a_rr
        self._etco2 += (et_t - self._etco2) * a_et
        self._spo2 += (spo2_t - self._spo2) * a_spo2
        self._shown_rhythm, self._pulseless = rhythm, pulseless
        if self._trends:
            self._move_trends(dt)
        self._jitter(a_jit)

    def _move_trends(self, dt: float) -> None:
        done = []
        for vital, (goal, speed) in self._trends.items():
            now = self._offset.get(vital, 0.0)
            now = min(goal, now + speed * dt) if now < goal else max(goal, now - speed * dt)
            self._offset[vital] = now
            if now == goal:
                done.append(vital)
        for vital in done:
            del self._trends[vital]

    def _jitter(self, a: float) -> None:
        if self._zi + 2 > len(self._z):
            self._z = self._rng.standard_normal(1024).tolist()
            self._zi = 0
        z, i = self._z, self._zi
        self._zi = i + 2
        spread = math.sqrt(a * (2.0 - a))
        self._jit_hr += spread * z[i] - a * self._jit_hr
        self._jit_spo2 += spread * z[i + 1] - a * self._jit_spo2

    # ------------------------------------------------------------------ readings

    def vitals(self) -> VitalSigns:
        """The monitor now: lagged physiology plus trend offsets and a little noise, clamped to physical limits."""
        off = self._offset.get
        rhythm = self._shown_rhythm
        hr = self._hr + off("hr", 0.0)
        if hr > 20.0:
            hr += self._jit_hr * (6.0 if rhythm == "af" else 1.0)
        spo2 = self._spo2 + off("spo2", 0.0)
        if not self._pulseless:
            spo2 += 0.4 * self._jit_spo2
        lim = _LIMITS
        sbp = min(max(self._sbp + off("sbp", 0.0) + off("map", 0.0), lim["sbp"][0]), lim["sbp"][1])
        dbp = min(max(self._dbp + off("dbp", 0.0) + off("map", 0.0), lim["dbp"][0]), lim["dbp"][1], sbp)
        return VitalSigns(
            hr=min(max(hr, lim["hr"][0]), lim["hr"][1]),
            sbp=sbp,
            dbp=dbp,
            map=min(max(dbp + (sbp - dbp) / 3.0, lim["map"][0]), lim["map"][1]),
            spo2=min(max(spo2, lim["spo2"][0]), lim["spo2"][1]),
            rr=min(max(self._rr + off("rr", 0.0), lim["rr"][0]), lim["rr"][1]),
            etco2=min(max(self._etco2 + off("etco2", 0.0), lim["etco2"][0]), lim["etco2"][1]),
            temp=min(max(self._temp + off("temp", 0.0), lim["temp"][0]), lim["temp"][1]),
            rhythm=rhythm,
        )

    def lab_results(self, reports: Sequence[str]) -> dict[str, float]:
        """Blood results derived from the hidden state (units in ``LAB_UNITS``), rounded to 3 decimals."""
        gas = self._gas.labs(self._pulseless)
        lactate, effect, peak = self._lactate, self._effect, self._insults.peak
        values = {
            **gas,
            **self._blood.labs(),
            "ph": min(7.8, max(6.5, 7.40 - 0.008 * (gas["paco2"] - 40.0) - 0.015 * (lactate - 1.0))),
            "base_excess": max(-30.0, 1.0 - lactate),
            "lactate": lactate,
            "k": min(9.0, max(1.5, 4.0 + 2.5 * self._sev.get("malignant_hyperthermia", 0.0)
                              + 3.0 * effect.get("potassium_shift", 0.0))),
            "na": 140.0,
            "ica": max(0.5, 1.15 + 0.5 * effect.get("calcium", 0.0) - 0.00015 * self._blood.products_given),
            "glucose": max(1.0, 5.5 * (1.0 + effect.get("glucose", 0.0))),
            "tryptase": 5.0 + 45.0 * peak.get("anaphylaxis", 0.0),
            "ck": 150.0 + 5000.0 * peak.get("malignant_hyperthermia", 0.0),
        }
        return {name: round(values[name], 3) for name in reports if name in values}

    def snapshot(self) -> dict[str, Any]:
        """The hidden state as JSON-safe data."""
        return {
            "t": self._t,
            "rhythm": {"intrinsic": self._rhythm, "shown": self._shown_rhythm, "pulseless": self._pulseless},
            "insults": self._insults.snapshot(),
            "drugs": {key: drug.snapshot() for key, drug in self._drugs.items()},
            "effects": dict(self._effect),
            "blood": self._blood.snapshot(),
            "gas": self._gas.snapshot(),
            "lactate": self._lactate,
            "interventions": {
                "oxygen": dict(self._oxygen),
                "ventilation": {key: list(value) for key, value in self._ventilation.items()},
                "airway": sorted(self._airway),
                "cpr": sorted(self._cpr),
                "cooling": sorted(self._cooling),
                "warming": sorted(self._warming),
                "positioning": sorted(self._posture),
                "haemostasis": sorted(self._haemostasis),
            },
            "trends": {"offsets": dict(self._offset), "moving": {k: list(v) for k, v in self._trends.items()}},
            "displayed": {"hr": self._hr, "sbp": self._sbp, "dbp": self._dbp, "spo2": self._spo2,
                          "rr": self._rr, "etco2": self._etco2, "temp": self._temp},
        }
