"""Find a session's key moments in its log and scores: the scenario's decision points, its markers missed or
late, errors offered and caught or missed, repeated attempts (fixation), speaking up, long stretches of a
critical vital before the expected treatment, phase changes and the facilitator's annotations.

Each finder returns :class:`Found` drafts — when, which records, result and action in words, and the values its
prompt template needs; :mod:`crmsim.debrief.build` numbers them and adds the screen and the prompt. Drafts that
describe one event are merged (an error offered and the ``never`` marker it violated; a ``count`` marker and the
fixation episode on the same action).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from crmsim.core.log import Record
from crmsim.debrief.describe import clock, cue_text, lower_first, ordinal, past_line, record_line, span, who_of
from crmsim.debrief.screen import ScreenReader, monitor_limits
from crmsim.schema.assessment import CountOf, DecisionPoint, Never, Occurs, TimeToDetector
from crmsim.schema.conditions import ActionAtom, InjectAtom, VitalAtom, VitalMatch
from crmsim.schema.load import LoadedScenario
from crmsim.scoring.events import Event, Timeline
from crmsim.scoring.markers import MarkerResult, firings
from crmsim.scoring.metrics_care import fixation_episodes
from crmsim.scoring.source import ScenarioFacts

#: A critical vital (the monitor's high tier, or a lethal rhythm) this long before the first expected treatment
#: is a key moment (crmsim's judgement); from three times as long it is a severe one.
ABNORMAL_WAIT_S = 60.0
#: What the team did in this long after a decision point's cue is shown as its action.
RESPONSE_WINDOW_S = 60.0
#: A marker is "met" at this quality or above.
MET = 1.0 - 1e-9
_RESPONSE_KINDS = frozenset({"DrugGiven", "InfusionStarted", "InterventionPerformed", "HelpCalled", "DiagnosisDeclared",
                             "EmergencyDeclared", "FindingCalledOut", "SummaryGiven", "TaskAssigned", "ConcernRaised",
                             "AidOpened", "DoseCrossChecked", "OrderGiven"})  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A key moment before it is numbered and given its screen and prompt."""

    kind: str
    t: float
    seqs: tuple[int, ...]
    valence: str
    severity: int
    result: str
    action: str
    values: Mapping[str, object]
    markers: tuple[str, ...] = ()
    decision_point: str | None = None
    focus: VitalMatch | None = None
    until_t: float | None = None
    subject: str | None = field(default=None, compare=False)
    """what the moment is about, for merging (an inject id, an action id)"""


@dataclass(frozen=True)
class Sources:
    """What the finders read: the scored timeline, the scenario and its facts, the screen, display names."""

    tl: Timeline
    loaded: LoadedScenario
    facts: ScenarioFacts
    markers: tuple[MarkerResult, ...]
    reader: ScreenReader
    names: Mapping[str, str]

    def sample_seq(self, t: float) -> tuple[int, ...]:
        """The seq of the vitals sample on screen at ``t`` (cited as what the team saw)."""
        sample = self.reader.vitals.at(t)
        return (sample.seq,) if sample else ()

    def who(self, e: Event) -> str:
        return who_of(e.source, e.role, self.names)

    def did(self, e: Event) -> str:
        return f"{self.who(e)} {past_line(e.kind, e.data, self.names)}"


def _dp_for(src: Sources, selector: Any) -> str | None:
    """The decision point whose cue is this selector (or names this inject), if any."""
    for dp in src.loaded.scenario.debrief.decision_points:
        if dp.cue == selector:
            return dp.id
    return None


def decision_points(src: Sources) -> list[Found]:
    """Each decision point of the scenario whose cue came, with what the team did in the minute after."""
    found = []
    for dp in src.loaded.scenario.debrief.decision_points:
        cue = firings(dp.cue, src.tl, src.facts.weight_kg)[:1]
        if not cue:
            continue
        t = cue[0].t
        seqs = (cue[0].event.seq,) if cue[0].event else src.sample_seq(t)
        found.append(_decision_point(src, dp, t, seqs))
    return found


def _decision_point(src: Sources, dp: DecisionPoint, t: float, seqs: tuple[int, ...]) -> Found:
    after = [e for e in src.tl.team(*_RESPONSE_KINDS) if t - 1e-9 <= e.t <= t + RESPONSE_WINDOW_S]
    action = "; ".join(f"{clock(e.t)} {src.did(e)}" for e in after[:3]) or \
        f"nothing the team did is logged in the {span(RESPONSE_WINDOW_S)} after it"  # fmt: skip
    focus = dp.cue.vital if isinstance(dp.cue, VitalAtom) else None
    values = {"title": dp.title, "question": dp.questions[0]}
    return Found("decision_point", t, seqs + tuple(e.seq for e in after[:3]), "context", 0,
                 f"{cue_text(dp.cue, src.loaded, src.names)}: {dp.title}", action, values,
                 decision_point=dp.id, focus=focus, until_t=t + RESPONSE_WINDOW_S)  # fmt: skip


