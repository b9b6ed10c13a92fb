"""Task-management and situation-awareness metrics over the log: the expected timeline, fixation, workload
spread, dose cross-checks, cognitive aids, re-assessment and re-evaluation after an intervention.

Each is a small pure function of a :class:`Timeline` (plus the scenario facts it needs), optionally for one
participant (``who``). Thresholds marked *judgement* are crmsim's own (see ``docs/scoring.md``).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter

from crmsim.scoring.events import REASSESSMENT_KINDS, Event, Timeline
from crmsim.scoring.markers import StepResult, evaluate_step
from crmsim.scoring.measure import Measure, linear, seconds, unobserved
from crmsim.scoring.source import ScenarioFacts

#: Same action this many times with no change of plan, before the expected treatment began: a fixation (judgement).
FIXATION_REPEATS = 3
#: The longest silence without re-assessment aloud: good up to 90 s, poor from 4 min (judgement).
REASSESS_GOOD_S, REASSESS_POOR_S = 90.0, 240.0
#: A re-assessment this soon after an intervention counts as re-evaluating it (judgement).
REEVALUATE_WITHIN_S = 120.0
#: A cognitive aid opened within 2 min of onset is good; from 6 min, poor (judgement).
AID_GOOD_S, AID_POOR_S = 120.0, 360.0
#: What counts as a change of plan, breaking a run of repeated attempts.
PLAN_CHANGE_KINDS = frozenset({"AidOpened", "HelpCalled", "SummaryGiven"})
#: Records that are one attempt at an action.
_ATTEMPT_KINDS = frozenset({"DrugGiven", "InfusionStarted", "InterventionPerformed"})
#: Intervention kinds that are looking, not treating.
_LOOKING = frozenset({"monitoring", "lab", "cognitive_aid"})


def _mine(events: tuple[Event, ...], who: str | None) -> tuple[Event, ...]:
    return events if who is None else tuple(e for e in events if e.source == who)


def expected_timeline(tl: Timeline, facts: ScenarioFacts) -> tuple[StepResult, ...]:
    """Each step of the scenario's expected timeline, with the team's delay against the expert time."""
    return tuple(evaluate_step(step, tl, facts.weight_kg) for step in facts.scenario.debrief.expected_timeline)


def timeline_adherence(tl: Timeline, facts: ScenarioFacts, who: str | None = None,
                       steps: tuple[StepResult, ...] | None = None) -> Measure:
    """Time to key interventions against the expected timeline: the mean quality of the steps observed (1 when
    done by the expert time, 0 at twice the time plus 2 min; a step not done counts half of its time-out).
    ``steps`` may pass the steps already evaluated."""
    judged = [s for s in (steps if steps is not None else expected_timeline(tl, facts)) if s.quality is not None]
    if who is not None:
        judged = [s for s in judged if s.evidence and s.by == who]
    if not judged:
        return unobserved("timeline", "no step of the expected timeline was due")
    quality = sum(s.quality or 0.0 for s in judged) / len(judged)
    late = [s for s in judged if s.delay is None or s.delay > s.due + 1e-9]
    evidence = tuple(seq for s in judged for seq in s.evidence)
    if not late:
        reason = f"all {len(judged)} expected steps were done by the expert time"
    else:
        worst = late[0]
        how = "not done" if worst.delay is None else f"done at {seconds(worst.delay)} against {seconds(worst.due)}"
        reason = f"{len(judged) - len(late)} of {len(judged)} expected steps on time; '{worst.label}' {how}"
    return Measure("timeline", float(len(judged) - len(late)), quality, evidence, reason)


def _first_expected(tl: Timeline, facts: ScenarioFacts) -> float:
    first = next((e.t for e in tl.actions() if e.data.get("action") in facts.expected_actions), None)
    return first if first is not None else math.inf


def fixation_episodes(tl: Timeline, facts: ScenarioFacts, who: str | None = None) -> list[tuple[Event, ...]]:
    """Runs of the same attempt repeated with no change of plan (a cognitive aid, a call for help, a summary):
    an action the scenario does not expect, repeated before the expected treatment began; or any action failing
    again and again."""
    start_expected = _first_expected(tl, facts)
    episodes: list[tuple[Event, ...]] = []
    for failing in (False, True):
        runs: dict[str, list[Event]] = {}
        for e in tl.of(*PLAN_CHANGE_KINDS, *_ATTEMPT_KINDS):
            if e.kind in PLAN_CHANGE_KINDS and e.source in tl.participants:
                episodes.extend(tuple(r) for r in runs.values() if len(r) >= FIXATION_REPEATS)
                runs = {}
                continue
            if e.source not in tl.participants or e.kind not in _ATTEMPT_KINDS:
                continue
            if failing and e.data.get("succeeded") is False:
                runs.setdefault(str(e.data.get("action")), []).append(e)
            elif not failing and e.data.get("action") not in facts.expected_actions and e.t < start_expected \
                    and e.data.get("kind") not in _LOOKING:  # fmt: skip
                runs.setdefault(str(e.data.get("action")), []).append(e)
        episodes.extend(tuple(r) for r in runs.values() if len(r) >= FIXATION_REPEATS)
    return _taking_part(sorted(episodes, key=lambda run: run[0].seq), who)


def _taking_part(episodes: list[tuple[Event, ...]], who: str | None) -> list[tuple[Event, ...]]:
    """The episodes ``who`` took part in (all of them for the team)."""
    return episodes if who is None else [run for run in episodes if any(e.source == who for e in run)]


def fixation(tl: Timeline, facts: ScenarioFacts, who: str | None = None,
             team_episodes: list[tuple[Event, ...]] | None = None) -> Measure:  # fmt: skip
    """Fixation: repeated attempts without a change of plan. None is good; one episode is marginal; two poor.
    ``team_episodes`` may pass the team's episodes already found."""
    if who is not None and not _mine(tl.actions(), who):
        return unobserved("fixation", "did no actions")
    episodes = fixation_episodes(tl, facts, who) if team_episodes is None else _taking_part(team_episodes, who)
    if not episodes:
        return Measure("fixation", 0.0, 1.0, (), "no repeated attempts without a change of plan")
    run = episodes[0]
    quality = 0.3 if len(episodes) == 1 else 0.0
    return Measure("fixation", float(len(episodes)), quality, tuple(e.seq for r in episodes for e in r),
                   f"{run[0].data.get('action')} was repeated {len(run)} times without a change of plan")  # fmt: skip


