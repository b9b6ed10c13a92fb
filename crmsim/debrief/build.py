"""Build the debrief model of one session: ``build_debrief(log, loaded, score) -> Debrief``.

A pure function of the log, its scenario and its ratings (and the bundled prompt templates): the same inputs give
an equal :class:`~crmsim.debrief.model.Debrief`, and so the same report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from crmsim.core.log import Log
from crmsim.core.records import COMMUNICATION_KINDS
from crmsim.debrief.describe import clock, names_for, record_line, who_of
from crmsim.debrief.model import (
    PEARLS_ORDER,
    CategorySummary,
    Correction,
    Debrief,
    ElementSummary,
    EntryCategory,
    KeyMoment,
    MarkerOutcome,
    MarkerStatus,
    Participant,
    PearlsSection,
    Question,
    RatingSummary,
    SessionInfo,
    StepOutcome,
    TimelineEntry,
)
from crmsim.debrief.moments import MET, Found, Sources, detector_name, find_moments
from crmsim.debrief.prompts import Templates, load_templates, make_prompt, moment_words
from crmsim.debrief.screen import ScreenReader, alarm_spans, phase_spans, vitals_series
from crmsim.schema.load import LoadedScenario
from crmsim.scoring.events import Timeline
from crmsim.scoring.markers import MarkerResult
from crmsim.scoring.scorer import SessionScore
from crmsim.scoring.source import scenario_facts

#: Record kinds the debrief's timeline leaves out: the 1 Hz vitals (charted instead), the commands as typed (their
#: outcomes are listed) and the starts of actions (their completions are).
_HIDDEN = frozenset({"VitalsSampled", "CommandIssued", "ActionStarted"})
_CATEGORIES: dict[str, EntryCategory] = {
    "PhaseEntered": "phase", "SessionStarted": "phase", "SessionEnded": "phase",
    "DrugGiven": "action", "InfusionStarted": "action", "InterventionPerformed": "action",
    "InterventionEnded": "action", "AlarmRaised": "alarm", "AlarmCleared": "alarm",
    "ErrorOffered": "error", "ErrorCaught": "error", "ErrorMissed": "error", "Annotated": "annotation",
    "Paused": "facilitator", "Resumed": "facilitator", "SpeedChanged": "facilitator", "AidOpened": "communication",
}  # fmt: skip


def build_debrief(log: Log, loaded: LoadedScenario, score: SessionScore, label: str | None = None,
                  templates: Templates | None = None) -> Debrief:  # fmt: skip
    """The debrief of one logged session, from its log, its scenario and its ratings (``score``)."""
    templates = templates or load_templates()
    tl = score.timeline
    names = names_for(loaded, tl.participants)
    vitals = vitals_series(log)
    alarms = alarm_spans(log, tl.end_t)
    phases = phase_spans(log, tl.end_t)
    reader = ScreenReader(vitals, alarms, phases, tl.end_t)
    src = Sources(tl, loaded, scenario_facts(loaded), score.indicators.markers, reader, names)
    moments = tuple(_moment(f"m{i}", found, src, templates) for i, found in enumerate(find_moments(src), start=1))
    corrections = _corrections(moments, loaded, score.indicators.markers)
    questions = _questions(moments, loaded)
    learning = tuple(Correction(None, point, f"scenario {loaded.scenario.id}: learning points")
                     for point in loaded.scenario.debrief.learning_points)  # fmt: skip
    application = tuple(Question(None, q, "crmsim prompts: application") for q in templates.application_questions)
    info = _session(log, loaded, tl, names, label)
    pearls = _pearls(templates, info, moments, phases, corrections, questions, learning, application)
    return Debrief(
        session=info, phases=phases, timeline=_timeline(log, names), vitals=vitals, alarms=alarms, moments=moments,
        markers=_markers(loaded, score.indicators.markers), steps=_steps(score),
        ratings=_ratings(score), single_loop=corrections + learning, double_loop=questions + application,
        pearls=pearls, learning_points=tuple(loaded.scenario.debrief.learning_points),
        references=tuple(_reference(r) for r in loaded.scenario.references),
    )  # fmt: skip


def debrief_log(log: Log, loaded: LoadedScenario, framework_id: str = "ants", label: str | None = None) -> Debrief:
    """Score a log in a framework and build its debrief (what ``crmsim debrief`` and ``crmsim cohort`` do)."""
    from crmsim.scoring.scorer import score_log

    return build_debrief(log, loaded, score_log(log, loaded, framework_id), label)


def _moment(moment_id: str, found: Found, src: Sources, templates: Templates) -> KeyMoment:
    screen = src.reader.at(found.t, found.focus)
    prompt = make_prompt(templates, found.kind, found.t, screen, found.values)
    title, frame = moment_words(templates, found.kind, {**found.values, "time": clock(found.t)})
    cited = {*found.seqs, *(a.seq for a in prompt.shown)}
    if screen.sample is not None:
        cited.add(screen.sample.seq)
    return KeyMoment(
        id=moment_id, kind=found.kind, valence=found.valence, severity=found.severity,  # type: ignore[arg-type]
        title=title, t=found.t, time=clock(found.t), seqs=tuple(sorted(cited)), result=found.result,
        action=found.action, frame=frame, screen=screen, prompt=prompt,
        pearls="description" if found.kind == "phase_change" else "analysis", markers=found.markers,
        decision_point=found.decision_point, until_t=found.until_t,
    )  # fmt: skip


def _corrections(moments: Iterable[KeyMoment], loaded: LoadedScenario,
                 results: tuple[MarkerResult, ...]) -> tuple[Correction, ...]:  # fmt: skip
    """Single loop: each decision point's expected practice (once), and each marker a gap moment evidences."""
    scenario = loaded.scenario
    points = {dp.id: dp for dp in scenario.debrief.decision_points}
    declared = {m.id: m for m in scenario.markers}
    by_id = {r.id: r for r in results}
    found: list[Correction] = []
    told: set[str] = set()
    for m in moments:
        dp = points.get(m.decision_point or "")
        if dp is not None and dp.id not in told and (m.kind == "decision_point" or m.valence == "gap"):
            told.add(dp.id)
            found.append(Correction(m.id, dp.expected.strip(), f"scenario {scenario.id}, decision point '{dp.id}'",
                                    m.seqs))  # fmt: skip
        if m.valence != "gap":
            continue
        for marker_id in m.markers:
            marker, result = declared[marker_id], by_id.get(marker_id)
            here = f" In this session: {result.reason}." if result is not None else ""
            found.append(Correction(m.id, f"{marker.description.rstrip('.')}.{here}",
                                    f"scenario {scenario.id}, marker '{marker_id}'", m.seqs))  # fmt: skip
    return tuple(found)