def marker_moments(src: Sources) -> list[Found]:
    """The scenario's markers that were missed or late, each at the moment it matters."""
    found: list[Found] = []
    declared = {m.id: m for m in src.loaded.scenario.markers}
    for result in src.markers:
        marker = declared.get(result.id)
        if marker is None or result.quality is None or result.quality >= MET:
            continue
        detect = marker.detect
        severity_missed = 3 if result.quality <= 0 else 2
        severity_late = 2 if result.quality < 0.5 else 1
        base = {"marker": marker.description.rstrip(".")}
        if isinstance(detect, TimeToDetector | Occurs):
            spec = detect.time_to if isinstance(detect, TimeToDetector) else None
            cue_sel = spec.from_ if spec else None
            cues = firings(cue_sel, src.tl, src.facts.weight_kg)[:1] if cue_sel is not None else []
            cue_t = cues[0].t if cues else 0.0
            cue_words = cue_text(cue_sel, src.loaded, src.names) if cue_sel is not None else "the start"
            focus = cue_sel.vital if isinstance(cue_sel, VitalAtom) else None
            dp = _dp_for(src, cue_sel) if cue_sel is not None else None
            hit = src.tl.by_seq.get(result.evidence[-1]) if result.value is not None and result.evidence else None
            if hit is not None:
                values = {**base, "event": src.did(hit), "elapsed": span(hit.t - cue_t), "cue": cue_words}
                found.append(Found("marker_late", hit.t, result.evidence, "gap", severity_late,
                                   f"done late: {result.reason}", src.did(hit), values, (result.id,), dp, focus))  # fmt: skip
            else:
                due = spec.poor_after if spec else (detect.within or src.tl.end_t)  # type: ignore[union-attr]
                t = min(cue_t + due, src.tl.end_t)
                values = {**base, "elapsed": span(t - cue_t), "cue": cue_words}
                found.append(Found("marker_missed", t, result.evidence + src.sample_seq(t), "gap", severity_missed,
                                   result.reason, f"not done {span(t - cue_t)} after {cue_words}", values,
                                   (result.id,), dp, focus))  # fmt: skip
        elif isinstance(detect, Never) and result.evidence:
            found += _violations(src, result, base)
        elif isinstance(detect, CountOf) and isinstance(detect.count, ActionAtom) and result.evidence:
            found.append(_repeated(src, [src.tl.by_seq[s] for s in result.evidence], detect.good_at_most + 1,
                                   (result.id,), severity_missed if result.quality <= 0 else severity_late))  # fmt: skip
    return found


def _violations(src: Sources, result: MarkerResult, base: Mapping[str, object]) -> list[Found]:
    """A ``never`` marker that happened: the team's own act is a moment; an error a confederate offered and the
    team let through joins that error's moment (same ``subject``)."""
    hits = [src.tl.by_seq[s] for s in result.evidence]
    found = []
    own = [e for e in hits if not e.data.get("error_of")]
    if own:
        e = own[0]
        did = src.did(e) if e.source in src.tl.participants else f"this happened: '{record_line(_record(e), src.names)}'"
        found.append(Found("marker_violated", e.t, tuple(h.seq for h in own), "gap", 3,
                           f"against the standard: {result.reason}", did, {**base, "event": did}, (result.id,)))  # fmt: skip
    for inject in dict.fromkeys(str(e.data["error_of"]) for e in hits if e.data.get("error_of")):
        seqs = tuple(e.seq for e in hits if e.data.get("error_of") == inject)
        e = src.tl.by_seq[seqs[0]]
        found.append(Found("error_missed", e.t, seqs, "gap", 3, result.reason, src.did(e),
                           {**base, "title": base["marker"], "event": src.did(e)}, (result.id,), subject=inject))  # fmt: skip
    return found


def _record(e: Event) -> Record:
    return Record(e.seq, 0, e.t, e.kind, e.source, e.data)


def _started(src: Sources, done: Event) -> Event:
    """The ActionStarted of an action record (same action and person, the last one before it), else itself."""
    starts = [e for e in src.tl.of("ActionStarted") if e.seq < done.seq and e.source == done.source
              and e.data.get("action") == done.data.get("action")]  # fmt: skip
    return starts[-1] if starts else done


