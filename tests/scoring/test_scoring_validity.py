"""Validity on the bundled scenarios and properties of the scorer.

- The reference team rates at least 3 in every observed ANTS category; the novice team rates lower in every ANTS
  category its script degrades (a category is degraded when an indicator feeding it — a metric or a scenario
  marker — is clearly worse for the novice than for the reference team) and never higher in any.
- Every bundled log is rated in all six frameworks, every rating showing its evidence.
- Delaying a key action (a marker's target) never raises any rating; dropping a read-back never raises a
  communication rating; rescoring a log gives the same result.
"""

from __future__ import annotations

import json

import pytest
from scoring_logs import Run, bundled_scenarios, delayed, is_action, without_read_back

from crmsim.core.matching import record_matches
from crmsim.schema.assessment import Occurs, TimeToDetector
from crmsim.schema.conditions import ActionAtom
from crmsim.schema.frameworks import FRAMEWORK_IDS, load_framework
from crmsim.scoring.indicators import Indicators
from crmsim.scoring.rating import _category_members, _covered
from crmsim.scoring.report import to_json
from crmsim.scoring.rules import metrics_for
from crmsim.scoring.scorer import SessionScore, analyse, score_analysis, score_log

#: An indicator this much worse for the novice marks its category as degraded by the novice script.
DEGRADED_BY = 0.25
COMMUNICATION = {"core": "communication", "ants": "exchanging_information", "notss": "exchanging_information",
                 "team": "item_03_communicated_effectively", "ottawa": "communication",
                 "acrm": "communicate_effectively"}  # fmt: skip


def score(run: Run, framework_id: str = "ants", log=None) -> SessionScore:  # noqa: ANN001
    return score_log(log or run.log, run.scenario, framework_id)


def category_qualities(found: Indicators, category_id: str) -> dict[str, float]:
    """The qualities of every indicator feeding an ANTS category, by metric name or marker id."""
    framework = load_framework("ants")
    members = _category_members()
    qualities: dict[str, float] = {}
    for category, element in framework.iter_elements():
        if category.id != category_id:
            continue
        for name in metrics_for(f"ants.{element.id}"):
            if found.measures[name].quality is not None:
                qualities[name] = found.measures[name].quality  # type: ignore[assignment]
        for m in found.markers:
            if m.quality is not None and _covered("ants", element, category.id, m.evidences, members):
                qualities[f"marker:{m.id}"] = m.quality
    return qualities


@pytest.mark.parametrize("scenario_id", [p.stem for p in bundled_scenarios()])
def test_reference_team_rates_at_least_acceptable_in_every_observed_ants_category(
        runs: dict[tuple[str, str], Run], scenario_id: str) -> None:  # fmt: skip
    """The expert script of every bundled scenario rates >= 3 (Acceptable) in each observed ANTS category."""
    result = score(runs[(scenario_id, "reference")])
    low = {c.id: (c.score, [f"{e.element}={e.score}: {e.reason}" for e in c.elements if (e.score or 4) < 3])
           for c in result.team.categories if c.score is not None and c.score < 3}  # fmt: skip
    assert not low, low
    assert any(c.score is not None for c in result.team.categories)


@pytest.mark.parametrize("scenario_id", [p.stem for p in bundled_scenarios()])
def test_novice_team_rates_lower_where_its_script_degrades(runs: dict[tuple[str, str], Run], scenario_id: str) -> None:
    """For each ANTS category, the novice rates strictly lower when an indicator feeding it is clearly worse for the
    novice, and never higher than the reference; at least one category is degraded."""
    reference, novice = score(runs[(scenario_id, "reference")]), score(runs[(scenario_id, "novice")])
    degraded = []
    for ref_cat, nov_cat in zip(reference.team.categories, novice.team.categories, strict=True):
        ref_q = category_qualities(reference.indicators, ref_cat.id)
        nov_q = category_qualities(novice.indicators, nov_cat.id)
        worse = {k: (ref_q[k], nov_q[k]) for k in ref_q.keys() & nov_q.keys() if nov_q[k] <= ref_q[k] - DEGRADED_BY}
        if nov_cat.score is not None and ref_cat.score is not None:
            assert nov_cat.score <= ref_cat.score, (ref_cat.id, ref_cat.score, nov_cat.score)
        if worse:
            degraded.append(ref_cat.id)
            assert nov_cat.score is not None and ref_cat.score is not None and nov_cat.score < ref_cat.score, \
                (ref_cat.id, ref_cat.score, nov_cat.score, worse)  # fmt: skip
    assert degraded, f"the novice script of {scenario_id} degrades nothing measurable"


