"""The patient model as a component: it implements the Physiology protocol, sits still at its baseline, repeats
itself exactly, and never leaves the possible ranges or raises, whatever it is asked."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from physiology_helpers import ADULT, ANAESTHETISED, TICK, do, drug, insult, intervention, model, patient, run

from crmsim.core.physiology import LAB_UNITS, PatientModel, Physiology, VitalSigns
from crmsim.schema.base import RHYTHMS, ROUTES, VITAL_LIMITS, VITALS
from crmsim.schema.formulary import Intervention
from crmsim.schema.phases import INSULT_KINDS


def within_limits(v: VitalSigns) -> bool:
    return all(
        math.isfinite(getattr(v, name)) and VITAL_LIMITS[name][0] <= getattr(v, name) <= VITAL_LIMITS[name][1]
        for name in VITALS
    ) and math.isfinite(v.st)


def test_implements_the_interface_and_starts_at_the_baseline() -> None:
    """The model satisfies the Physiology protocol and shows exactly the scenario's baseline at time zero."""
    m = model()
    assert isinstance(m, Physiology)
    v = m.vitals()
    assert (v.hr, v.sbp, v.dbp, v.spo2, v.rr, v.etco2, v.temp, v.rhythm) == (80, 120, 80, 98, 14, 38, 36.8, "sinus")
    assert v.as_dict()["map"] == round(80 + 40 / 3, 1)
    assert "st" not in v.as_dict()


def test_baseline_holds_steady_without_insults() -> None:
    """Left alone for twenty minutes, every vital stays within monitor noise of the baseline (the model is solved
    to be in equilibrium there), awake or anaesthetised and ventilated."""
    for base in (ADULT, ANAESTHETISED):
        for v in run(model(base=base), 20 * 60)[::10]:
            assert abs(v.hr - 80) < 5 and abs(v.sbp - 120) < 1 and abs(v.dbp - 80) < 1
            assert abs(v.spo2 - 98) < 2 and abs(v.rr - 14) < 0.5 and abs(v.etco2 - 38) < 1
            assert abs(v.temp - 36.8) < 0.05 and v.rhythm == "sinus"


def test_odd_baselines_are_steady_too() -> None:
    """A hypoxaemic, tachycardic, feverish baseline (SpO2 88 %, HR 118, 38.9 °C) is also an equilibrium: the shunt,
    resistance and stores are fitted to it."""
    m = PatientModel(patient(hr=118, sbp=95, dbp=55, spo2=88, rr=28, etco2=30, temp=38.9), np.random.default_rng(2))
    seen = run(m, 600)
    assert abs(seen[-1].spo2 - 88) < 2 and abs(seen[-1].hr - 118) < 6 and abs(seen[-1].sbp - 95) < 2
    assert seen[-1].rhythm == "sinus_tachycardia"


def test_a_scenario_may_open_in_arrest() -> None:
    """A baseline rhythm of VF opens in a pulseless arrest; after 30 s of compressions one shock converts it in most
    runs (its chance is about 0.85 here) to a perfusing sinus rhythm, and in the rest VF goes on."""
    p = patient(hr=0, sbp=0, dbp=0, spo2=80, rr=0, etco2=10)
    data = p.model_dump()
    data["baseline"]["rhythm"] = "vf"
    converted = 0
    for seed in range(20):
        m = PatientModel(type(p).model_validate(data), np.random.default_rng(seed))
        assert run(m, 10)[-1].rhythm == "vf"
        do(m, "chest_compressions")
        run(m, 30)
        do(m, "defibrillation")
        m.stop("chest_compressions")
        end = run(m, 90)[-1]
        if end.rhythm != "vf":
            converted += 1
            assert end.rhythm.startswith("sinus") and end.map > 50
    assert 12 <= converted <= 20


def test_labs_cover_every_reported_value() -> None:
    """Every value a lab test can report has a number, finite and in its unit's plausible range."""
    labs = model().lab_results(list(LAB_UNITS))
    assert set(labs) == set(LAB_UNITS)
    assert 7.35 <= labs["ph"] <= 7.45 and 3.5 <= labs["k"] <= 5 and 120 <= labs["hb"] <= 170
    assert 0.8 <= labs["lactate"] <= 1.5 and 2 <= labs["fibrinogen"] <= 4.5 and labs["inr"] < 1.2


def test_same_seed_and_inputs_repeat_bit_for_bit() -> None:
    """Two runs with the same seed and the same inputs give identical vitals at every tick; another seed differs
    (the monitor noise and the arrhythmia draws come from the generator the model was given)."""

    def session(seed: int) -> list[VitalSigns]:
        m = model(seed)
        seen = run(m, 30)
        m.start_insult(insult("haemorrhage", severity=1.0, ramp=30, rate="200 ml/min"))
        seen += run(m, 120)
        m.give_drug("adrenaline", drug("adrenaline"), 50.0, "iv")
        do(m, "crystalloid_bolus")
        do(m, "oxygen_high_flow")
        seen += run(m, 120)
        m.set_infusion("adrenaline", drug("adrenaline"), 5.0)
        m.set_trend("temp", 38.0, 60)
        seen += run(m, 120)
        return seen

    first, second = session(7), session(7)
    assert first == second
    assert session(8) != first