def workload_spread(tl: Timeline, who: str | None = None, absent_roles: frozenset[str] = frozenset()) -> Measure:
    """How evenly the actions started were spread over the roles present: the normalised Shannon entropy of the
    count per role (1 = even, 0 = one person did everything). With ``who``, that participant's share, where doing
    more than an even share counts against them (a leader doing everything). Roles absent at the start count
    only once they arrived."""
    started = [e for e in tl.team("ActionStarted") if e.role]
    arrived = {str(e.data.get("role")) for e in tl.of("RoleArrived")}
    present = {r for r in tl.participants.values()} - (set(absent_roles) - arrived)
    counts = Counter(e.role for e in started)
    if len(present) < 2 or len(started) < 2:
        return unobserved("workload", "too few actions or people to judge the spread")
    if who is not None:
        mine = sum(1 for e in started if e.source == who)
        share = mine / len(started)
        fair = 1 / len(present)
        quality = 1.0 if share <= fair * 1.5 else linear(share, fair * 1.5, 1.0)
        return Measure("workload", share, quality, tuple(e.seq for e in started if e.source == who),
                       f"did {mine} of the team's {len(started)} actions")  # fmt: skip
    probabilities = [counts.get(role, 0) / len(started) for role in sorted(present)]
    entropy = -sum(p * math.log(p) for p in probabilities if p > 0) / math.log(len(present))
    busiest, most = counts.most_common(1)[0]
    return Measure("workload", entropy, min(1.0, entropy / 0.8), tuple(e.seq for e in started),
                   f"{busiest} did {most} of {len(started)} actions across {len(present)} roles")  # fmt: skip


