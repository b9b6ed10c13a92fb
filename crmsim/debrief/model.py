"""The debrief model: one frozen, renderer-independent picture of a session for the facilitator.

A :class:`Debrief` is built by :func:`crmsim.debrief.build.build_debrief` from a log, its scenario and its
ratings, and read by every renderer (the HTML report, the on-screen debrief, exports). It holds no behaviour
beyond look-ups, imports nothing from a renderer, and every item cites the log records it came from (``seq``) and
their simulated time (``t``, seconds since the start).

The parts, following Rudolph et al. (2006, 2007) and PEARLS (Eppich & Cheng 2015):

- the **timeline** (:class:`TimelineEntry`, :class:`PhaseSpan`, :class:`AlarmSpan`) over the **vitals**
  (:class:`VitalsSeries`);
- **key moments** (:class:`KeyMoment`) as result → action → frame, each with what was on the screen then
  (:class:`Screen`) and an advocacy-inquiry :class:`Prompt`;
- **single-loop** corrections (:class:`Correction`, the guideline fact, cited from the scenario) kept apart from
  **double-loop** questions (:class:`Question`, which question the frame behind an action);
- the four PEARLS phases (:class:`PearlsSection`: reactions, description, analysis, application) that arrange
  them for the conversation;
- the ratings with their evidence (:class:`RatingSummary`), the scenario's markers (:class:`MarkerOutcome`) and
  its expected timeline (:class:`StepOutcome`), which the cohort view aggregates across sessions.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

#: The PEARLS phases crmsim arranges a debrief by, in order (the setting of the scene comes before, in person).
PEARLS_ORDER: tuple[str, ...] = ("reactions", "description", "analysis", "application")

MomentKind = Literal[
    "decision_point", "marker_missed", "marker_late", "marker_violated", "error_missed", "error_caught", "error_offered",
    "fixation", "speaking_up", "abnormal_wait", "phase_change", "annotation",
]  # fmt: skip
#: ``gap``: something to improve; ``strength``: something to keep; ``context``: a moment to look at together.
Valence = Literal["gap", "strength", "context"]
#: ``met`` on time; ``late`` done with part credit; ``missed`` not done (or, for ``never``, it happened);
#: ``not_due``: the session gave no opportunity.
MarkerStatus = Literal["met", "late", "missed", "not_due"]
#: What a timeline entry is, for colour and filtering.
EntryCategory = Literal["phase", "action", "communication", "alarm", "scenario", "error", "annotation", "facilitator"]


@dataclass(frozen=True)
class VitalsSample:
    """One ``VitalsSampled`` record (1 Hz): the numbers on the monitor at ``t``."""

    seq: int
    t: float
    hr: float
    sbp: float
    dbp: float
    map: float
    spo2: float
    rr: float
    etco2: float
    temp: float
    rhythm: str

    def value(self, vital: str) -> float | str | None:
        """The sampled value of one vital by its log name (``spo2``, ``rhythm``, ...)."""
        return getattr(self, vital, None)


@dataclass(frozen=True)
class VitalsSeries:
    """Every vital-sign sample of the session, in time order."""

    samples: tuple[VitalsSample, ...]

    def at(self, t: float) -> VitalsSample | None:
        """The last sample at or before ``t`` (what the monitor showed then); None before the first."""
        index = bisect.bisect_right(self.samples, t + 1e-9, key=lambda s: s.t)
        return self.samples[index - 1] if index else None

    def series(self, vital: str) -> tuple[tuple[float, float], ...]:
        """``(t, value)`` pairs of one numeric vital."""
        return tuple((s.t, float(s.value(vital))) for s in self.samples if isinstance(s.value(vital), int | float))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Abnormality:
    """A vital beyond a limit at a moment, and for how long it had been (continuously)."""

    vital: str
    """the log name: ``spo2``, ``map``, ``rhythm``, ..."""
    label: str
    """as the monitor labels it: ``SpO2``, ``MAP``"""
    value: float | str
    """as displayed (rounded like the monitor)"""
    unit: str
    limit: str
    """e.g. ``below 90 %``"""
    since_t: float
    duration_s: float
    priority: str
    """``high`` or ``medium`` (the monitor's alarm tier), or ``cue`` for a scenario's own threshold"""
    seq: int
    """the first sample beyond the limit"""


@dataclass(frozen=True)
class ActiveAlarm:
    """An alarm sounding at a moment."""

    alarm: str
    vital: str
    priority: str
    since_t: float
    seq: int


@dataclass(frozen=True)
class Screen:
    """What was on the shared screen at a moment: the vitals, what was abnormal and for how long, the alarms."""

    t: float
    sample: VitalsSample | None
    abnormal: tuple[Abnormality, ...]
    """most urgent first"""
    alarms: tuple[ActiveAlarm, ...]
    phase: str
    """the title of the scenario phase in force"""


@dataclass(frozen=True)
class Prompt:
    """An advocacy-inquiry prompt (Rudolph et al. 2007): an observation tied to the screen, the facilitator's
    honest point of view, and a genuinely curious question about the frame."""

    observation: str
    view: str
    inquiry: str
    time: str
    """the moment's time as printed in the observation (``04:12``)"""
    shown: tuple[Abnormality, ...]
    """the vitals the observation names, exactly as the monitor showed them"""

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.observation, self.view, self.inquiry) if part)


@dataclass(frozen=True)
class Correction:
    """Single-loop learning: the fact or standard that corrects the action, cited from the scenario's own data
    (a decision point's ``expected``, a marker's description, the guideline it references)."""

    moment_id: str | None
    text: str
    source: str
    """where the fact comes from, e.g. ``anaphylaxis-ga decision point 'low_flow'; AAGBI 2021``"""
    seqs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Question:
    """Double-loop learning: a question about the frame (assumptions, goals) behind an action."""

    moment_id: str | None
    text: str
    source: str
    """the scenario's decision point, or crmsim's prompt templates"""