def _repeated(src: Sources, hits: list[Event], nth: int, markers: tuple[str, ...], severity: int) -> Found:
    """The attempt that went past what the scenario (or crmsim's fixation rule) accepts."""
    index = min(nth, len(hits)) - 1
    start = _started(src, hits[index])
    action = lower_first(src.names.get(str(hits[0].data.get("action")), str(hits[0].data.get("action"))))
    action += " dose" if hits[0].kind == "DrugGiven" else ""
    values = {"action": action, "count": len(hits), "ordinal": ordinal(index + 1), "who": src.who(start)}
    seqs = tuple(sorted({start.seq, *(e.seq for e in hits)}))
    result = f"{action} was repeated {len(hits)} times between {clock(hits[0].t)} and {clock(hits[-1].t)}"
    return Found("fixation", start.t, seqs, "gap", severity, result,
                 f"{src.who(start)} began the {ordinal(index + 1)} {action}", values, markers,
                 until_t=hits[-1].t, subject=str(hits[0].data.get("action")))  # fmt: skip


def fixations(src: Sources) -> list[Found]:
    """Runs of the same attempt without a change of plan (the scorer's fixation episodes)."""
    from crmsim.scoring.metrics_care import FIXATION_REPEATS

    return [_repeated(src, list(run), FIXATION_REPEATS, (), 2) for run in fixation_episodes(src.tl, src.facts)]


def errors(src: Sources) -> list[Found]:
    """Each error a confederate offered, and whether the team caught it or it reached the patient."""
    found = []
    for offered in src.tl.of("ErrorOffered"):
        inject = str(offered.data.get("inject"))
        caught = next((e for e in src.tl.of("ErrorCaught") if e.data.get("inject") == inject), None)
        missed = next((e for e in src.tl.of("ErrorMissed") if e.data.get("inject") == inject), None)
        done = [e for e in src.tl.happenings if e.data.get("error_of") == inject and e.kind != "ActionStarted"]
        fired = [e for e in src.tl.of("InjectFired") if e.data.get("inject") == inject]
        by = who_of(offered.source, None, src.names)
        what = lower_first(str(offered.data.get("description", "")).rstrip("."))
        title = str(fired[0].data.get("title")) if fired else what
        if caught is not None:
            kind, valence, severity = "error_caught", "strength", 0
            event = f"{by} offered this: {what}; {who_of(caught.source, caught.role, src.names)} stopped it " \
                    f"({str(caught.data.get('how')).replace('_', ' ')}) at {clock(caught.t)}"  # fmt: skip
            result = "the error was caught before it reached the patient"
        elif missed is not None:
            kind, valence, severity = "error_missed", "gap", 3
            event = f"{by} offered this: {what}; at {clock(missed.t)} it went ahead without anyone stopping it"
            result = "the error reached the patient"
        else:
            kind, valence, severity = "error_offered", "context", 0
            event = f"{by} offered this: {what}"
            result = "the session ended before the error was settled"
        seqs = tuple(e.seq for e in (*fired, offered, caught, missed, *done) if e is not None)
        found.append(Found(kind, offered.t, seqs, valence, severity, result, event,
                           {"title": title, "event": event, "who": by}, (),
                           _dp_for(src, InjectAtom(inject=inject)), subject=inject,
                           until_t=(caught or missed or offered).t))  # fmt: skip
    return found


def speaking_up(src: Sources) -> list[Found]:
    """Each concern raised, and how it was answered."""
    found = []
    for concern in src.tl.concerns:
        raised, answer = concern.raised, concern.answer
        response = str(answer.data.get("response")) if answer else None
        heard = response in ("acknowledged", "acted")
        event = f"{src.who(raised)} raised a concern ({raised.data.get('level')}): '{raised.data.get('about')}'"
        answered = {"acted": "acted on it", "acknowledged": "acknowledged it", "dismissed": "dismissed it"}
        event += f", and {src.who(answer)} {answered.get(str(response), str(response))}" if answer \
            else ", and no one answered it"  # fmt: skip
        seqs = (raised.seq,) + ((answer.seq,) if answer else ())
        found.append(Found("speaking_up", raised.t, seqs, "strength" if heard else "gap", 0 if heard else 1,
                           f"the concern was {response or 'not answered'}", event,
                           {"event": event, "who": src.who(raised)}, until_t=answer.t if answer else None))  # fmt: skip
    return found


