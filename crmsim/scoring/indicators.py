"""Everything the ratings draw on for one log: each generic metric and each scenario marker, for the team or for one
participant.

For a participant, a metric is measured on their own records; a metric the leader owns (calling for help,
declaring, summarising, allocating tasks…) falls back to the team's result for a leader who did not do it
themselves — the leader answers for the team's omissions, the others do not. A scenario marker counts for the
participant whose record met it, and for the leader whatever the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from crmsim.scoring import metrics as comm
from crmsim.scoring import metrics_care as care
from crmsim.scoring.events import Event, Timeline
from crmsim.scoring.markers import MarkerResult, StepResult, evaluate_markers
from crmsim.scoring.measure import Measure
from crmsim.scoring.rules import LEADER_OWNED
from crmsim.scoring.source import ScenarioFacts



@dataclass(frozen=True)
class Context:
    """What a metric may look at: the timeline, the scenario's facts and its expected steps (evaluated once)."""

    tl: Timeline
    facts: ScenarioFacts
    steps: tuple[StepResult, ...]
    fixations: list[tuple[Event, ...]]
    """the team's fixation episodes (each participant's are those they took part in)"""


MetricFn = Callable[[Context, "str | None"], Measure]

#: Every generic metric that feeds a rating, by name.
METRICS: Mapping[str, MetricFn] = {
    "recognition": lambda c, who: comm.recognition(c.tl, who),
    "declaration": lambda c, who: comm.declaration(c.tl, who),
    "help_call": lambda c, who: comm.help_call(c.tl, c.facts.absent_roles, who),
    "sbar": lambda c, who: comm.sbar(c.tl, who),
    "closed_loop": lambda c, who: comm.closed_loop(c.tl, who),
    "directed_orders": lambda c, who: comm.directed_orders(c.tl, who),
    "summaries": lambda c, who: comm.summaries(c.tl, who),
    "role_allocation": lambda c, who: comm.role_allocation(c.tl, who, c.facts.leader_roles),
    "speaking_up": lambda c, who: comm.speaking_up(c.tl, who),
    "concern_response": lambda c, who: comm.concern_response(c.tl, who),
    "timeline": lambda c, who: care.timeline_adherence(c.tl, c.facts, who, c.steps),
    "fixation": lambda c, who: care.fixation(c.tl, c.facts, who, c.fixations),
    "workload": lambda c, who: care.workload_spread(c.tl, who, c.facts.absent_roles),
    "cross_check": lambda c, who: care.cross_checks(c.tl, who),
    "cognitive_aid": lambda c, who: care.cognitive_aid(c.tl, c.facts, who),
    "reassessment": lambda c, who: care.reassessment(c.tl, who),
}

#: Metrics reported with the ratings but not rated (see each function's docstring for why).
REPORTED_ONLY: Mapping[str, MetricFn] = {
    "reevaluation": lambda c, who: care.reevaluation_after_interventions(c.tl, who),
}


@dataclass(frozen=True)
class Indicators:
    """The measured metrics and evaluated markers behind one set of ratings."""

    participant: str | None
    role: str | None
    measures: Mapping[str, Measure]
    markers: tuple[MarkerResult, ...]
    reported: Mapping[str, Measure]


def context(tl: Timeline, facts: ScenarioFacts) -> Context:
    """The context the metrics of one log share."""
    return Context(tl, facts, care.expected_timeline(tl, facts), care.fixation_episodes(tl, facts))


def team_indicators(ctx: Context) -> Indicators:
    """The indicators of the whole team."""
    measures = {name: fn(ctx, None) for name, fn in METRICS.items()}
    reported = {name: fn(ctx, None) for name, fn in REPORTED_ONLY.items()}
    markers = evaluate_markers(ctx.facts.markers, ctx.tl, ctx.facts.weight_kg)
    return Indicators(None, None, measures, markers, reported)


def participant_indicators(ctx: Context, who: str, team: Indicators) -> Indicators:
    """The indicators of one participant (``team`` supplies the leader's fall-backs and the marker outcomes)."""
    role = ctx.tl.participants.get(who)
    leader = role in ctx.facts.leader_roles
    measures: dict[str, Measure] = {}
    for name, fn in METRICS.items():
        own = fn(ctx, who)
        measures[name] = team.measures[name] if (leader and name in LEADER_OWNED and not own.observed) else own
    reported = {name: fn(ctx, who) for name, fn in REPORTED_ONLY.items()}
    markers = tuple(m for m in team.markers if leader or m.by == who)
    return Indicators(who, role, measures, markers, reported)
