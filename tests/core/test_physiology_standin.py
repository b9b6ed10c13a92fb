"""The stand-in physiology moves the monitor the right way for each insult and treatment, stays within physical
limits whatever it is asked, and repeats itself exactly."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmsim.core.physiology import Physiology, StandInPhysiology, VitalSigns
from crmsim.schema.base import ROUTES, VITAL_LIMITS, VITALS
from crmsim.schema.formulary import Drug, Intervention
from crmsim.schema.phases import INSULT_KINDS, InsultStart
from crmsim.schema.scenario import Patient

TICK = 0.1

PATIENT = Patient.model_validate(
    {
        "age_years": 45,
        "sex": "male",
        "weight_kg": 70,
        "presenting": "elective laparotomy",
        "baseline": {
            "vitals": {"hr": 80, "sbp": 120, "dbp": 80, "spo2": 98, "rr": 14, "etco2": 38, "temp": 36.8},
            "rhythm": "sinus",
        },
    }
)

ADRENALINE = Drug.model_validate(
    {
        "name": "Adrenaline",
        "drug_class": "catecholamine",
        "unit": "mcg",
        "routes": ["iv", "im", "infusion"],
        "doses": {"iv": {"usual": "50 mcg"}, "im": {"usual": "500 mcg"}},
        "kinetics": {"volume_l_per_kg": 0.15, "clearance_ml_min_kg": 70, "ke0_per_min": 0.5},
        "effects": [
            {"target": "heart_rate", "emax": 0.45, "ec50": 0.0009, "hill": 10},
            {"target": "contractility", "emax": 0.5, "ec50": 0.0009, "hill": 10},
            {"target": "vascular_tone", "emax": 0.3, "ec50": 0.0009, "hill": 10},
            {"target": "bronchodilation", "emax": 0.3, "ec50": 0.0009, "hill": 10},
            {"target": "mast_cell_stabilisation", "emax": 0.5, "ec50": 0.0009, "hill": 10},
        ],
        "source": "test",
    }
)
METARAMINOL = Drug.model_validate(
    {
        "name": "Metaraminol",
        "drug_class": "sympathomimetic",
        "unit": "mg",
        "routes": ["iv"],
        "doses": {"iv": {"usual": "0.5 mg"}},
        "kinetics": {"volume_l_per_kg": 0.5, "clearance_ml_min_kg": 20, "ke0_per_min": 0.5},
        "effects": [{"target": "vascular_tone", "emax": 0.5, "ec50": 0.01, "hill": 1.5}],
        "source": "test",
    }
)
#: no kinetics and no effects: the stand-in falls back on its class table and a five-minute half-life
ROCURONIUM_BARE = Drug.model_validate(
    {"name": "Rocuronium", "drug_class": "neuromuscular blocker", "unit": "mg", "routes": ["iv"], "source": "test"}
)
DRUGS = {"adrenaline": ADRENALINE, "metaraminol": METARAMINOL, "rocuronium": ROCURONIUM_BARE}

OXYGEN = Intervention(name="Oxygen", kind="oxygen", fio2=1.0)
BAG = Intervention(name="Bag-mask ventilation", kind="ventilation", fio2=1.0)
INTUBATION = Intervention(name="Intubation", kind="airway")
COMPRESSIONS = Intervention(name="Chest compressions", kind="cpr")
SHOCK = Intervention(name="Defibrillation", kind="defibrillation", energy_j=150)
FLUID = Intervention(name="Crystalloid", kind="fluid", volume=1000)
BLOOD = Intervention(name="Blood", kind="blood", volume=280)
COOLING = Intervention(name="Cooling", kind="cooling")
INTERVENTIONS = {
    "oxygen": OXYGEN,
    "bag": BAG,
    "intubation": INTUBATION,
    "chest_compressions": COMPRESSIONS,
    "defibrillation": SHOCK,
    "fluid": FLUID,
    "blood": BLOOD,
    "cooling": COOLING,
}


def patient(seed: int = 1) -> StandInPhysiology:
    return StandInPhysiology(PATIENT, np.random.default_rng(seed))


def run(model: StandInPhysiology, seconds: float) -> list[VitalSigns]:
    """Step the model as the core does (10 ticks a second) and return the vitals after every tick."""
    seen = []
    for _ in range(round(seconds / TICK)):
        model.step(TICK)
        seen.append(model.vitals())
    return seen


def within_limits(v: VitalSigns) -> bool:
    values = {name: getattr(v, name) for name in VITALS}
    return all(
        math.isfinite(value) and VITAL_LIMITS[name][0] <= value <= VITAL_LIMITS[name][1]
        for name, value in values.items()
    )


def test_implements_the_interface() -> None:
    """The stand-in satisfies the Physiology protocol and starts exactly at the patient's baseline."""
    model = patient()
    assert isinstance(model, Physiology)
    v = model.vitals()
    assert (v.hr, v.sbp, v.dbp, v.spo2, v.rr, v.etco2, v.temp, v.rhythm) == (80, 120, 80, 98, 14, 38, 36.8, "sinus")
    assert v.as_dict()["map"] == round(80 + 40 / 3, 1)


