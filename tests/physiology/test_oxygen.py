"""Oxygen and carbon dioxide: the stores that decide how fast an apnoeic patient desaturates, checked against
published apnoea data."""

from __future__ import annotations

import numpy as np
from physiology_helpers import do, first_time, give, insult, model, patient, run

from crmsim.core.physiology import PatientModel

ROCURONIUM_RSI = 1.2 * 70 * 1000  # mcg: 1.2 mg/kg for 70 kg


def test_apnoea_on_room_air_desaturates_within_about_a_minute() -> None:
    """Without preoxygenation, a paralysed apnoeic adult (open airway, room air) falls below SpO2 90 % within
    45-120 s. Khoo et al., Ann Acad Med Singap 1992;21:705: with no preoxygenation, SpO2 fell to 81.7 ± 7.8 %
    at 87 ± 25 s after suxamethonium. Blocking the airway as well makes it sooner still."""
    open_airway = model()
    give(open_airway, "rocuronium", ROCURONIUM_RSI)
    t_open = first_time(open_airway, 300, lambda v: v.spo2 < 90)
    assert t_open is not None and 45 <= t_open <= 120

    blocked = model()
    give(blocked, "rocuronium", ROCURONIUM_RSI)
    blocked.start_insult(insult("airway_obstruction", severity=1.0))
    t_blocked = first_time(blocked, 300, lambda v: v.spo2 < 90)
    assert t_blocked is not None and 30 <= t_blocked < t_open


def test_preoxygenation_buys_minutes() -> None:
    """After 3 minutes of 100 % oxygen, apnoea with a closed airway takes 430-825 s to reach SpO2 90 % in a healthy
    adult: Berthoud et al., Br J Anaesth 1991;67:464 measured 595 ± 142 s (range 430-825) in normal-weight
    patients; Benumof et al., Anesthesiology 1997;87:979 model about 8 minutes for a healthy 70 kg adult."""
    m = model()
    do(m, "oxygen_high_flow")
    run(m, 180)
    give(m, "rocuronium", ROCURONIUM_RSI)
    m.start_insult(insult("airway_obstruction", severity=1.0))
    t = first_time(m, 1200, lambda v: v.spo2 < 90)
    assert t is not None and 430 <= t <= 825


def test_obesity_shortens_the_safe_apnoea_time() -> None:
    """A morbidly obese adult (150 kg, 170 cm) desaturates far sooner after the same preoxygenation: Berthoud 1991
    measured 196 ± 80 s against 595 s in controls (smaller functional residual capacity, larger oxygen use)."""
    m = model(weight_kg=150, height_cm=170)
    do(m, "oxygen_high_flow")
    run(m, 180)
    give(m, "rocuronium", 1.2 * 100 * 1000)
    m.start_insult(insult("airway_obstruction", severity=1.0))
    t = first_time(m, 1200, lambda v: v.spo2 < 90)
    assert t is not None and 100 <= t <= 400


def test_apnoeic_oxygenation_keeps_saturation_while_co2_climbs() -> None:
    """With an open airway and oxygen flowing, a preoxygenated apnoeic patient stays saturated (mass flow replaces
    the oxygen used: Frumin et al., Anesthesiology 1959;20:789) while PaCO2 climbs about 3 mmHg a minute after a
    first-minute jump of 8-16 mmHg (Eger & Severinghaus, Anesthesiology 1961;22:419; Stock et al. 1988)."""
    m = model()
    do(m, "oxygen_high_flow")
    run(m, 180)
    before = m.lab_results(["paco2"])["paco2"]
    give(m, "rocuronium", 3 * ROCURONIUM_RSI)  # stays paralysed for the whole test
    seen = run(m, 60)
    first = m.lab_results(["paco2"])["paco2"]
    seen += run(m, 600)
    later = m.lab_results(["paco2"])["paco2"]
    assert min(v.spo2 for v in seen) >= 95
    assert 6 <= first - before <= 16
    assert 2.5 <= (later - first) / 10 <= 4.5


def test_severe_hypoxaemia_ends_in_a_hypoxic_arrest() -> None:
    """Can't intubate, can't oxygenate: after desaturation the heart slows (hypoxic bradycardia below 60 within
    3 minutes of apnoea) and the circulation fails within about 10 minutes (pulseless), as in the arrests that follow
    severe desaturation at emergency intubation (Mort, Anesth Analg 2004;99:607)."""
    m = model(presenting="anaesthetised for an emergency laparotomy")
    give(m, "rocuronium", ROCURONIUM_RSI)
    m.start_insult(insult("failed_intubation", severity=1.0))
    assert first_time(m, 180, lambda v: v.hr < 60) is not None
    assert first_time(m, 420, lambda v: v.rhythm in ("pea", "asystole", "vf", "vt")) is not None


def test_front_of_neck_access_rescues_oxygenation() -> None:
    """In a can't-intubate-can't-oxygenate crisis, successful front-of-neck access (DAS 2015 Plan D) restores
    ventilation: SpO2 back above 90 % within a minute and a capnography trace returns."""
    m = model(presenting="anaesthetised for an emergency laparotomy")
    give(m, "rocuronium", ROCURONIUM_RSI)
    m.start_insult(insult("failed_intubation", severity=1.0))
    run(m, 150)
    assert m.vitals().spo2 < 70 and m.vitals().etco2 < 5
    do(m, "front_of_neck_access")
    seen = run(m, 60)
    assert seen[-1].spo2 > 90 and seen[-1].etco2 > 25


def test_a_failed_attempt_changes_nothing() -> None:
    """An airway attempt that fails (the session decided) leaves the patient as it was."""
    a, b = model(seed=5), model(seed=5)
    for m in (a, b):
        give(m, "rocuronium", ROCURONIUM_RSI)
        m.start_insult(insult("failed_intubation", severity=1.0))
    do(a, "supraglottic_airway", succeeded=False)
    assert run(a, 60) == run(b, 60)


def test_oxygen_does_not_fix_shunt() -> None:
    """A hypoxaemic baseline explained by shunt (SpO2 85 % on air) improves with 100 % oxygen but stays well short
    of 100 %: oxygen cannot reach blood that bypasses ventilated lung (the iso-shunt lines, Benatar et al., Br J
    Anaesth 1973;45:711)."""
    m = PatientModel(patient(hr=100, sbp=130, dbp=80, spo2=85, rr=24, etco2=32, temp=37.0), np.random.default_rng(1))
    do(m, "oxygen_high_flow")
    end = run(m, 300)[-1]
    assert 88 <= end.spo2 <= 96
