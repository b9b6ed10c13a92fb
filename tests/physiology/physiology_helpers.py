"""Helpers for the physiology tests: standard patients, the bundled formulary, and stepping a model as the core does
(ten 0.1-second ticks a second). Nothing here reads the clock."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from crmsim.core.physiology import PatientModel, VitalSigns
from crmsim.schema.formulary import Drug, Formulary, Intervention
from crmsim.schema.phases import InsultStart
from crmsim.schema.scenario import Patient
from crmsim.schema.yaml_loader import parse_yaml

TICK = 0.1

#: A healthy 45-year-old, 70 kg man, awake and breathing room air.
ADULT: dict[str, Any] = {
    "age_years": 45,
    "sex": "male",
    "weight_kg": 70,
    "presenting": "elective laparotomy, in the anaesthetic room",
    "baseline": {
        "vitals": {"hr": 80, "sbp": 120, "dbp": 80, "spo2": 98, "rr": 14, "etco2": 38, "temp": 36.8},
        "rhythm": "sinus",
    },
}
#: The same man anaesthetised, intubated and ventilated.
ANAESTHETISED = {**ADULT, "presenting": "anaesthetised, intubated and ventilated for a laparotomy"}


def patient(base: dict[str, Any] = ADULT, **vitals: float) -> Patient:
    """A patient from ``base`` with some baseline vitals changed."""
    data = {**base, "baseline": {**base["baseline"], "vitals": {**base["baseline"]["vitals"], **vitals}}}
    return Patient.model_validate(data)


def model(seed: int = 1, base: dict[str, Any] = ADULT, **changes: Any) -> PatientModel:
    """A fresh patient model; ``changes`` replace top-level patient fields (weight_kg, presenting, ...)."""
    return PatientModel(Patient.model_validate({**base, **changes}), np.random.default_rng(seed))


@cache
def formulary() -> Formulary:
    source = resources.files("crmsim.library").joinpath("formulary.yaml")
    return Formulary.model_validate(parse_yaml(source.read_bytes(), "crmsim/library/formulary.yaml").data)


def drug(drug_id: str) -> Drug:
    return formulary().drugs[drug_id]


def intervention(intervention_id: str) -> Intervention:
    return formulary().interventions[intervention_id]


def insult(kind: str, **fields: Any) -> InsultStart:
    return InsultStart.model_validate({"insult": kind, **fields})


def run(m: PatientModel, seconds: float) -> list[VitalSigns]:
    """Step the model as the session does and return the vitals after every tick."""
    seen = []
    for _ in range(round(seconds / TICK)):
        m.step(TICK)
        seen.append(m.vitals())
    return seen


def first_time(m: PatientModel, seconds: float, condition: Callable[[VitalSigns], bool]) -> float | None:
    """Seconds (from now) until ``condition`` holds, stepping tick by tick for at most ``seconds``; None if never."""
    start = m.t
    for _ in range(round(seconds / TICK)):
        m.step(TICK)
        if condition(m.vitals()):
            return m.t - start
    return None


def give(m: PatientModel, drug_id: str, amount: float, route: str = "iv") -> None:
    """Give ``amount`` of a formulary drug in its canonical unit (mcg for mass)."""
    m.give_drug(drug_id, drug(drug_id), amount, route)


def do(m: PatientModel, intervention_id: str, succeeded: bool = True) -> None:
    """Perform a formulary intervention."""
    m.perform(intervention_id, intervention(intervention_id), succeeded)
