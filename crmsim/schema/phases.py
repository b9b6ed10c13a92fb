"""The scenario's state machine: phases with insults, trends and lines; transitions; injects."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from crmsim.schema.base import Chance, Duration, Id, Model, QuantityField, Rhythm, Route, Text, Vital
from crmsim.schema.conditions import Condition

InsultKind = Literal[
    "anaphylaxis",
    "haemorrhage",
    "malignant_hyperthermia",
    "last",
    "sepsis",
    "airway_obstruction",
    "failed_intubation",
    "laryngospasm",
    "bronchospasm",
    "tension_pneumothorax",
    "arrhythmia",
    "cardiac_arrest",
]
INSULT_KINDS: tuple[str, ...] = InsultKind.__args__  # type: ignore[attr-defined]

Outcome = Literal["resolved", "death", "time_limit"]


class InsultStart(Model):
    """Start (or strengthen) an insult, ramping its severity from 0 to ``severity`` over ``ramp``."""

    insult: InsultKind
    severity: Chance = 1.0
    ramp: Duration = Field(default=0.0, description="time to reach the severity")
    rate: QuantityField | None = Field(default=None, description="haemorrhage: blood loss, e.g. '150 ml/min'")
    rhythm: Rhythm | None = Field(default=None, description="arrhythmia and arrest: the rhythm")

    @model_validator(mode="after")
    def _needs(self) -> InsultStart:
        if self.insult == "haemorrhage" and self.rate is None:
            raise ValueError("a haemorrhage needs its 'rate', e.g. '150 ml/min'")
        if self.insult in ("arrhythmia", "cardiac_arrest") and self.rhythm is None:
            raise ValueError(f"'{self.insult}' needs its 'rhythm'")
        if self.rate is not None and (self.rate.dimension != "volume" or self.rate.per_time is None):
            raise ValueError(f"a haemorrhage rate is a volume per time, e.g. '150 ml/min', not '{self.rate}'")
        return self


class InsultStop(Model):
    """Stop an insult, its severity falling to 0 over ``ramp``."""

    insult: InsultKind
    ramp: Duration = 0.0


class Trend(Model):
    """Move a vital sign's target to a value over a time (on top of the physiology)."""

    vital: Vital
    to: float
    over: Duration = 60.0


class Line(Model):
    """Something a confederate (or a role played by the scenario) says, at a time after the phase or inject began."""

    at: Duration = 0.0
    by: Id
    say: Text


class Transition(Model):
    """Go to another phase when the condition holds."""

    to: Id
    when: Condition
    narration: Text | None = None


class Timeout(Model):
    """Go to another phase when this long has passed in the phase and no transition fired."""

    after: Duration
    to: Id


class EndState(Model):
    """The phase ends the scenario with this outcome."""

    outcome: Outcome
    summary: Text | None = None


class Phase(Model):
    """One state of the scenario."""

    id: Id
    title: Text
    narration: Text | None = None
    start_insults: tuple[InsultStart, ...] = ()
    stop_insults: tuple[InsultStop, ...] = ()
    trends: tuple[Trend, ...] = ()
    lines: tuple[Line, ...] = ()
    set_flags: tuple[Id, ...] = ()
    clear_flags: tuple[Id, ...] = ()
    transitions: tuple[Transition, ...] = ()
    timeout: Timeout | None = None
    end: EndState | None = None

    @model_validator(mode="after")
    def _end_or_exit(self) -> Phase:
        if self.end is not None and (self.transitions or self.timeout):
            raise ValueError("an end phase has no transitions or timeout")
        return self


class ActionFailure(Model):
    """Equipment failure: an action cannot be done for a while."""

    action: Id
    for_: Duration = Field(alias="for")


class ConfederateError(Model):
    """An error made by a confederate (or a team role played by the scenario) that the team should catch.

    The error is offered when the confederate's last line in the inject is spoken; when not caught by one of
    ``caught_by`` within ``window`` from then, the erroneous action is carried out.
    """

    by: Id
    description: Text
    action: Id
    dose: QuantityField | None = None
    route: Route | None = None
    caught_by: tuple[Literal["cross_check", "raise_concern", "clarify", "decline"], ...] = Field(min_length=1)
    window: Duration = 60.0


InjectKind = Literal["distraction", "equipment_failure", "confederate_error", "information", "complication"]


class Inject(Model):
    """An event the scenario or the facilitator brings in: a distraction, a failure, an error to catch, new
    information, or a complication that changes the patient (insults and trends, as a phase does)."""

    id: Id
    title: Text
    kind: InjectKind
    at: Duration | None = Field(default=None, description="scenario time it happens by itself")
    when: Condition | None = Field(default=None, description="a condition that makes it happen")
    narration: Text | None = None
    lines: tuple[Line, ...] = ()
    failures: tuple[ActionFailure, ...] = ()
    error: ConfederateError | None = None
    set_flags: tuple[Id, ...] = ()
    start_insults: tuple[InsultStart, ...] = Field(default=(), description="insults it starts, as in a phase")
    stop_insults: tuple[InsultStop, ...] = Field(default=(), description="insults it stops, as in a phase")
    trends: tuple[Trend, ...] = Field(default=(), description="vital-sign trends it sets, as in a phase")

    @model_validator(mode="after")
    def _consistent(self) -> Inject:
        if self.at is not None and self.when is not None:
            raise ValueError("give 'at' or 'when', not both (leave both out for a facilitator-only inject)")
        if self.kind == "confederate_error" and self.error is None:
            raise ValueError("a confederate_error inject needs its 'error'")
        if self.kind == "equipment_failure" and not self.failures:
            raise ValueError("an equipment_failure inject needs 'failures'")
        if self.kind == "complication" and not (self.start_insults or self.stop_insults or self.trends):
            raise ValueError("a complication inject changes the patient: give 'start_insults', 'stop_insults' or "
                             "'trends'")
        return self