def _questions(moments: Iterable[KeyMoment], loaded: LoadedScenario) -> tuple[Question, ...]:
    """Double loop: the scenario's frame-eliciting questions at each decision point reached."""
    points = {dp.id: dp for dp in loaded.scenario.debrief.decision_points}
    found = []
    for m in moments:
        if m.kind == "decision_point" and m.decision_point in points:
            source = f"scenario {loaded.scenario.id}, decision point '{m.decision_point}'"
            found += [Question(m.id, q, source) for q in points[m.decision_point].questions]
    return tuple(found)


def _timeline(log: Log, names: dict[str, str]) -> tuple[TimelineEntry, ...]:
    roles = {str(p.get("id")): str(p.get("role")) for p in log.header.get("participants", []) if isinstance(p, dict)}
    entries = []
    for r in log.records:
        if r.kind in _HIDDEN:
            continue
        text = record_line(r, names)
        if text is None:
            continue
        category: EntryCategory = _CATEGORIES.get(r.kind) or ("communication" if r.kind in COMMUNICATION_KINDS
                                                               else "scenario")  # fmt: skip
        who = who_of(r.source, roles.get(r.source), names).removeprefix("the ")
        entries.append(TimelineEntry(r.seq, r.t, clock(r.t), r.kind, category, who[:1].upper() + who[1:], text))
    return tuple(entries)


def marker_status(result: MarkerResult, detector: str) -> MarkerStatus:
    """met, partial (done late, or too many), missed (not done, or the error happened) or not_due."""
    if result.quality is None:
        return "not_due"
    if result.quality >= MET:
        return "met"
    if detector == "never":
        return "missed"
    if detector in ("time_to", "occurs"):
        return "partial" if result.value is not None else "missed"
    return "missed" if result.quality <= 0 else "partial"


