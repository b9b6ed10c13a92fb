"""Fixtures for the scoring tests: every bundled scenario run once with its reference and its novice script."""

from __future__ import annotations

from pathlib import Path

import pytest
from scoring_logs import ANAPHYLAXIS, Run, bundled_scenarios, run_script

from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.scoring.source import ScenarioFacts, scenario_facts


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    """(scenario id, team) -> the scripted run, for every bundled scenario's reference and novice scripts."""
    out = tmp_path_factory.mktemp("scoring-runs")
    found: dict[tuple[str, str], Run] = {}
    for path in bundled_scenarios():
        for team in ("reference", "novice"):
            run = run_script(path, team, out / path.stem / team)
            found[(run.scenario.scenario.id, team)] = run
    return found


@pytest.fixture(scope="session")
def anaphylaxis() -> LoadedScenario:
    return load_scenario(ANAPHYLAXIS)


@pytest.fixture(scope="session")
def facts(anaphylaxis: LoadedScenario) -> ScenarioFacts:
    return scenario_facts(anaphylaxis)


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return ANAPHYLAXIS.parent