def test_baseline_holds_steady_without_insults() -> None:
    """With nothing happening, twenty minutes pass with every vital within noise of its baseline."""
    for v in run(patient(), 20 * 60):
        assert abs(v.hr - 80) < 5 and abs(v.sbp - 120) < 1 and abs(v.dbp - 80) < 1
        assert abs(v.spo2 - 98) < 2 and abs(v.rr - 14) < 0.5 and abs(v.etco2 - 38) < 1 and abs(v.temp - 36.8) < 0.05
        assert v.rhythm == "sinus"


def test_anaphylaxis_drops_blood_pressure() -> None:
    """Anaphylaxis at severity 0.9 takes the systolic below 70 within five minutes, with a tachycardia and a
    falling EtCO2."""
    model = patient()
    model.start_insult(InsultStart(insult="anaphylaxis", severity=0.9, ramp=60))
    seen = run(model, 5 * 60)
    assert min(v.sbp for v in seen) < 70
    assert seen[-1].hr > 110
    assert seen[-1].etco2 < 30


def test_adrenaline_treats_anaphylaxis_and_a_milligram_overshoots() -> None:
    """50 mcg IV lifts the systolic in anaphylaxis within two minutes; 1000 mcg IV overshoots past 180."""
    small = patient()
    small.start_insult(InsultStart(insult="anaphylaxis", severity=0.9, ramp=60))
    before = run(small, 5 * 60)[-1].sbp
    small.give_drug("adrenaline", ADRENALINE, 50.0, "iv")
    assert max(v.sbp for v in run(small, 2 * 60)) > before + 20

    large = patient()
    large.start_insult(InsultStart(insult="anaphylaxis", severity=0.9, ramp=60))
    run(large, 5 * 60)
    large.give_drug("adrenaline", ADRENALINE, 1000.0, "iv")
    after = run(large, 3 * 60)
    assert max(v.sbp for v in after) > 180
    assert max(v.hr for v in after) > 150


def test_vasopressor_raises_pressure_partly() -> None:
    """Metaraminol 0.5 mg IV raises the systolic of a vasodilated patient, but less than adrenaline's overdose."""
    model = patient()
    model.start_insult(InsultStart(insult="sepsis", severity=1.0))
    before = run(model, 5 * 60)[-1].sbp
    model.give_drug("metaraminol", METARAMINOL, 500.0, "iv")
    peak = max(v.sbp for v in run(model, 5 * 60))
    assert before + 5 < peak < 160


def test_full_airway_obstruction_desaturates() -> None:
    """Complete obstruction on room air takes SpO2 below 90 within six minutes and removes the EtCO2 trace;
    preoxygenated, the fall starts later."""
    model = patient()
    model.start_insult(InsultStart(insult="airway_obstruction", severity=1.0))
    seen = run(model, 6 * 60)
    room_air = next(i for i, v in enumerate(seen) if v.spo2 < 90) * TICK
    assert seen[-1].etco2 < 2

    preoxygenated = patient()
    preoxygenated.perform("oxygen", OXYGEN, True)
    run(preoxygenated, 3 * 60)
    preoxygenated.start_insult(InsultStart(insult="airway_obstruction", severity=1.0))
    seen = run(preoxygenated, 8 * 60)
    with_oxygen = next(i for i, v in enumerate(seen) if v.spo2 < 90) * TICK
    assert room_air < 120 and 180 < with_oxygen < 6 * 60


def test_vf_has_no_pressure_and_compressions_restore_some() -> None:
    """VF takes the mean pressure below 20; chest compressions lift it to 30–50 while they run."""
    model = patient()
    model.start_insult(InsultStart(insult="cardiac_arrest", rhythm="vf"))
    assert run(model, 60)[-1].map < 20
    model.perform("chest_compressions", COMPRESSIONS, True)
    assert 30 <= run(model, 60)[-1].map <= 50
    model.stop("chest_compressions")
    assert run(model, 60)[-1].map < 20


def test_defibrillation_converts_vf() -> None:
    """A failed shock leaves VF; a successful one restores sinus rhythm and a perfusing pressure."""
    model = patient()
    model.start_insult(InsultStart(insult="cardiac_arrest", rhythm="vf"))
    run(model, 30)
    model.perform("defibrillation", SHOCK, False)
    assert run(model, 5)[-1].rhythm == "vf"
    model.perform("defibrillation", SHOCK, True)
    seen = run(model, 120)
    assert seen[0].rhythm == "sinus"
    assert seen[-1].map > 60


