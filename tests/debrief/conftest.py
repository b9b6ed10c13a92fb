"""Fixtures for the debrief tests: anaphylaxis run by its reference and novice teams (two seeds each) and the
CICO scenario run by its novice team — run once per test session."""

from __future__ import annotations

import pytest
from debrief_logs import Run, run_script


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, int], Run]:
    """(scenario id, team, seed) -> the scripted run and its debrief."""
    out = tmp_path_factory.mktemp("debrief-runs")
    wanted = [("anaphylaxis-ga", team, seed) for seed in (1, 2) for team in ("reference", "novice")]
    wanted.append(("cico", "novice", 1))
    return {key: run_script(*key, out / "-".join(map(str, key))) for key in wanted}


@pytest.fixture(scope="session")
def reference(runs: dict[tuple[str, str, int], Run]) -> Run:
    return runs[("anaphylaxis-ga", "reference", 1)]


@pytest.fixture(scope="session")
def novice(runs: dict[tuple[str, str, int], Run]) -> Run:
    return runs[("anaphylaxis-ga", "novice", 1)]


@pytest.fixture(scope="session")
def cico(runs: dict[tuple[str, str, int], Run]) -> Run:
    return runs[("cico", "novice", 1)]
