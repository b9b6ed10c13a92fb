"""Each crisis a scenario can start: its course untreated and its response to the guideline treatment."""

from __future__ import annotations

from physiology_helpers import ADULT, ANAESTHETISED, do, drug, first_time, give, insult, intervention, model, run

from crmsim.core.physiology import PatientModel

OBSTETRIC = {**ADULT, "age_years": 32, "sex": "female", "weight_kg": 75,
             "presenting": "vaginal delivery 20 minutes ago; the placenta is out and she is bleeding"}  # fmt: skip


def anaphylaxis(m: PatientModel) -> None:
    m.start_insult(insult("anaphylaxis", severity=0.9, ramp=180))


def test_untreated_anaphylaxis_under_anaesthesia_collapses() -> None:
    """Severe anaphylaxis under anaesthesia: hypotension within three minutes (systolic below 90: hypotension was
    universal in NAP6, Harper et al., Br J Anaesth 2018;121:172), systolic below 50 (the QRH 3-1 threshold for
    compressions) within six, with a rising heart rate and tryptase raised afterwards."""
    m = model(base=ANAESTHETISED)
    anaphylaxis(m)
    assert first_time(m, 180, lambda v: v.sbp < 90) is not None
    assert first_time(m, 180, lambda v: v.sbp < 50) is not None
    assert m.vitals().hr > 100
    assert m.lab_results(["tryptase"])["tryptase"] > 20


def test_anaphylaxis_responds_to_adrenaline_fluid_and_an_infusion() -> None:
    """Treated as QRH 3-1 says (adrenaline 50 micrograms IV repeated, a crystalloid bolus, then an adrenaline
    infusion after three boluses), the systolic recovers above 90 and stays there; the same patient untreated is
    still below 50."""
    treated, untreated = model(base=ANAESTHETISED), model(base=ANAESTHETISED)
    for m in (treated, untreated):
        anaphylaxis(m)
        run(m, 120)
    for _ in range(3):
        give(treated, "adrenaline", 50)
        run(treated, 60)
    do(treated, "crystalloid_bolus_1l")
    treated.set_infusion("adrenaline", drug("adrenaline"), 0.1 * 70)
    late = run(treated, 480)
    assert min(v.sbp for v in late[-1200:]) > 90
    assert run(untreated, 660)[-1].sbp < 50


def test_malignant_hyperthermia_and_dantrolene() -> None:
    """Malignant hyperthermia with fixed ventilation: end-tidal CO2 and heart rate climb first, then the temperature
    (about 1-2 °C every 5 minutes at its worst: Rosenberg et al., Orphanet J Rare Dis 2015;10:93), with acidosis,
    potassium and CK rising. Dantrolene 2.5 mg/kg with hyperventilation and cooling turns it round within 20-30
    minutes (Glahn et al., EMHG guideline, Br J Anaesth 2010;105:417)."""
    m = model(base=ANAESTHETISED)
    m.start_insult(insult("malignant_hyperthermia", severity=1.0, ramp=300))
    seen = run(m, 600)
    assert seen[-1].etco2 > seen[0].etco2 + 20 and seen[-1].hr > 100
    assert 0.8 <= seen[-1].temp - seen[0].temp <= 3.5
    labs = m.lab_results(["ph", "k", "ck"])
    assert labs["ph"] < 7.2 and labs["k"] > 5.5 and labs["ck"] > 500
    for action in ("stop_volatile_tiva", "hyperventilate", "cooling"):
        do(m, action)
    give(m, "dantrolene", 2.5 * 70_000)
    after = run(m, 1500)
    assert after[-1].etco2 < 45 and after[-1].hr < seen[-1].hr - 15
    assert m.insults.active["malignant_hyperthermia"].effective < 0.3


def test_local_anaesthetic_toxicity_runs_from_brain_to_heart() -> None:
    """LAST (AAGBI 2010): the nervous system first (a seizure: breathing fails, saturation falls), then the heart
    (bradycardia, hypotension, arrest). A benzodiazepine stops the seizure; lipid emulsion, 1.5 ml/kg then
    15 ml/kg/h, relieves the toxicity."""
    m = model()
    m.start_insult(insult("last", severity=1.0, ramp=300))
    brain = run(m, 150)
    assert min(v.spo2 for v in brain) < 90
    assert first_time(m, 240, lambda v: v.rhythm in ("asystole", "pea", "vf", "vt") or v.sbp < 70) is not None

    treated = model()
    treated.start_insult(insult("last", severity=0.7, ramp=120))
    run(treated, 90)
    give(treated, "midazolam", 2000)
    give(treated, "lipid_emulsion", 1.5 * 70)
    treated.set_infusion("lipid_emulsion", drug("lipid_emulsion"), 15 * 70 / 60)
    end = run(treated, 600)[-1]
    assert end.sbp > 100 and end.spo2 > 92 and treated.insults.active["last"].effective < 0.35


def test_sepsis_is_a_warm_vasodilated_shock_that_fluids_help() -> None:
    """Sepsis: tachycardia, a falling pressure and a rising lactate; 30 ml/kg of crystalloid (Surviving Sepsis
    Campaign hour-1 bundle) raises the pressure."""
    m = model()
    m.start_insult(insult("sepsis", severity=1.0, ramp=300))
    before = run(m, 900)[-1]
    assert before.hr > 110 and before.map < 85 and m.lab_results(["lactate"])["lactate"] > 1.8
    do(m, "crystalloid_bolus_1l")
    m.perform("second_litre", intervention("crystalloid_bolus_1l"), True)
    after = run(m, 900)[-1]
    assert after.map > before.map + 3


