"""The patient's own steady state: every constant the model derives once from the scenario's patient.

The scenario gives vital signs; the model needs flows, volumes and stores. Each is derived from size, sex and
age, then the free constants (systemic resistance, arterial compliance, alveolar ventilation, shunt) are solved
so that the model, left alone, sits exactly at the written vital signs. Sources are in ``docs/physiology.md``.

A few facts are read from the patient's free text, because the scenario language has no field for them yet:
controlled ventilation through a tube (``intubated``, ``ventilated``...), general anaesthesia (``anaesthetised``,
which blunts the baroreflex), pregnancy or the puerperium (for a woman:
``postpartum``, ``caesarean``, ``pregnant``...) and a beta-blocker among the medications (``-olol``, carvedilol).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from crmsim.core.physiology.gas import (
    ATMOSPHERIC_DRY, CO2_SLOPE, content, curve_shift, saturation,
)
from crmsim.schema.scenario import Patient

PULSELESS = frozenset({"vf", "pea", "asystole"})
VENTILATED = ("intubated", "ventilated", "ventilator", "tracheal tube", "endotracheal", "tracheostomy")
ANAESTHETISED = ("anaesthetised", "anesthetized", "anaesthetized", "general anaesthe", "general anesthe", "under ga",
                 "sedated", *VENTILATED)  # fmt: skip
OBSTETRIC = ("postpartum", "post-partum", "caesarean", "cesarean", "delivery", "delivered", "birth", "labour",
             "labor", "pregnan", "obstetric", "placenta", "uterine", "uterus", "gestation", "puerper")  # fmt: skip
_BETA_BLOCKER = re.compile(r"olol\b|carvedilol|labetalol", re.IGNORECASE)
CVP = 5.0  # mmHg, right atrial pressure at rest (AnaSim hemo_config rap_baseline)
ALVEOLAR_DEAD_SPACE = 0.1  # end-tidal CO2 about 10 % below alveolar at rest (estimate: a-ET gradient 3-5 mmHg)


@dataclass(frozen=True)
class Baseline:
    """The patient at rest. Pressures mmHg, flows L/min (ventilation ml/min), volumes ml, Hb g/L."""

    weight_kg: float
    female: bool
    age: int
    hr: float
    sbp: float
    dbp: float
    map: float
    spo2: float
    rr: float
    etco2: float
    temp: float
    rhythm: str
    arrested: bool
    ventilated: bool
    anaesthetised: bool
    obstetric: bool
    beta_blocked: bool
    blood_volume: float
    hb: float
    co: float
    sv: float
    svr: float
    arterial_compliance: float
    unstressed: float
    vo2: float
    vco2: float
    frc: float
    co2_capacity: float
    va: float
    fio2: float
    shunt: float
    spo2_bias: float
    fa: float
    cv: float
    pa_co2: float
    pv_co2: float

    @property
    def stressed(self) -> float:
        """Stressed blood volume at rest, ml."""
        return self.blood_volume - self.unstressed

    @property
    def pp(self) -> float:
        """Pulse pressure at rest."""
        return self.sbp - self.dbp


def _words(patient: Patient) -> str:
    return " ".join((patient.presenting, *patient.history)).lower()


def _blood_volume_ml_kg(patient: Patient, obstetric: bool) -> float:
    if patient.age_years < 1:
        return 80.0
    if patient.age_years < 12:
        return 75.0
    if obstetric:
        return 90.0
    return 65.0 if patient.sex == "female" else 70.0


def _size(patient: Patient) -> tuple[float, float]:
    """(body surface area m², ideal body weight kg)."""
    w, h = patient.weight_kg, patient.height_cm
    if h is None:
        return 0.1173 * w**0.6466, w  # Livingston & Lee 2001; no height: take the patient as lean
    bsa = math.sqrt(w * h / 3600.0)  # Mosteller 1987
    ibw = (45.5 if patient.sex == "female" else 50.0) + 0.91 * (h - 152.4)  # Devine 1974
    return bsa, max(min(ibw, w), 0.4 * w) if h >= 140 else w


def derive(patient: Patient) -> Baseline:
    """The patient's steady state, solved so that it reproduces the scenario's baseline vital signs."""
    v, rhythm = patient.baseline.vitals, patient.baseline.rhythm
    arrested = rhythm in PULSELESS
    words = _words(patient)
    female = patient.sex == "female"
    obstetric = female and any(word in words for word in OBSTETRIC)
    ventilated = any(word in words for word in VENTILATED)
    anaesthetised = any(word in words for word in ANAESTHETISED)
    beta_blocked = any(_BETA_BLOCKER.search(m) for m in patient.medications)
    # reference vitals (sane even when the scenario opens in arrest)
    hr = v.hr if not arrested or v.hr >= 40 else 90.0
    sbp = v.sbp if not arrested or v.sbp >= 70 else 110.0
    dbp = min(v.dbp if not arrested or v.dbp >= 40 else 65.0, sbp - 10.0)
    sbp, dbp = max(sbp, 40.0), max(dbp, 20.0)
    mean = dbp + (sbp - dbp) / 3.0
    rr = v.rr if not arrested or v.rr >= 6 else 14.0
    etco2 = min(max(v.etco2 if not arrested or v.etco2 >= 20 else 38.0, 15.0), 90.0)
    spo2 = min(max(v.spo2 if not arrested else max(v.spo2, 96.0), 50.0), 100.0)
    w = patient.weight_kg
    bsa, ibw = _size(patient)
    bv = _blood_volume_ml_kg(patient, obstetric) * w
    hb = 115.0 if obstetric else 120.0 if patient.age_years < 12 else 130.0 if female else 145.0
    ci = 4.0 if obstetric else 2.5 if patient.age_years > 70 else 3.0
    co = max(ci * bsa, 0.3)
    sv = co * 1000.0 / max(hr, 20.0)
    svr = max(mean - CVP, 10.0) / co
    vo2 = 10.0 * w**0.75 * (1.2 if obstetric else 1.0)  # Brody's formula
    vco2 = 0.8 * vo2
    bmi = w / (patient.height_cm / 100.0) ** 2 if patient.height_cm else 24.0
    frc = 30.0 * ibw * math.exp(-0.03 * max(bmi - 25.0, 0.0)) * (0.8 if obstetric else 1.0)
    pa_co2 = etco2 / (1.0 - ALVEOLAR_DEAD_SPACE)
    va = ATMOSPHERIC_DRY * vco2 / pa_co2
    pv_co2 = pa_co2 + vco2 / (CO2_SLOPE * co)
    fio2 = 0.5 if ventilated else 0.21
    fa = max(fio2 - vo2 / va, 0.02)
    shift = curve_shift(v.temp, 7.40, pa_co2)
    shunt, bias, cv = _fit_shunt(spo2 / 100.0, fa, co, vo2, hb, shift)
    return Baseline(
        weight_kg=w, female=female, age=patient.age_years, hr=hr, sbp=sbp, dbp=dbp, map=mean, spo2=spo2, rr=rr,
        etco2=etco2, temp=v.temp, rhythm=rhythm, arrested=arrested, ventilated=ventilated,
        anaesthetised=anaesthetised, obstetric=obstetric,
        beta_blocked=beta_blocked, blood_volume=bv, hb=hb, co=co, sv=sv, svr=svr,
        arterial_compliance=sv / max(sbp - dbp, 10.0), unstressed=0.7 * bv, vo2=vo2,
        vco2=vco2, frc=frc, co2_capacity=0.82 * w, va=va, fio2=fio2, shunt=shunt, spo2_bias=bias, fa=fa, cv=cv,
        pa_co2=pa_co2, pv_co2=pv_co2,
    )  # fmt: skip


def _fit_shunt(target: float, fa: float, co: float, vo2: float, hb: float, shift: float) -> tuple[float, float, float]:
    """(shunt, SpO2 display bias in %, venous O2 content) that make the arterial saturation ``target``."""
    p = fa * ATMOSPHERIC_DRY
    sat_c = saturation(p, shift)
    cc = content(sat_c, p, hb)
    cap = 1.34 * hb

    def arterial(shunt: float) -> tuple[float, float]:
        cv = max(cc - vo2 / (co * (1.0 - shunt)), 0.05 * cap)
        return (1.0 - shunt) * sat_c + shunt * cv / cap, cv

    floor = 0.02  # a physiological shunt of 2 % (estimate; normal 2-5 %)
    best, cv = arterial(floor)
    if target >= best:
        return floor, min(100.0 * (target - best), 3.0), cv
    lo, hi = floor, 0.6
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if arterial(mid)[0] > target else (lo, mid)
    shunt = 0.5 * (lo + hi)
    sat, cv = arterial(shunt)
    return shunt, 100.0 * (target - sat), cv