def test_trends_are_offsets_on_top_of_the_physiology() -> None:
    """A scenario trend moves a vital to its target over the given time and holds it there."""
    m = model()
    m.set_trend("hr", 130, 60)
    seen = run(m, 90)
    assert abs(seen[300].hr - 105) < 8 and abs(seen[-1].hr - 130) < 5


ODD = st.sampled_from([math.nan, math.inf, -math.inf])
DRUGS = ("adrenaline", "metaraminol", "rocuronium", "propofol", "oxytocin", "dantrolene", "lipid_emulsion")
INTERVENTIONS = ("oxygen_high_flow", "bag_mask_ventilation", "intubation_attempt", "front_of_neck_access",
                 "chest_compressions", "defibrillation", "crystalloid_bolus", "major_haemorrhage_pack", "cooling",
                 "stop_trigger", "bimanual_compression", "legs_up", "hyperventilate")  # fmt: skip


def numbers(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in range, and now and then NaN or an infinity."""
    return st.one_of(st.floats(low, high), ODD)


ACTIONS = st.one_of(
    st.tuples(st.just("tick"), st.integers(1, 50)),
    st.tuples(st.just("jump"), numbers(-10, 300)),
    st.tuples(st.just("insult"), st.sampled_from(INSULT_KINDS), st.floats(0, 1), st.floats(0, 600),
              st.sampled_from(["150 ml/min", "3 ml/kg/min", "5 L/h", "100000 ml/min"]),
              st.sampled_from(["vf", "vt", "pea", "asystole", "svt", "af", "sinus_bradycardia"])),
    st.tuples(st.just("stop_insult"), st.sampled_from(INSULT_KINDS), st.floats(0, 600)),
    st.tuples(st.just("drug"), st.sampled_from(DRUGS),
              st.one_of(st.floats(-1, 1e7), st.sampled_from([math.nan, math.inf, 0.0, 1e300])),
              st.sampled_from(ROUTES)),
    st.tuples(st.just("infusion"), st.sampled_from(DRUGS), numbers(-10, 1e5)),
    st.tuples(st.just("perform"), st.sampled_from(INTERVENTIONS), st.booleans()),
    st.tuples(st.just("stop"), st.sampled_from([*INTERVENTIONS, "unknown"])),
    st.tuples(st.just("trend"), st.sampled_from([*VITALS, "unknown"]), numbers(-1000, 1000), numbers(0, 600)),
)  # fmt: skip


def apply(m: PatientModel, action: tuple) -> None:
    kind = action[0]
    if kind == "tick":
        for _ in range(action[1]):
            m.step(TICK)
    elif kind == "jump":
        m.step(action[1])
    elif kind == "insult":
        _, name, severity, ramp, rate, rhythm = action
        m.start_insult(insult(name, severity=severity, ramp=ramp, rate=rate, rhythm=rhythm))
    elif kind == "stop_insult":
        m.stop_insult(action[1], action[2])
    elif kind == "drug":
        m.give_drug(action[1], drug(action[1]), action[2], action[3])
    elif kind == "infusion":
        m.set_infusion(action[1], drug(action[1]), action[2])
    elif kind == "perform":
        m.perform(action[1], intervention(action[1]), action[2])
    elif kind == "stop":
        m.stop(action[1])
    else:
        m.set_trend(action[1], action[2], action[3])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ACTIONS, min_size=1, max_size=20), st.integers(0, 2**32 - 1), st.booleans())
def test_vitals_stay_within_limits_whatever_happens(actions: list[tuple], seed: int, anaesthetised: bool) -> None:
    """Under any sequence of insults, drugs (even absurd amounts), interventions, trends and time steps, nothing
    raises, every vital is finite and within VITAL_LIMITS, the rhythm is a known one, and the snapshot and the labs
    are JSON-safe and finite. Cardiac arrest is a state to manage, never a crash."""
    m = model(seed, base=ANAESTHETISED if anaesthetised else ADULT)
    for action in actions:
        apply(m, action)
        v = m.vitals()
        assert within_limits(v), (action, v)
        assert v.rhythm in RHYTHMS
    json.dumps(m.snapshot(), allow_nan=False)
    labs = m.lab_results([*LAB_UNITS, "nonsense"])
    assert "nonsense" not in labs and all(math.isfinite(x) for x in labs.values())


def test_a_scenario_s_own_intervention_is_understood_by_its_words() -> None:
    """An intervention a scenario defines without the new parameters still acts: a 'needle decompression'
    procedure relieves a tension pneumothorax (keyword fallback)."""
    m = model(base=ANAESTHETISED)
    m.start_insult(insult("tension_pneumothorax", severity=1.0, ramp=60))
    low = run(m, 180)[-1].sbp
    m.perform("needle_decompression", Intervention(name="Needle decompression", kind="procedure"), True)
    assert run(m, 60)[-1].sbp > low + 30