def cross_checks(tl: Timeline, who: str | None = None) -> Measure:
    """Dose cross-checks: the share of the drugs given that were checked aloud (a cross-check of that drug, or an
    order for it with a dose that was read back). It does not depend on when a dose was given, only on whether the
    drug was checked; any check at all earns at least a marginal score."""
    doses = [e for e in tl.team("DrugGiven") if not e.data.get("error_of")]
    checks = _mine(tl.team("DoseCrossChecked"), who)
    if not doses:
        return unobserved("cross_check", "no drug was given")
    if who is not None and not checks and not _mine(tuple(doses), who):
        return unobserved("cross_check", "gave or checked no drug")
    drugs = sorted({str(e.data.get("action")) for e in doses})
    read_back = {str(o.given.data.get("action")) for o in tl.orders if o.read_back and o.given.data.get("dose")}
    checked = [d for d in drugs if d in read_back or any(c.data.get("action") == d for c in checks)]
    share = len(checked) / len(drugs)
    quality = share if not checks else 0.5 + 0.5 * share
    backs = tuple(o.response.seq for o in tl.orders if o.read_back and o.response and o.given.data.get("dose"))
    evidence = tuple(e.seq for e in checks) + backs
    return Measure("cross_check", share, quality, tuple(sorted(evidence)),
                   f"{len(checked)} of {len(drugs)} drugs given were cross-checked aloud "
                   f"({len(checks)} cross-check(s))")  # fmt: skip


def cognitive_aid(tl: Timeline, facts: ScenarioFacts, who: str | None = None) -> Measure:
    """Cognitive-aid use: opening one of the scenario's aids soon after onset (ACRM key point 11)."""
    if not facts.aids:
        return unobserved("cognitive_aid", "the scenario offers no cognitive aid")
    opened = [e for e in _mine(tl.team("AidOpened"), who) if e.t >= tl.start_for(who) - 1e-9]
    if not opened:
        if who is not None:
            return unobserved("cognitive_aid", "opened no cognitive aid")
        if tl.end_t - tl.start_for(who) < AID_GOOD_S:
            return unobserved("cognitive_aid", "the session ended before an aid was due")
        return Measure("cognitive_aid", None, 0.0, (), "no cognitive aid was opened")
    delay = opened[0].t - tl.start_for(who)
    return Measure("cognitive_aid", delay, linear(delay, AID_GOOD_S, AID_POOR_S), (opened[0].seq,),
                   f"{opened[0].data.get('title') or 'a cognitive aid'} was opened "
                   f"{seconds(delay)} after onset")  # fmt: skip


def reassessment(tl: Timeline, who: str | None = None) -> Measure:
    """Re-assessing aloud repeatedly (ACRM 'Re-evaluate repeatedly'; TEAM 'monitored and reassessed'): the longest
    time from onset to the end without a call-out, summary or declared diagnosis."""
    said = [e for e in _mine(tl.team(*REASSESSMENT_KINDS), who) if e.t >= tl.start_for(who) - 1e-9]
    if who is not None and not said:
        return unobserved("reassessment", "re-assessed nothing aloud")
    if tl.end_t - tl.start_for(who) < REASSESS_GOOD_S and not said:
        return unobserved("reassessment", "the session was too short to judge")
    times = [tl.start_for(who), *(e.t for e in said), tl.end_t]
    gap = max(b - a for a, b in zip(times, times[1:], strict=False))
    return Measure("reassessment", gap, linear(gap, REASSESS_GOOD_S, REASSESS_POOR_S), tuple(e.seq for e in said),
                   f"{len(said)} re-assessment(s) aloud, the longest silence {seconds(gap)}")  # fmt: skip


def reevaluation_after_interventions(tl: Timeline, who: str | None = None) -> Measure:
    """Re-evaluation after an intervention: the share of treatments followed within 2 min by a re-assessment
    (a call-out, a summary, a declared diagnosis or a monitoring action). Reported, not rated: it depends on where
    a treatment falls between re-assessments, so it is not monotone in the time of an action."""
    treatments = [e for e in _mine(tl.actions(), who) if e.data.get("kind") not in _LOOKING]
    if not treatments:
        return unobserved("reevaluation", "no treatment to re-evaluate")
    looks = sorted([e.t for e in tl.team(*REASSESSMENT_KINDS)] +
                   [e.t for e in tl.actions() if e.data.get("kind") in _LOOKING])  # fmt: skip
    followed = []
    for t in treatments:
        after = bisect.bisect_right(looks, t.t)  # the first look strictly after the treatment
        if after < len(looks) and looks[after] - t.t <= REEVALUATE_WITHIN_S:
            followed.append(t)
    share = len(followed) / len(treatments)
    return Measure("reevaluation", share, share, tuple(e.seq for e in followed),
                   f"{len(followed)} of {len(treatments)} treatments were re-evaluated within "
                   f"{seconds(REEVALUATE_WITHIN_S)}")  # fmt: skip