def _markers(loaded: LoadedScenario, results: tuple[MarkerResult, ...]) -> tuple[MarkerOutcome, ...]:
    declared = {m.id: m for m in loaded.scenario.markers}
    found = []
    for r in results:
        detector = detector_name(declared[r.id].detect) if r.id in declared else "time_to"
        found.append(MarkerOutcome(r.id, r.description, marker_status(r, detector), r.quality, r.value, detector,
                                   r.reason, r.evidence))  # fmt: skip
    return tuple(found)


def _steps(score: SessionScore) -> tuple[StepOutcome, ...]:
    return tuple(StepOutcome(s.label, s.due, s.delay, s.quality, s.evidence) for s in score.steps)


def _ratings(score: SessionScore) -> RatingSummary:
    fw = score.team.framework
    tl = score.timeline
    categories = tuple(CategorySummary(c.id, c.name, c.score, tuple(
        ElementSummary(e.element, e.name, e.score, e.scale, e.rater, e.auto_score, e.reason, e.evidence,
                       tuple(tl.time_of(s) or 0.0 for s in e.evidence))
        for e in c.elements)) for c in score.team.categories)  # fmt: skip
    return RatingSummary(fw.id, fw.name, fw.citation, categories)


def _session(log: Log, loaded: LoadedScenario, tl: Timeline, names: dict[str, str], label: str | None) -> SessionInfo:
    header = log.header
    people = tuple(Participant(str(p.get("id")), str(p.get("role")), names.get(str(p.get("role")), str(p.get("role"))),
                               str(p.get("name") or "")) for p in header.get("participants", []) if isinstance(p, dict))  # fmt: skip
    ended = next((r for r in reversed(log.records) if r.kind == "SessionEnded"), None)
    seed = header.get("seed")
    s = loaded.scenario
    return SessionInfo(
        label=label or log.path, scenario_id=s.id, scenario_title=s.title, scenario_version=s.version,
        seed=seed if isinstance(seed, int) else None, started_at=str(header.get("started_at") or ""),
        outcome=tl.outcome or "unfinished", summary=str(ended.data.get("summary") or "") if ended else "",
        duration_s=tl.end_t, participants=people,
    )  # fmt: skip


def _reference(ref: object) -> str:
    org = getattr(ref, "organisation", None)
    return f"{getattr(ref, 'guideline')}" + (f" — {org}" if org else "") + f", {getattr(ref, 'year')}"


def _pearls(templates: Templates, info: SessionInfo, moments: tuple[KeyMoment, ...], phases: Iterable[object],
            corrections: tuple[Correction, ...], questions: tuple[Question, ...], learning: tuple[Correction, ...],
            application: tuple[Question, ...]) -> tuple[PearlsSection, ...]:  # fmt: skip
    """The four PEARLS phases, in order, each with its openers and what it discusses."""
    t = templates.pearls
    outcome = templates.outcome_openers.get(info.outcome)
    gaps = sum(1 for m in moments if m.valence == "gap")
    strengths = sum(1 for m in moments if m.valence == "strength")
    described = tuple(f"{clock(getattr(p, 'start_t'))} {getattr(p, 'title')}" for p in phases)
    analysed = tuple(m.id for m in moments if m.pearls == "analysis")
    sections = {
        "reactions": ((outcome,) if outcome else (), (f"Outcome: {info.outcome}" + (f" — {info.summary}" if info.summary else ""),), (), (), ()),
        "description": ((), (f"{info.scenario_title} ({clock(info.duration_s)} of simulated time)", *described),
                        tuple(m.id for m in moments if m.pearls == "description"), (), ()),
        "analysis": ((), (f"{len(analysed)} moments: {gaps} to improve, {strengths} to keep",), analysed,
                     corrections, questions),
        "application": ((), (), (), learning, application),
    }  # fmt: skip
    return tuple(PearlsSection(pid, t[pid].title, t[pid].objective, extra + t[pid].openers, facts, ids, fixes, asks)
                 for pid in PEARLS_ORDER for extra, facts, ids, fixes, asks in (sections[pid],))  # fmt: skip
