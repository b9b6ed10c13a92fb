"""One step of the whole patient: the parts wired together, and the derived values they pass each other.

This is where insults and drug effects become the inputs of each part. Each insult's footprint, at full
severity (sources and estimates in ``docs/physiology.md``):

* anaphylaxis (its effects grow as √severity: mediator effects saturate): resistance −60 % (AnaSim: −10 Wood
  units), venous pooling +15 % of unstressed volume, capillary leak 2 % of blood volume a minute, bronchospasm
  0.6, heart rate +10 %, contractility −15 %, vasopressors and inotropes 60 % less effective;
* sepsis: resistance −50 %, pooling +9 %, leak 0.2 %/min, heart rate +25 %, fever +1.5 °C, O2 demand +25 %, shunt
  +0.12, vasopressors and inotropes half as effective (as they are, too, in acidaemia below pH 7.2 and at flows
  below 60 % of normal, down to 15 % in an arrest: ischaemic vessels answer adrenaline weakly, so standard-dose
  adrenaline during CPR raises aortic diastolic pressure by some 10-20 mmHg, as Paradis et al. measured, JAMA
  1991;265:1139; the answer returns over minutes once flow does, and the heart's beta effects and the
  arrhythmogenic effect share it);
* the post-cardiac arrest syndrome: after a circulation returns, stunning (contractility down to 40 %) and
  vasodilation (resistance down to 70 %) in proportion to the minutes without a pulse;
* malignant hyperthermia: O2 demand ×3, extra CO2, heat (1 °C per 5 min), heart rate +50 %, lactate, potassium;
* local anaesthetic toxicity: up to 0.5 the nervous system (agitation, hypertension, seizures unless a
  benzodiazepine, propofol or thiopental protects), above 0.5 the heart (bradycardia, contractility −70 %,
  resistance −30 %, ventricular arrhythmias, asystole near 1);
* haemorrhage: the scenario's rate, times severity, times MAP over its baseline, less uterotonics (an obstetric
  patient), tranexamic acid and procedures, plus coagulopathy and hypothermia;
* tension pneumothorax: 85 % obstruction to venous return, shunt +0.3, ventilation halved;
* airway, laryngospasm, bronchospasm: see ``respiration``; arrest and arrhythmia: see ``rhythm``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from crmsim.core.physiology.baseline import ALVEOLAR_DEAD_SPACE, Baseline
from crmsim.core.physiology.circulation import Drive
from crmsim.core.physiology.gas import curve_shift, saturation
from crmsim.core.physiology.rhythm import Hazards

if TYPE_CHECKING:
    from crmsim.core.physiology.model import PatientModel


#: Minutes for vessels to lose, and to regain, their answer to catecholamines as flow fails and returns (estimates:
#: ischaemic, acidotic vessels answer adrenaline weakly during CPR and recover over minutes after the return of a
#: circulation — the post-resuscitation vasoplegia of Adrie et al., Circulation 2002;106:562 and Jozwiak et al.,
#: Ann Intensive Care 2020;10:170 — so adrenaline given during CPR does not slam a revived heart into a closed
#: vascular bed).
VESSELS_FALL_MIN = 0.3
VESSELS_RECOVER_MIN = 4.0
#: The post-cardiac arrest syndrome (Neumar et al., Circulation 2008;118:2452): after the return of a circulation the
#: myocardium is stunned and the vessels are dilated, in proportion to the time without one. Injury accrues a minute
#: per pulseless minute, 0.4 with compressions (the ratio of the survival falls without and with CPR, as the
#: myocardium's debt uses); it saturates over INJURY_SCALE_MIN and heals over hours (Laurent et al., J Am Coll Cardiol
#: 2002;40:2110: the cardiac index is lowest at 8 h and normal by 72 h). Sizes are estimates, chosen so that an
#: 8-minute arrest treated with 1-3 mg of adrenaline comes back at a systolic of about 90-160 mmHg (post-ROSC
#: hypotension is common: Trzeciak et al., Crit Care Med 2009;37:2895; Kilgannon et al., Resuscitation 2008;79:410).
INJURY_WITH_CPR = 0.4
INJURY_SCALE_MIN = 5.0
INJURY_RECOVERY_MIN = 24.0 * 60.0
PCAS_STUNNING = 0.6
PCAS_VASOPLEGIA = 0.3


def _clip(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if x < low else high if x > high else x


def _respond(effect: float, respond: float) -> float:
    """A constricting (positive) effect scaled by how well the vessels answer; a dilating one as it is."""
    return effect * respond if effect > 0.0 else effect


def _po2_near(sat: float, shift: float, guess: float) -> float:
    """The PO2 giving saturation ``sat``, by a few Newton steps from ``guess`` (enough for the hypoxic drive)."""
    p = min(max(guess, 5.0), 200.0)
    for _ in range(4):
        s = saturation(p, shift)
        slope = (saturation(p + 0.5, shift) - s) / 0.5
        if slope <= 1e-6:
            break
        p = min(max(p + (sat - s) / slope, 5.0), 200.0)
    return p


class Coupling:
    """The step, and the values one part reads from another (pH, PaCO2, potassium, drug effects, severities)."""

    def __init__(self, base: Baseline, ca0: float, paco2: float, pao2: float, rng: np.random.Generator) -> None:
        self.base = base
        self.rng = rng
        self.ca0 = ca0
        self.paco2 = self.paco2_ref = paco2
        self.pao2 = pao2
        self.pao2_ref = min(pao2, 60.0)
        self.ph = 7.40
        self.potassium = 4.0
        self.shift = curve_shift(base.temp, 7.40, base.pa_co2)
        self.seizing = 0.0
        self.arrest_injury = 0.0  # minutes of pulselessness, weighted (see INJURY_WITH_CPR)
        self.vessels = 1.0  # 0.15-1: how well ischaemic vessels and myocardium answer catecholamines (lagged)
        self.effect: dict[str, float] = {}
        self.act: dict[str, float] = {}
        self.sev: dict[str, float] = {}

    def advance(self, model: PatientModel, h: float) -> None:  # noqa: PLR0915 - one pass over the body
        """Move the whole patient ``h`` seconds on."""
        b, m = self.base, h / 60.0
        circ, gas, blood, meta = model.circulation, model.gas, model.blood, model.metabolism
        rhythm, muscle, force, insults = model.rhythm, model.myocardium, model.force, model.insults
        # drugs and insults
        co_rel = circ.co / b.co
        eff: dict[str, float] = {}
        act: dict[str, float] = {}
        if model.drugs:
            gone = [key for key, drug in model.drugs.items() if not drug.advance(m, co_rel, eff, act)]
            for key in gone:
                del model.drugs[key]
        self.effect, self.act = eff, act
        sev: dict[str, float] = {}
        if insults.active:
            insults.advance(h, act, sev)
        self.sev = sev
        g, e = sev.get, eff.get
        ana = g("anaphylaxis", 0.0) ** 0.5  # mediator effects saturate: a quarter of the load gives half the effect
        sep, mh, last = g("sepsis", 0.0), g("malignant_hyperthermia", 0.0), g("last", 0.0)
        ptx = g("tension_pneumothorax", 0.0)
        cardio = _clip((last - 0.5) / 0.4)
        cns = min(1.0, last / 0.3) * (1.0 - cardio)
        sedation = _clip(act.get("sedation", 0.0))
        protect = max(_clip(act.get("seizure_threshold", 0.0)), sedation)
        self.seizing = seizing = _clip((cns - 0.4) / 0.3) * (1.0 - protect)
        # circulation
        ph, temp = self.ph, meta.temp
        hb = blood.hb()
        svo2 = gas.cv / (1.34 * max(hb, 1.0))
        perfused = _clip((co_rel / 0.6) ** 2, 0.15, 1.0)
        lag = VESSELS_FALL_MIN if perfused < self.vessels else VESSELS_RECOVER_MIN
        self.vessels += (perfused - self.vessels) * (1.0 - math.exp(-m / lag))
        respond = (1.0 - 0.5 * sep) * (1.0 - 0.6 * ana) * _clip(1.0 - 2.0 * (7.20 - ph), 0.4, 1.0) * self.vessels
        inotropy = e("contractility", 0.0)
        inotropy = inotropy * respond if inotropy > 0.0 else inotropy
        tone = e("vascular_tone", 0.0)
        tone = tone * respond if tone > 0.0 else tone
        ica = max(0.5, 1.15 - 0.00015 * blood.citrate) * (1.0 + e("calcium", 0.0))
        hr_factor = ((1.0 + 0.1 * ana + 0.25 * sep + 0.5 * mh + 0.3 * cns) * (1.0 - 0.6 * cardio)
                     * (1.0 - 0.75 * _clip((0.6 - gas.sat) / 0.3)) * (1.0 - 0.5 * _clip((self.potassium - 6.5) / 2.0))
                     * max(1.0 + 0.08 * (temp - b.temp), 0.3) * (1.0 - 0.6 * muscle.depression))  # fmt: skip
        # post-cardiac arrest syndrome: minutes without a pulse (fewer with compressions) leave the heart stunned and
        # the vessels dilated once the circulation returns (reperfusion brings it on)
        if rhythm.pulseless:
            self.arrest_injury += m * (INJURY_WITH_CPR if force.cpr else 1.0)
        elif self.arrest_injury > 0.0:
            self.arrest_injury *= math.exp(-m / INJURY_RECOVERY_MIN)
        pcas = 1.0 - math.exp(-self.arrest_injury / INJURY_SCALE_MIN)
        plegic = 0.0 if rhythm.pulseless else pcas  # dilation would only undo the compressions' pressure
        contractility_factor = ((1.0 - muscle.depression) * (1.0 - PCAS_STUNNING * pcas) * (1.0 - 0.15 * ana)
                                * (1.0 - 0.3 * sep * sep)
                                * (1.0 - 0.7 * _clip((0.5 - gas.sat) / 0.3))
                                * (1.0 - 0.7 * cardio) * _clip(1.0 - 1.5 * (7.10 - ph), 0.4, 1.0)
                                * _clip(1.0 - (0.9 - ica), 0.5, 1.0))  # fmt: skip
        drive = Drive(
            hr=_respond(e("heart_rate", 0.0), self.vessels ** 0.5), contractility=inotropy, tone=tone,
            vasodilation=_clip(e("vasodilation", 0.0) * respond),
            venous=e("venous_return", 0.0),
            svr_factor=(1.0 - 0.6 * ana) * (1.0 - 0.5 * sep) * (1.0 - 0.3 * cardio) * (1.0 + 0.2 * cns)
            * (1.0 - PCAS_VASOPLEGIA * plegic), venous_pooling=0.15 * ana + 0.09 * sep, hr_factor=hr_factor,
            contractility_factor=contractility_factor,
            obstruction=_clip(0.85 * ptx + 0.25 * model.breathing.flow.trapping),
            posture_ml=2.0 * b.weight_kg if force.positioning else 0.0,
            sedation=max(sedation, 0.7 if b.anaesthetised else 0.0),
            vasoplegia=min(1.0, 0.8 * ana + 0.6 * sep + 1.0 - _clip(svo2 / 0.4)),
            cpr=bool(force.cpr),
        )  # fmt: skip
        rhythm.impose(insults.rhythm_demand())
        heart = rhythm.heart(circ.hr)
        circ.advance(m, blood.volume, heart, drive, b.beta_blocked)
        # blood
        bleed = 0.0
        if "haemorrhage" in sev:
            uterine = _clip(act.get("uterine_tone", 0.0)) if b.obstetric else 0.0
            txa = _clip(act.get("fibrinolysis_inhibition", 0.0))
            bleed = (insults.bleed_ml_min() * sev["haemorrhage"] * _clip(circ.map / b.map, 0.0, 1.3)
                     * (1.0 - 0.7 * uterine) * (1.0 - 0.2 * txa) * (1.0 + blood.coagulopathy())
                     * (1.0 + 0.3 * _clip((35.0 - temp) / 3.0)))  # fmt: skip
        leak = (0.02 * ana + 0.002 * sep) * b.blood_volume
        fibrinolysis = 1.0 - _clip(act.get("fibrinolysis_inhibition", 0.0))
        if bleed or leak or blood.running or blood.excess or blood.volume < blood.normal or blood.citrate:
            blood.advance(m, bleed, leak, fibrinolysis, temp, ana + sep)
        # breathing and gas exchange
        chem = (self.paco2 - self.paco2_ref, max(self.pao2_ref - self.pao2, 0.0), meta.lactate)
        crisis = _clip((circ.sbp - 190.0) / 60.0) * _clip(0.3 + 2.0 * muscle.ischaemia)
        flow = model.breathing.advance(m, force, sev, act, chem, circ.sigma, rhythm.pulseless, seizing, crisis,
                                       blood.volume / blood.normal - 1.0)  # fmt: skip
        q = circ.co
        phi = _clip(q / (0.6 * b.co), 0.01, 1.0)
        demand = b.vo2 * meta.demand_factor(mh, sep, seizing) * (1.0 - 0.15 * sedation)
        vco2 = 0.8 * gas.vo2 + 1.2 * b.vco2 * mh
        self.shift = shift = curve_shift(temp, ph, gas.pa_co2)
        gas.advance(m, flow.va_ml, flow.fio2, flow.open_fio2, q, phi, flow.shunt, hb,
                    0.65 * blood.volume / 1000.0, demand, vco2, shift)  # fmt: skip
        self.paco2 = gas.arterial_co2(flow.shunt, q / b.co)
        self.pao2 = _po2_near(gas.sat, shift, self.pao2) if gas.sat < 0.95 else 80.0
        # the heart muscle, metabolism and chemistry
        pumping = heart.pump > 0.0
        cpp = circ.coronary_perfusion_pressure
        muscle.advance(m, cpp, gas.ca / self.ca0, circ.diastolic_time_ratio(), circ.rate, circ.sbp, inotropy, pumping,
                       rhythm.mechanism == "vf")  # fmt: skip
        meta.advance(m, gas.vo2, demand, blood.heat_j, mh, sep, bool(force.cooling), bool(force.warming), co_rel,
                     seizing)  # fmt: skip
        blood.heat_j = 0.0
        self.ph = ph = meta.ph(self.paco2)
        self.potassium = meta.potassium(ph, e("potassium_shift", 0.0))
        # the rhythm's own changes
        hazards = self._hazards(act, muscle.ischaemia, muscle.debt, meta.temp, cardio, cpp)
        rhythm.advance(h, self.rng, hazards, circ.native_sbp, circ.hr,
                       lambda: insults.clear(insults.kind_of_demand() or ""))  # fmt: skip
        # the monitor
        label = rhythm.label
        spo2 = 100.0 * gas.sat + b.spo2_bias
        if rhythm.pulseless:
            spo2 = min(spo2, 70.0 if force.cpr else 45.0)
        etco2 = phi * gas.pa_co2 * (1.0 - ALVEOLAR_DEAD_SPACE) if flow.va_ml > 0.1 * b.va else 0.0
        target = {"hr": 0.0 if label in ("vf", "asystole") else circ.rate, "sbp": circ.sbp, "dbp": circ.dbp,
                  "spo2": spo2, "rr": flow.rr, "etco2": etco2, "temp": meta.temp}  # fmt: skip
        model.monitor.update(h, target, label, rhythm.pulseless, muscle.st_mm(pumping and not rhythm.pulseless))

    def _hazards(self, act: dict[str, float], ischaemia: float, debt: float, temp: float, cardio: float,
                 cpp: float) -> Hazards:  # fmt: skip
        """Per-minute hazards of arrhythmia (estimates; see ``docs/physiology.md``)."""
        arr = _clip(act.get("arrhythmogenic", 0.0)) * self.vessels  # desensitised after ischaemia, as beta effects
        anti = _clip(act.get("antiarrhythmic", 0.0))
        k = self.potassium
        high_k = _clip((k - 6.5) / 1.5, 0.0, 2.0)
        hot, cold = _clip((temp - 40.5) / 2.0), _clip((30.0 - temp) / 4.0)
        drivers = _clip(0.8 * arr + 0.6 * ischaemia + 0.5 * high_k + 0.5 * hot + 0.5 * cold + 0.8 * cardio)
        vt = (1.0 * arr * arr + 0.3 * ischaemia * ischaemia + 0.2 * high_k * high_k + 0.3 * hot + 0.3 * cold
              + 1.0 * cardio * cardio) * (1.0 - 0.7 * anti)  # fmt: skip
        return Hazards(
            vt=vt, vf=(0.05 + 0.5 * drivers) * (1.0 - 0.5 * anti), vt_ends=(1.0 - drivers) * (1.0 + anti),
            standstill=0.3 * _clip(k - 8.0) + 0.5 * _clip((cardio - 0.8) / 0.2) + 0.15 * _clip((debt - 8.0) / 8.0),
            restart=0.4 * _clip((cpp - 20.0) / 15.0) if k < 7.0 and cardio < 0.5 else 0.0,
        )

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {"ph": self.ph, "paco2": self.paco2, "pao2_estimate": self.pao2, "potassium": self.potassium,
                "seizing": self.seizing, "severities": dict(self.sev), "vessel_response": self.vessels,
                "arrest_injury_min": self.arrest_injury}  # fmt: skip