@pytest.mark.parametrize("scenario_id", [p.stem for p in bundled_scenarios()])
def test_every_bundled_log_is_rated_in_all_frameworks_with_evidence(
        runs: dict[tuple[str, str], Run], scenario_id: str) -> None:  # fmt: skip
    """Reference and novice logs get a rating in each framework; every scored element shows evidence or says why
    (global ratings summarise the others); the JSON round-trips."""
    for team in ("reference", "novice"):
        for framework_id in FRAMEWORK_IDS:
            result = score(runs[(scenario_id, team)], framework_id)
            elements = list(result.team.elements())
            assert any(e.score is not None for e in elements), (team, framework_id)
            for e in elements:
                assert e.reason
                if e.score is not None and "mean of the" not in e.reason:
                    assert e.evidence or "never" in e.reason or "not done" in e.reason or "no " in e.reason, \
                        (team, framework_id, e.element, e.reason)  # fmt: skip
            json.dumps(to_json(result))


def key_actions(run: Run) -> list[tuple[str, int]]:
    """(marker id, seq) of the first record meeting each time_to/occurs marker whose target is an action, leaving
    out actions that are also the cue of some marker or expected step (delaying a cue is not delaying a response)."""
    scenario = run.scenario.scenario
    cues = [m.detect.time_to.from_ for m in scenario.markers if isinstance(m.detect, TimeToDetector)]
    cues += [s.from_ for s in scenario.debrief.expected_timeline if s.from_ is not None]
    cue_actions = {c.action.id for c in cues if isinstance(c, ActionAtom)}
    found = []
    for m in scenario.markers:
        target = m.detect.time_to.to if isinstance(m.detect, TimeToDetector) else \
            m.detect.occurs if isinstance(m.detect, Occurs) else None  # fmt: skip
        if not isinstance(target, ActionAtom) or target.action.id in cue_actions:
            continue
        first = next((r for r in run.log.records if is_action(r)
                      and record_matches(target, r.kind, r.data, scenario.patient.weight_kg)), None)  # fmt: skip
        if first is not None:
            found.append((m.id, first.seq))
    return found


def all_ratings(result: SessionScore) -> dict[str, int | None]:
    return {e.element: e.score for e in result.team.elements()}


@pytest.mark.parametrize("scenario_id", [p.stem for p in bundled_scenarios()])
def test_delaying_a_key_action_never_raises_a_rating(runs: dict[tuple[str, str], Run], scenario_id: str) -> None:
    """Moving a key action (its records) 30 s, 1 min or 3 min later leaves every element's rating and quality in
    every framework the same or lower."""
    checked = 0
    for team in ("reference", "novice"):
        run = runs[(scenario_id, team)]
        analysis = analyse(run.log, run.scenario)
        before = {fid: score_analysis(analysis, fid) for fid in FRAMEWORK_IDS}
        for marker_id, seq in key_actions(run):
            first = next(r for r in run.log.records if r.seq == seq)
            for delay in (30.0, 60.0, 180.0):
                variant = delayed(run.log, first, delay)
                if variant is None:
                    continue
                checked += 1
                changed = analyse(variant, run.scenario)
                for fid, original in before.items():
                    after = score_analysis(changed, fid)
                    for old, new in zip(original.team.elements(), after.team.elements(), strict=True):
                        assert (new.score or 0) <= (old.score or 0) or old.score is None, \
                            (team, marker_id, delay, fid, old.element, old.score, new.score, new.reason)  # fmt: skip
                        if old.quality is not None and new.quality is not None:
                            assert new.quality <= old.quality + 1e-9, (team, marker_id, delay, fid, old.element)
    assert checked, "no key action to delay"


@pytest.mark.parametrize("scenario_id", [p.stem for p in bundled_scenarios()])
def test_dropping_a_read_back_never_raises_communication(runs: dict[tuple[str, str], Run], scenario_id: str) -> None:
    """Removing an acknowledgement, or making it one without a read-back, never raises a communication rating."""
    run = runs[(scenario_id, "reference")]
    acks = [r.seq for r in run.log.records if r.kind == "OrderAcknowledged" and r.data.get("read_back")]
    if not acks:
        pytest.skip("the reference script reads nothing back")
    for fid, element_id in COMMUNICATION.items():
        original = score(run, fid).team.element(element_id)
        assert original is not None
        for seq in acks[:4]:
            for drop in (True, False):
                changed = score(run, fid, without_read_back(run.log, seq, drop)).team.element(element_id)
                assert changed is not None
                assert (changed.quality or 0) <= (original.quality or 0) + 1e-9, (fid, seq, drop)
                assert (changed.score or 0) <= (original.score or 0), (fid, seq, drop)


def test_rescoring_a_log_gives_the_same_result(runs: dict[tuple[str, str], Run]) -> None:
    """Scoring is a pure function of the log: two scorings of each bundled log give identical JSON."""
    for run in runs.values():
        for fid in ("ants", "core"):
            assert json.dumps(to_json(score(run, fid))) == json.dumps(to_json(score(run, fid)))