def abnormal_waits(src: Sources) -> list[Found]:
    """Stretches of a critical vital (or a lethal rhythm) that lasted a minute or more before the first treatment
    the scenario expects (or that ended without one)."""
    reader = src.reader
    samples = reader.vitals.samples
    treatments = [e for e in src.tl.actions() if e.data.get("action") in src.facts.expected_actions]
    found: dict[int, tuple[float, Found]] = {}
    for limit in monitor_limits():
        if limit.urgent is None:
            continue
        match = VitalMatch.model_validate({"name": limit.vital, ("below" if limit.below else "above"): limit.urgent})
        for first, last in reader.excursions(limit, urgent=True):
            start, end = samples[first].t, samples[last].t
            treated = next((e for e in treatments if start - 1e-9 <= e.t), None)
            t = treated.t if treated is not None and treated.t <= end + 1.0 else end
            if t - start < ABNORMAL_WAIT_S:
                continue
            label = {"spo2": "SpO2", "map": "MAP", "hr": "HR"}.get(limit.vital, limit.vital)
            side = f"{'below' if limit.below else 'above'} {limit.urgent:g}"
            if treated is not None and t == treated.t:
                event, action, seqs = src.did(treated) + ", the first of the treatments the scenario expects", \
                    src.did(treated), (samples[first].seq, treated.seq)  # fmt: skip
            else:
                event = "none of the treatments the scenario expects had been given"
                action, seqs = event, (samples[first].seq, samples[last].seq)
            draft = Found("abnormal_wait", t, seqs, "gap", 3 if t - start >= 3 * ABNORMAL_WAIT_S else 2,
                          f"{label} {side} for {span(t - start)}", action,
                          {"vital": label, "limit": side, "elapsed": span(t - start), "event": event},
                          focus=match, until_t=t)  # fmt: skip
            key = seqs[-1]  # stretches of two vitals ended by one treatment: keep the longer
            if key not in found or found[key][0] < t - start:
                found[key] = (t - start, draft)
    return [draft for _, draft in found.values()]


def phase_changes(src: Sources, points: list[Found]) -> list[Found]:
    """Each phase entered after the first, unless a decision point already marks it (its cue, or its title)."""
    covered = {s for f in points for s in f.seqs}
    titles = {str(f.values.get("title")) for f in points}
    found = []
    for e in src.tl.of("PhaseEntered")[1:]:
        title = str(e.data.get("title"))
        if e.seq in covered or title in titles:
            continue
        found.append(Found("phase_change", e.t, (e.seq,), "context", 0, title, "", {"title": title}))
    return found


def annotations(src: Sources) -> list[Found]:
    """Each note the facilitator made during the session."""
    found = []
    for e in src.tl.of("Annotated"):
        note = str(e.data.get("note") or e.data.get("tag"))
        found.append(Found("annotation", e.t, (e.seq,), "context", 0, f"noted: {note}", "", {"note": note}))
    return found


def merge(drafts: list[Found]) -> list[Found]:
    """One moment per event: a ``never`` marker's moment joins the error moment it belongs to, and a ``count``
    marker's joins the fixation episode on the same action."""
    kept: list[Found] = []
    for d in drafts:
        same = next((k for k in kept if _same(k, d)), None)
        if same is None:
            kept.append(d)
            continue
        # keep the error's offer (it has no marker) and the fixation that a marker counted (it has one)
        keep_same = not same.markers if same.kind != "fixation" else bool(same.markers)
        richer, other = (same, d) if keep_same else (d, same)
        merged = replace(richer, seqs=tuple(sorted({*richer.seqs, *other.seqs})),
                         markers=tuple(dict.fromkeys(richer.markers + other.markers)),
                         severity=max(richer.severity, other.severity),
                         decision_point=richer.decision_point or other.decision_point)  # fmt: skip
        kept[kept.index(same)] = merged
    return kept


def _same(a: Found, b: Found) -> bool:
    errors = {"error_missed", "error_caught", "error_offered"}
    if a.subject and a.subject == b.subject and {a.kind, b.kind} <= errors:
        return True
    return a.kind == b.kind == "fixation" and a.subject == b.subject


def find_moments(src: Sources) -> list[Found]:
    """Every key moment of the session, merged, in time order."""
    points = decision_points(src)
    drafts = [*points, *errors(src), *marker_moments(src), *fixations(src), *speaking_up(src),
              *abnormal_waits(src), *phase_changes(src, points), *annotations(src)]  # fmt: skip
    return sorted(merge(drafts), key=lambda f: (f.t, f.seqs[0] if f.seqs else 0, f.kind))


def detector_name(detect: Any) -> str:
    """``time_to``, ``occurs``, ``never`` or ``count``."""
    if isinstance(detect, TimeToDetector):
        return "time_to"
    return "occurs" if isinstance(detect, Occurs) else "never" if isinstance(detect, Never) else "count"
