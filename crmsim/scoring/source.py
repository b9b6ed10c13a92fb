"""Where a log's scenario is, and the facts about it the scorer needs: markers, expected timeline, leader, aids.

The log header names the scenario's path, id and sha256. :func:`scenario_for_log` finds the file (the path in
the header, else the bundled scenario of that id, else an override) and refuses one whose text has changed, like
``crmsim replay`` does (both through :mod:`crmsim.core.provenance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmsim.core.log import Log
from crmsim.core.provenance import ScenarioCache
from crmsim.core.provenance import scenario_for_log as find_scenario
from crmsim.schema.assessment import Marker, Occurs, TimeToDetector
from crmsim.schema.conditions import ActionAtom
from crmsim.schema.load import LoadedScenario
from crmsim.schema.scenario import Scenario


class ScoringError(Exception):
    """The log cannot be scored: its scenario is missing or has changed, or an input file is wrong."""


def scenario_for_log(log: Log, override: Path | None = None, cache: ScenarioCache | None = None) -> LoadedScenario:
    """The scenario a log was made with, checked against the sha256 in its header (loaded once per file with a
    ``cache``, when many logs are scored)."""
    return find_scenario(log, override, ScoringError, cache)


@dataclass(frozen=True)
class ScenarioFacts:
    """What the scorer reads from a scenario besides its markers."""

    scenario: Scenario
    weight_kg: float
    leader_roles: frozenset[str]
    absent_roles: frozenset[str]
    aids: frozenset[str]
    """cognitive aids the team may open"""
    expected_actions: frozenset[str]
    """action ids the scenario expects (marker targets and expected-timeline events): the planned treatment"""

    @property
    def markers(self) -> tuple[Marker, ...]:
        return self.scenario.markers


def _action_ids(selectors: list[object]) -> set[str]:
    return {s.action.id for s in selectors if isinstance(s, ActionAtom)}


def scenario_facts(loaded: LoadedScenario) -> ScenarioFacts:
    """Collect the facts once per scenario."""
    scenario = loaded.scenario
    targets: list[object] = []
    for marker in scenario.markers:
        if isinstance(marker.detect, TimeToDetector):
            targets.append(marker.detect.time_to.to)
        elif isinstance(marker.detect, Occurs):
            targets.append(marker.detect.occurs)
    targets.extend(step.event for step in scenario.debrief.expected_timeline)
    permitted = {p.action for p in scenario.actions}
    aids = {name for name, item in loaded.formulary.interventions.items()
            if item.kind == "cognitive_aid" and name in permitted}  # fmt: skip
    leaders = {r.id for r in scenario.team.roles if r.leader} or {scenario.team.roles[0].id}
    return ScenarioFacts(
        scenario=scenario, weight_kg=scenario.patient.weight_kg, leader_roles=frozenset(leaders),
        absent_roles=frozenset(r.id for r in scenario.team.roles if not r.present), aids=frozenset(aids),
        expected_actions=frozenset(_action_ids(targets)),
    )  # fmt: skip