def test_drug_without_kinetics_or_effects_uses_fallbacks() -> None:
    """A neuromuscular blocker known only by its class stops breathing, then wears off (five-minute half-life)."""
    model = patient()
    model.give_drug("rocuronium", ROCURONIUM_BARE, 42000.0, "iv")
    assert run(model, 60)[-1].rr < 4
    run(model, 40 * 60)
    assert model.vitals().rr > 12


ODD = st.sampled_from([math.nan, math.inf, -math.inf])


def numbers(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in range, and now and then NaN or an infinity."""
    return st.one_of(st.floats(low, high), ODD)


ACTIONS = st.one_of(
    st.tuples(st.just("tick"), st.integers(1, 50)),
    st.tuples(st.just("jump"), numbers(-10, 900)),
    st.tuples(
        st.just("insult"),
        st.sampled_from(INSULT_KINDS),
        st.floats(0, 1),
        st.floats(0, 600),
        st.sampled_from(["150 ml/min", "3 ml/kg/min", "5 L/h", "100000 ml/min"]),
        st.sampled_from(["vf", "vt", "pea", "asystole", "svt", "af", "sinus_bradycardia"]),
    ),
    st.tuples(st.just("stop_insult"), st.sampled_from(INSULT_KINDS), st.floats(0, 600)),
    st.tuples(
        st.just("drug"),
        st.sampled_from(sorted(DRUGS)),
        st.one_of(st.floats(-1, 1e7), st.sampled_from([math.nan, math.inf, 0.0, 1e300])),
        st.sampled_from(ROUTES),
    ),
    st.tuples(st.just("infusion"), st.sampled_from(sorted(DRUGS)), numbers(-10, 1e5)),
    st.tuples(st.just("perform"), st.sampled_from(sorted(INTERVENTIONS)), st.booleans()),
    st.tuples(st.just("stop"), st.sampled_from([*INTERVENTIONS, "unknown"])),
    st.tuples(
        st.just("trend"),
        st.sampled_from([*VITALS, "unknown"]),
        numbers(-1000, 1000),
        numbers(0, 600),
    ),
)


def apply(model: StandInPhysiology, action: tuple) -> None:
    kind = action[0]
    if kind == "tick":
        for _ in range(action[1]):
            model.step(TICK)
    elif kind == "jump":
        model.step(action[1])
    elif kind == "insult":
        _, insult, severity, ramp, rate, rhythm = action
        model.start_insult(InsultStart(insult=insult, severity=severity, ramp=ramp, rate=rate, rhythm=rhythm))
    elif kind == "stop_insult":
        model.stop_insult(action[1], action[2])
    elif kind == "drug":
        model.give_drug(action[1], DRUGS[action[1]], action[2], action[3])
    elif kind == "infusion":
        model.set_infusion(action[1], DRUGS[action[1]], action[2])
    elif kind == "perform":
        model.perform(action[1], INTERVENTIONS[action[1]], action[2])
    elif kind == "stop":
        model.stop(action[1])
    else:
        model.set_trend(action[1], action[2], action[3])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ACTIONS, min_size=1, max_size=25), st.integers(0, 2**32 - 1))
def test_vitals_stay_within_limits_whatever_happens(actions: list[tuple], seed: int) -> None:
    """Under any sequence of insults, drugs (even absurd amounts), interventions, trends and time steps, nothing
    raises, every vital stays finite and within VITAL_LIMITS, and the snapshot and labs are JSON-safe."""
    model = patient(seed)
    for action in actions:
        apply(model, action)
        v = model.vitals()
        assert within_limits(v), (action, v)
        assert v.rhythm in ("sinus", "sinus_tachycardia", "sinus_bradycardia", "svt", "af", "vt", "vf", "pea",
                            "asystole")
    json.dumps(model.snapshot(), allow_nan=False)
    labs = model.lab_results(["ph", "pao2", "paco2", "lactate", "k", "hb", "inr", "tryptase", "nonsense"])
    assert "nonsense" not in labs and all(math.isfinite(x) for x in labs.values())


def test_same_seed_and_inputs_repeat_bit_for_bit() -> None:
    """Two runs with the same seed and the same inputs give identical vitals at every tick."""

    def session(seed: int) -> list[VitalSigns]:
        model = patient(seed)
        seen = run(model, 30)
        model.start_insult(InsultStart(insult="haemorrhage", severity=1.0, ramp=30, rate="200 ml/min"))
        seen += run(model, 120)
        model.give_drug("adrenaline", ADRENALINE, 50.0, "iv")
        model.perform("fluid", FLUID, True)
        model.perform("oxygen", OXYGEN, True)
        seen += run(model, 120)
        model.set_infusion("adrenaline", ADRENALINE, 5.0)
        model.set_trend("temp", 38.0, 60)
        seen += run(model, 120)
        return seen

    first, second = session(7), session(7)
    assert first == second
    assert session(8) != first  # the noise comes from the generator it was given
