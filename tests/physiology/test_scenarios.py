"""The model inside the bundled scenarios: every scripted team keeps the vitals possible, and in the anaphylaxis
scenario the reference team reaches a good state while the novice team's patient is clearly worse off."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from crmsim.core.headless import ScriptRunner
from crmsim.core.log import Record
from crmsim.core.session import Session
from crmsim.schema.base import RHYTHMS, VITAL_LIMITS, VITALS
from crmsim.schema.load import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BUNDLED = sorted(p for p in SCENARIOS.glob("*.yaml") if ".script." not in p.name)


@cache
def records(path: Path, team: str, seed: int = 7) -> tuple[Record, ...]:
    loaded = load_scenario(path)
    return tuple(ScriptRunner(loaded.scripts[team]).run(Session(loaded, seed)).records)


def vitals(path: Path, team: str) -> list[dict]:
    return [r.data | {"t": r.t} for r in records(path, team) if r.kind == "VitalsSampled"]


@pytest.mark.parametrize("team", ["reference", "novice"])
@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_scenario_keeps_the_vitals_possible(path: Path, team: str) -> None:
    """Whatever a scripted team does in any bundled scenario, every sampled vital is finite and within VITAL_LIMITS,
    every rhythm is a known one, and every lab result is a finite number."""
    for v in vitals(path, team):
        for name in VITALS:
            assert math.isfinite(v[name]) and VITAL_LIMITS[name][0] <= v[name] <= VITAL_LIMITS[name][1], v
        assert v["rhythm"] in RHYTHMS
    for r in records(path, team):
        if r.kind == "LabResulted":
            assert all(math.isfinite(x) for x in r.data["values"].values())


def test_anaphylaxis_reference_team_recovers_and_novice_team_does_worse() -> None:
    """In anaphylaxis-ga, the reference team (adrenaline 50 micrograms within about a minute, repeated, fluid) keeps
    the systolic above 90 from its second minute of treatment and never below 50; the novice team (ephedrine,
    metaraminol, late adrenaline 1 mg) lets it fall below 50 for minutes and ends with a patient who has had a
    ventricular arrhythmia or has died."""
    path = SCENARIOS / "anaphylaxis-ga.yaml"
    reference, novice = vitals(path, "reference"), vitals(path, "novice")
    assert min(v["sbp"] for v in reference) > 50
    assert all(v["sbp"] > 90 for v in reference if v["t"] >= 100)
    below_50 = sum(1 for v in novice if v["sbp"] < 50)
    assert below_50 >= 120
    outcome = next(r.data["outcome"] for r in records(path, "novice") if r.kind == "SessionEnded")
    assert outcome == "death" or any(v["rhythm"] in ("vt", "vf") for v in novice)
