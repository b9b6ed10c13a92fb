"""The circulation: haemorrhage against the ATLS classes, fluids and blood, positioning, obstruction, and the
perfusion chest compressions give."""

from __future__ import annotations

import numpy as np
from physiology_helpers import ANAESTHETISED, do, first_time, give, insult, intervention, model, patient, run

from crmsim.core.physiology import PatientModel, VitalSigns
from crmsim.schema.formulary import Intervention


def bleed_to(m: PatientModel, fraction: float) -> VitalSigns:
    """Run until ``fraction`` of the normal blood volume has been lost; the vitals then."""
    limit = 3600 * 10
    while m.blood.lost < fraction * m.blood.normal and limit:
        m.step(0.1)
        limit -= 1
    return m.vitals()


def test_haemorrhage_follows_the_atls_classes() -> None:
    """Bleeding 100 ml/min from a healthy 70 kg adult (HR 72, 120/80, RR 14) follows the ATLS classes (Advanced Trauma
    Life Support, 9th ed. 2012, table 3.1; the 10th ed. keeps the direction of change): class I (<15 %) HR under 100
    with a normal pressure; class II (15-30 %) HR 100-120, systolic still normal, pulse pressure narrowed; class III
    (30-40 %) HR 120-140 with a falling systolic; class IV (>40 %) HR above 120 and systolic well down; breathing
    faster with each class. Guly et al., Resuscitation 2011;82:556 found real heart rates rise less than the table;
    the bands below allow for that."""
    m = PatientModel(patient(hr=72, sbp=120, dbp=80), np.random.default_rng(1))
    m.start_insult(insult("haemorrhage", severity=1.0, rate="100 ml/min"))
    c1 = bleed_to(m, 0.12)
    c2 = bleed_to(m, 0.25)
    c3 = bleed_to(m, 0.37)
    c4 = bleed_to(m, 0.45)
    assert c1.hr < 100 and c1.sbp >= 108
    assert 95 <= c2.hr <= 125 and c2.sbp >= 95 and c2.sbp - c2.dbp < 30
    assert 110 <= c3.hr <= 145 and c3.sbp < 100
    assert c4.hr >= 120 and c4.sbp < 90
    assert 14.0 <= c1.rr < c2.rr < c3.rr < c4.rr
    assert c4.etco2 < c1.etco2 - 3  # less flow, less CO2 delivered to the lungs


def test_exsanguination_ends_in_pulseless_electrical_activity() -> None:
    """Left to bleed on, the patient loses the pulse: an organised rhythm with no palpable output (PEA), the
    commonest arrest rhythm of haemorrhage (hypovolaemia is one of the 4 Hs, RCUK ALS 2021)."""
    m = model()
    m.start_insult(insult("haemorrhage", severity=1.0, rate="300 ml/min"))
    assert first_time(m, 1800, lambda v: v.rhythm in ("pea", "vt", "vf", "asystole")) is not None


def test_blood_restores_volume_and_crystalloid_mostly_leaves() -> None:
    """Two units of red cells after a 1.5 L bleed raise the pressure and the haemoglobin; a litre of crystalloid
    raises the blood volume at once but about three quarters has left the circulation an hour later (Hahn,
    Anesthesiology 2010;113:470: volume kinetics of crystalloid)."""
    m = model()
    m.start_insult(insult("haemorrhage", severity=1.0, rate="150 ml/min"))
    run(m, 600)
    m.stop_insult("haemorrhage", 0)
    low = run(m, 10)[-1]
    hb_low = m.lab_results(["hb"])["hb"]
    do(m, "blood_transfusion")
    m.perform("second_unit", intervention("blood_transfusion"), True)
    after = run(m, 600)[-1]
    assert after.sbp > low.sbp + 5 and m.lab_results(["hb"])["hb"] > hb_low + 3

    dry = model()
    normal = dry.blood.volume
    do(dry, "crystalloid_bolus_1l")
    run(dry, 600)
    peak = dry.blood.volume - normal
    run(dry, 3600)
    kept = dry.blood.volume - normal
    assert peak > 500 and 150 <= kept <= 400


def test_raising_the_legs_helps_a_hypovolaemic_patient() -> None:
    """Passive leg raising moves blood into the central circulation and raises the pressure of a bled patient
    (Monnet et al., Crit Care Med 2006;34:1402: a rise in output predicts fluid responsiveness)."""
    m = model()
    m.start_insult(insult("haemorrhage", severity=1.0, rate="150 ml/min"))
    run(m, 480)
    m.stop_insult("haemorrhage", 0)
    before = run(m, 30)[-1]
    do(m, "legs_up")
    after = run(m, 60)[-1]
    assert after.sbp > before.sbp + 2


def test_tension_pneumothorax_obstructs_and_decompression_relieves() -> None:
    """A tension pneumothorax in a ventilated patient lowers the pressure and the saturation (obstructive shock and
    a collapsed lung); needle decompression restores the pressure within a minute."""
    m = model(base=ANAESTHETISED)
    m.start_insult(insult("tension_pneumothorax", severity=1.0, ramp=120))
    worst = run(m, 240)[-1]
    assert worst.sbp < 80 and worst.spo2 < 92
    needle = Intervention(name="Needle decompression", kind="procedure", relieves={"tension_pneumothorax": 0.95})
    m.perform("needle_decompression", needle, True)
    better = run(m, 60)[-1]
    assert better.sbp > 100


def test_chest_compressions_perfuse_while_they_run() -> None:
    """In VF the pressure collapses to the mean filling pressure; good compressions with ventilation give a mean
    arterial pressure of 20-40 mmHg and an end-tidal CO2 of 10-20 mmHg (AHA 2015 and RCUK 2021 targets for CPR
    quality; Paradis et al., JAMA 1990;263:1106), and the pressure falls away when they stop."""
    m = model()
    m.start_insult(insult("cardiac_arrest", rhythm="vf"))
    assert run(m, 30)[-1].map < 20
    do(m, "chest_compressions")
    do(m, "bag_mask_ventilation")
    during = run(m, 90)[-1]
    assert 20 <= during.map <= 45 and 10 <= during.etco2 <= 22 and during.dbp >= 15
    m.stop("chest_compressions")
    assert run(m, 30)[-1].map < 20


def test_adrenaline_during_cpr_raises_the_diastolic_pressure_modestly() -> None:
    """Adrenaline 1 mg during compressions raises the aortic diastolic (coronary perfusion) pressure by some
    5-25 mmHg, not to normal (Paradis et al., JAMA 1991;265:1139)."""
    m = model()
    m.start_insult(insult("cardiac_arrest", rhythm="vf"))
    do(m, "chest_compressions")
    do(m, "bag_mask_ventilation")
    before = run(m, 120)[-1]
    give(m, "adrenaline", 1000)
    after = max(run(m, 120), key=lambda v: v.dbp)
    assert 5 <= after.dbp - before.dbp <= 25
