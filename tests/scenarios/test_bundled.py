"""Every bundled scenario does what issue #4 promises: it validates, both its scripts run headless without a refused
command, the reference team reaches the good outcome and the novice team a clearly worse one, the difference shows
in the logged vitals, and every log replays byte for byte.

Each scenario file found in ``scenarios/`` is tested; each script runs once (module-scoped cache) under one seed.
What the novice's vitals must show worse than the reference's is data, per scenario, in :data:`WORSE`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crmsim.core.headless import ScriptRunner
from crmsim.core.log import Log, LogWriter, read_log
from crmsim.core.replay import verify
from crmsim.core.session import Session
from crmsim.schema.catalogue import find_scenario_files
from crmsim.schema.load import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BUNDLED = find_scenario_files([SCENARIOS])
SEED = 1
TEAMS = ("reference", "novice")
GOOD = "resolved"
WORSE_OUTCOMES = frozenset({"death", "time_limit"})
NON_PERFUSING = frozenset({"vf", "vt", "pea", "asystole"})

Vitals = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Measure:
    """A number taken from a run's sampled vitals (one sample a second), and by how much the novice's must be worse."""

    describe: str
    take: Callable[[Vitals], float]
    worse_by: float  # positive: the novice's is at least this much higher; negative: this much lower


MEASURES: dict[str, Measure] = {
    "min_spo2": Measure("lowest SpO2 (%)", lambda v: min(s["spo2"] for s in v), -10.0),
    "min_sbp": Measure("lowest systolic (mmHg)", lambda v: min(s["sbp"] for s in v), -20.0),
    "seconds_sbp_below_70": Measure("seconds with a systolic below 70", lambda v: sum(s["sbp"] < 70 for s in v), 60.0),
    "seconds_pulseless": Measure("seconds in VF, VT, PEA or asystole",
                                 lambda v: sum(s["rhythm"] in NON_PERFUSING for s in v), 60.0),  # fmt: skip
}

#: What the novice's logged vitals must show clearly worse than the reference's, per scenario id. A new scenario
#: adds its line here (the test says so until it does).
WORSE: dict[str, tuple[str, ...]] = {
    "anaphylaxis-ga": ("min_sbp", "seconds_sbp_below_70"),
    "cico": ("min_spo2", "min_sbp", "seconds_pulseless"),
    "last": ("min_spo2", "min_sbp", "seconds_pulseless"),
    "malignant-hyperthermia": ("min_spo2", "min_sbp", "seconds_pulseless"),
    "postpartum-haemorrhage": ("min_sbp",),
    "vf-arrest": ("seconds_pulseless", "seconds_sbp_below_70"),
}


@dataclass(frozen=True)
class Run:
    """One scripted run, as logged to disk and read back."""

    path: Path
    team: str
    log: Log

    def vitals(self) -> list[dict[str, Any]]:
        return [dict(r.data) for r in self.log.records if r.kind == "VitalsSampled"]

    def outcome(self) -> str:
        return next(r.data["outcome"] for r in self.log.records if r.kind == "SessionEnded")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str], Run]:
    """Each scenario's script run once, its log written as ``crmsim run`` writes it."""
    cache: dict[tuple[Path, str], Run] = {}
    folder = tmp_path_factory.mktemp("bundled")

    def get(path: Path, team: str) -> Run:
        if (path, team) not in cache:
            loaded = load_scenario(path)
            log_path = folder / f"{loaded.scenario.id}.{team}.jsonl"
            with LogWriter.open(log_path) as writer:
                ScriptRunner(loaded.scripts[team]).run(Session(loaded, SEED, log=writer))
            cache[path, team] = Run(path, team, read_log(log_path))
        return cache[path, team]

    return get


def scenario_id(path: Path) -> str:
    return load_scenario(path).scenario.id


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_scenario_validates_without_problems(path: Path) -> None:
    """A bundled scenario loads with no lint problem at all, warnings included, and has both scripts."""
    loaded = load_scenario(path)
    assert [f"{w.line}:{w.column}: {w.message}" for w in loaded.warnings] == []
    assert set(TEAMS) <= set(loaded.scripts)


@pytest.mark.parametrize("team", TEAMS)
@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_script_runs_headless_to_an_end_without_a_refused_command(run: Callable[[Path, str], Run], path: Path,
                                                                   team: str) -> None:  # fmt: skip
    """Every step of both scripts is carried out (the core refuses none), and the run reaches an end phase."""
    log = run(path, team).log
    assert [dict(r.data) for r in log.records if r.kind == "CommandRejected"] == []
    assert log.records[-1].kind == "SessionEnded" and not log.torn


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_reference_team_reaches_the_good_outcome_in_a_perfusing_rhythm(run: Callable[[Path, str], Run],
                                                                       path: Path) -> None:  # fmt: skip
    """The reference team ends the scenario 'resolved', with the patient in a perfusing rhythm at the end."""
    reference = run(path, "reference")
    assert reference.outcome() == GOOD
    assert reference.vitals()[-1]["rhythm"] not in NON_PERFUSING


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_novice_team_ends_clearly_worse(run: Callable[[Path, str], Run], path: Path) -> None:
    """The novice team's patient dies, or the time limit comes with the scenario unresolved."""
    assert run(path, "novice").outcome() in WORSE_OUTCOMES


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_the_difference_shows_in_the_logged_vitals(run: Callable[[Path, str], Run], path: Path) -> None:
    """For each measure listed for the scenario in WORSE, the novice's logged vitals are worse than the reference's
    by at least the measure's margin (e.g. a lowest SpO2 10 points lower, a minute longer without a pulse)."""
    measures = WORSE.get(scenario_id(path))
    assert measures, f"add the measures the novice must be worse on for '{scenario_id(path)}' to WORSE"
    reference, novice = run(path, "reference").vitals(), run(path, "novice").vitals()
    for name in measures:
        m = MEASURES[name]
        ref, nov = m.take(reference), m.take(novice)
        worse = nov - ref >= m.worse_by if m.worse_by > 0 else nov - ref <= m.worse_by
        assert worse, f"{m.describe}: reference {ref:g}, novice {nov:g} (must be worse by {abs(m.worse_by):g})"


@pytest.mark.parametrize("team", TEAMS)
@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_log_replays_byte_for_byte(run: Callable[[Path, str], Run], path: Path, team: str) -> None:
    """Re-running a log from its header and commands reproduces every record exactly (`crmsim replay --verify`)."""
    log = run(path, team).log
    assert verify(log, load_scenario(path)) is None
