"""Golden trajectories: fixed stories under a fixed seed, pinned to the vitals they produced when the model was last
reviewed. A change to the model that moves them must be deliberate: look at the new trajectory, then regenerate with
``CRMSIM_REGOLD=1 pytest tests/physiology/test_golden.py`` and explain the change in the commit."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from physiology_helpers import ANAESTHETISED, do, drug, give, insult, model, run

from crmsim.core.physiology import PatientModel

GOLDEN = Path(__file__).with_name("golden")


def anaphylaxis_treated(m: PatientModel) -> list[dict]:
    """Anaphylaxis under anaesthesia treated by QRH 3-1: three 50 microgram boluses, a litre, an infusion."""
    m.start_insult(insult("anaphylaxis", severity=0.9, ramp=120))
    out = sample(m, 150)
    for _ in range(3):
        give(m, "adrenaline", 50)
        out += sample(m, 60)
    do(m, "crystalloid_bolus_1l")
    m.set_infusion("adrenaline", drug("adrenaline"), 0.1 * 70)
    return out + sample(m, 300)


def vf_arrest_resuscitated(m: PatientModel) -> list[dict]:
    """VF with compressions and ventilation, three shocks re-asserted by the scenario, adrenaline, then ROSC."""
    m.start_insult(insult("cardiac_arrest", rhythm="vf"))
    do(m, "chest_compressions")
    do(m, "bag_mask_ventilation")
    out = sample(m, 60)
    for _ in range(3):
        do(m, "defibrillation")
        m.start_insult(insult("cardiac_arrest", rhythm="vf"))
        out += sample(m, 120)
    give(m, "adrenaline", 1000)
    give(m, "amiodarone", 300_000)
    out += sample(m, 120)
    m.stop_insult("cardiac_arrest", 0)
    m.stop("chest_compressions")
    return out + sample(m, 180)


def sample(m: PatientModel, seconds: float) -> list[dict]:
    """The vitals every 30 s over ``seconds``, rounded as the log rounds them."""
    out = []
    for _ in range(round(seconds / 30)):
        out.append({"t": round(m.t + 30, 1), **run(m, 30)[-1].as_dict()})
    return out


STORIES: dict[str, Callable[[PatientModel], list[dict]]] = {
    "anaphylaxis_treated": anaphylaxis_treated,
    "vf_arrest_resuscitated": vf_arrest_resuscitated,
}


@pytest.mark.parametrize("name", sorted(STORIES))
def test_trajectory_matches_its_golden_file(name: str) -> None:
    """The story's vitals every 30 s (seed 11) equal the pinned ones, to the log's rounding (0.1, temperature
    0.01), with a tolerance of 0.2 for floating-point differences between platforms."""
    got = STORIES[name](model(11, base=ANAESTHETISED))
    path = GOLDEN / f"{name}.json"
    if os.environ.get("CRMSIM_REGOLD"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1) + "\n", encoding="utf-8")
    want = json.loads(path.read_text(encoding="utf-8"))
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g["rhythm"] == w["rhythm"], (g, w)
        for key in ("hr", "sbp", "dbp", "map", "spo2", "rr", "etco2", "temp"):
            assert abs(g[key] - w[key]) <= 0.2, (key, g, w)