def test_laryngospasm_desaturates_and_suxamethonium_breaks_it() -> None:
    """Laryngospasm in a spontaneously breathing patient: saturation falls; oxygen by bag and mask, then
    suxamethonium, relieves it (the usual sequence of the laryngospasm algorithms)."""
    m = model()
    m.start_insult(insult("laryngospasm", severity=1.0, ramp=5))
    assert first_time(m, 120, lambda v: v.spo2 < 90) is not None
    do(m, "bag_mask_ventilation")
    give(m, "suxamethonium", 0.5 * 70_000)
    assert first_time(m, 120, lambda v: v.spo2 > 95) is not None


def test_bronchospasm_raises_co2_and_adrenaline_relieves_it() -> None:
    """Bronchospasm under controlled ventilation cuts alveolar ventilation: the end-tidal and arterial CO2 climb and
    saturation falls; adrenaline (a bronchodilator) reverses it. (The body's CO2 store empties slowly, over some
    ten minutes, in this single-store model.)"""
    m = model(base=ANAESTHETISED)
    m.start_insult(insult("bronchospasm", severity=0.9, ramp=60))
    worst = run(m, 300)[-1]
    worst_co2 = m.lab_results(["paco2"])["paco2"]
    assert worst.etco2 > 44 and worst.spo2 < 97
    m.set_infusion("adrenaline", drug("adrenaline"), 0.05 * 70)
    better = run(m, 900)[-1]
    assert m.lab_results(["paco2"])["paco2"] < worst_co2 - 3 and better.spo2 > worst.spo2 + 2


def test_postpartum_haemorrhage_slows_with_uterotonics_and_tranexamic_acid() -> None:
    """Atonic postpartum haemorrhage (RCOG Green-top 52): oxytocin, then an infusion, with bimanual compression,
    slow the bleeding; tranexamic acid within 3 hours (WOMAN trial, Lancet 2017;389:2105) protects the fibrinogen."""
    untreated, treated = model(base=OBSTETRIC), model(base=OBSTETRIC)
    for m in (untreated, treated):
        m.start_insult(insult("haemorrhage", severity=1.0, rate="150 ml/min"))
    give(treated, "oxytocin", 5)
    treated.set_infusion("oxytocin", drug("oxytocin"), 10 / 60)
    give(treated, "tranexamic_acid", 1_000_000)
    do(treated, "bimanual_compression")
    run(untreated, 900)
    run(treated, 900)
    assert treated.blood.lost < 0.5 * untreated.blood.lost
    assert treated.lab_results(["fibrinogen"])["fibrinogen"] > untreated.lab_results(["fibrinogen"])["fibrinogen"]
    assert treated.vitals().sbp > untreated.vitals().sbp


def test_uterotonics_do_not_stop_a_non_obstetric_bleed() -> None:
    """Oxytocin acts on the uterus: it does nothing for a man bleeding from a wound (a wrong drug has no benefit;
    the little less he loses follows from the lower pressure its vasodilation brings)."""
    a, b = model(seed=3), model(seed=3)
    for m in (a, b):
        m.start_insult(insult("haemorrhage", severity=1.0, rate="150 ml/min"))
    give(a, "oxytocin", 5)
    run(a, 600)
    run(b, 600)
    assert a.blood.lost >= 0.9 * b.blood.lost


def test_arrhythmias_and_cardioversion() -> None:
    """SVT at 190/min with a pulse, AF with an irregular fast rate and VT with a poor output; a synchronised shock
    converts SVT (first-shock success about 90 %, estimate) to sinus rhythm."""
    for rhythm, low, high in (("svt", 180, 200), ("af", 90, 175), ("vt", 170, 190)):
        m = model()
        m.start_insult(insult("arrhythmia", rhythm=rhythm))
        v = run(m, 60)[-1]
        assert v.rhythm in (rhythm, "pea") and low <= v.hr <= high
    converted = 0
    for seed in range(20):
        m = model(seed)
        m.start_insult(insult("arrhythmia", rhythm="svt"))
        run(m, 30)
        do(m, "defibrillation")
        converted += run(m, 10)[-1].rhythm.startswith("sinus")
    assert 14 <= converted <= 20


def test_airway_devices_bypass_what_they_reach() -> None:
    """A supraglottic airway bypasses a failed-intubation airway but not laryngospasm; a tracheal tube bypasses
    both (DAS 2015 Plans B and A)."""
    for kind, device, works in (("failed_intubation", "supraglottic_airway", True),
                                ("laryngospasm", "supraglottic_airway", False),
                                ("laryngospasm", "intubation_attempt", True)):  # fmt: skip
        m = model(presenting="anaesthetised")
        give(m, "rocuronium", 0.6 * 70_000) if kind == "failed_intubation" else None
        m.start_insult(insult(kind, severity=1.0))
        run(m, 120)
        do(m, device)
        assert (run(m, 90)[-1].spo2 > 93) is works, (kind, device)