@dataclass(frozen=True)
class KeyMoment:
    """A moment worth debriefing, as result → action → frame (Rudolph et al. 2006)."""

    id: str
    """``m1``, ``m2``, ... in time order"""
    kind: MomentKind
    valence: Valence
    severity: int
    """0 (context or strength) to 3 (an error reached the patient, a critical step was missed)"""
    title: str
    t: float
    time: str
    seqs: tuple[int, ...]
    """the log records the moment rests on (every one exists in the log)"""
    result: str
    """what happened to the patient or the situation"""
    action: str
    """what the team did (or did not do) that seemed to lead to it"""
    frame: str
    """the frame to discover: what the inquiry asks about (the facilitator does not know it yet)"""
    screen: Screen
    prompt: Prompt
    pearls: str
    """the PEARLS phase the moment is discussed in"""
    markers: tuple[str, ...] = ()
    """scenario markers this moment evidences"""
    decision_point: str | None = None
    """the scenario's decision point this moment belongs to"""
    until_t: float | None = None
    """the end of the stretch to replay, when the moment spans time (a fixation, a wait)"""


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened (vital samples excluded), as the debrief lists it."""

    seq: int
    t: float
    time: str
    kind: str
    category: EntryCategory
    who: str
    """a role's or confederate's name, ``Facilitator``, ``Monitor`` or ``Scenario``"""
    text: str


@dataclass(frozen=True)
class PhaseSpan:
    """A scenario phase from when it was entered to when the next began (or the session ended)."""

    id: str
    title: str
    start_t: float
    end_t: float
    seq: int


@dataclass(frozen=True)
class AlarmSpan:
    """An alarm from raised to cleared (or to the end)."""

    alarm: str
    vital: str
    priority: str
    start_t: float
    end_t: float
    seq: int


@dataclass(frozen=True)
class MarkerOutcome:
    """A scenario marker on this session."""

    id: str
    description: str
    status: MarkerStatus
    quality: float | None
    value: float | None
    """seconds for ``time_to``, the time for ``occurs``, a count for ``count`` and ``never``"""
    detector: str
    """``time_to``, ``occurs``, ``never`` or ``count``"""
    reason: str
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class StepOutcome:
    """A step of the scenario's expected timeline: when an expert team does it, and when this team did."""

    label: str
    due_s: float
    delay_s: float | None
    """from its cue to the event; None when not done"""
    quality: float | None
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class ElementSummary:
    """A rated element with its evidence."""

    id: str
    name: str
    score: int | None
    scale: tuple[int, int]
    rater: str
    auto_score: int | None
    reason: str
    evidence: tuple[int, ...]
    evidence_t: tuple[float, ...]


@dataclass(frozen=True)
class CategorySummary:
    """A rated category and its elements."""

    id: str
    name: str
    score: float | None
    elements: tuple[ElementSummary, ...]


@dataclass(frozen=True)
class RatingSummary:
    """The team's rating in one framework."""

    framework: str
    name: str
    citation: str
    categories: tuple[CategorySummary, ...]


@dataclass(frozen=True)
class Participant:
    """Who played: a pseudonymous id, the role, and a display name only if one was given."""

    id: str
    role: str
    role_name: str
    name: str


@dataclass(frozen=True)
class SessionInfo:
    """Which session this is."""

    label: str
    """the log path or the store's session id"""
    scenario_id: str
    scenario_title: str
    scenario_version: str
    seed: int | None
    started_at: str
    outcome: str
    summary: str
    duration_s: float
    participants: tuple[Participant, ...]


@dataclass(frozen=True)
class PearlsSection:
    """One PEARLS phase: the facilitator's opening lines, the facts or moments discussed, and — kept apart —
    the single-loop corrections and the double-loop questions that belong to it."""

    id: str
    title: str
    objective: str
    openers: tuple[str, ...]
    facts: tuple[str, ...]
    moment_ids: tuple[str, ...]
    corrections: tuple[Correction, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Debrief:
    """Everything a debrief shows, for one session."""

    session: SessionInfo
    phases: tuple[PhaseSpan, ...]
    timeline: tuple[TimelineEntry, ...]
    vitals: VitalsSeries
    alarms: tuple[AlarmSpan, ...]
    moments: tuple[KeyMoment, ...]
    markers: tuple[MarkerOutcome, ...]
    steps: tuple[StepOutcome, ...]
    ratings: RatingSummary
    single_loop: tuple[Correction, ...]
    double_loop: tuple[Question, ...]
    pearls: tuple[PearlsSection, ...]
    learning_points: tuple[str, ...]
    references: tuple[str, ...]

    def moment(self, moment_id: str) -> KeyMoment | None:
        """The key moment with this id."""
        return next((m for m in self.moments if m.id == moment_id), None)

    def section(self, pearls_id: str) -> PearlsSection | None:
        """The PEARLS section with this id."""
        return next((s for s in self.pearls if s.id == pearls_id), None)

    def gaps(self) -> Iterator[KeyMoment]:
        """The moments that show something to improve."""
        return (m for m in self.moments if m.valence == "gap")


def as_data(debrief: Debrief) -> dict[str, Any]:
    """The debrief as plain JSON-able data (tuples become lists), e.g. for ``crmsim debrief --format json``."""
    data = dataclasses.asdict(debrief)
    for moment, source in zip(data["moments"], debrief.moments, strict=True):
        moment["prompt"]["text"] = source.prompt.text
    return data


def to_json_text(debrief: Debrief) -> str:
    """The debrief as indented JSON text."""
    return json.dumps(as_data(debrief), indent=2, ensure_ascii=False) + "\n"
