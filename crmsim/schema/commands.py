"""What people can ask of a session: the team's actions and communications, and the facilitator's controls.

These models are the one vocabulary of commands: scenario scripts are lists of them, the game produces them,
and the core logs and carries them out. Each is told apart by its ``do`` key.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from crmsim.schema.base import Duration, Flag, Id, Model, QuantityField, Route, Text, Vital

Assertiveness = Literal["probe", "alert", "challenge", "emergency"]
CusWord = Literal["concerned", "uncomfortable", "safety_issue"]
ConcernResponse = Literal["acknowledged", "acted", "dismissed"]


class Perform(Model):
    """Do an action oneself (give a drug, perform an intervention)."""

    do: Literal["perform"]
    action: Id
    dose: QuantityField | None = None
    route: Route | None = None
    rate: QuantityField | None = Field(default=None, description="for an infusion, e.g. '0.1 mcg/kg/min'")


class Order(Model):
    """Order an action: to a named role (directed) or to nobody in particular (undirected)."""

    do: Literal["order"]
    to: Id | None = Field(default=None, description="the role ordered; leave out for an undirected order")
    action: Id
    dose: QuantityField | None = None
    route: Route | None = None
    rate: QuantityField | None = None


class Acknowledge(Model):
    """Acknowledge an order, reading it back (the closed loop) or not."""

    do: Literal["acknowledge"]
    order: Id
    read_back: Flag = True


class Clarify(Model):
    """Ask about an order before carrying it out."""

    do: Literal["clarify"]
    order: Id
    question: Text


class Decline(Model):
    """Decline an order, with the reason."""

    do: Literal["decline"]
    order: Id
    reason: Text


class ReportDone(Model):
    """Report an ordered action done: the close of the loop. Carrying it out is implied."""

    do: Literal["report_done"]
    order: Id


class CallOut(Model):
    """Tell the whole team a finding: a vital sign, the rhythm, or a finding the scenario names."""

    do: Literal["call_out"]
    finding: Id = Field(description="a vital sign (hr, sbp, spo2, …), 'rhythm', or a scenario finding id")
    text: Text | None = None


class Declare(Model):
    """Declare the emergency, or the working diagnosis when one is named."""

    do: Literal["declare"]
    diagnosis: Id | None = Field(default=None, description="a scenario diagnosis id; leave out to declare an emergency")


class Sbar(Model):
    """Situation, background, assessment, request: what a call for help says."""

    situation: Text | None = None
    background: Text | None = None
    assessment: Text | None = None
    request: Text | None = None


class CallHelp(Model):
    """Call for help; the roles that arrive on a call come after their delay."""

    do: Literal["call_help"]
    roles: tuple[Id, ...] = Field(default=(), description="roles called; every absent role when empty")
    sbar: Sbar = Field(default_factory=Sbar)


class Assign(Model):
    """Give a team member a role or a task."""

    do: Literal["assign"]
    to: Id
    task: Text


class Summarise(Model):
    """Summarise the situation and the plan; a '10 seconds for 10 minutes' pause when ``pause`` is set."""

    do: Literal["summarise"]
    plan: Text
    pause: Flag = False


class RaiseConcern(Model):
    """Speak up, with graded assertiveness and, if used, a CUS word."""

    do: Literal["raise_concern"]
    to: Id | None = None
    level: Assertiveness
    words: CusWord | None = None
    about: Text


class RespondConcern(Model):
    """The response to a concern raised."""

    do: Literal["respond_concern"]
    concern: Id
    response: ConcernResponse


class CrossCheck(Model):
    """Check a drug and dose with a colleague before it is given; names the order checked, if any."""

    do: Literal["cross_check"]
    with_: Id = Field(alias="with", description="the role checked with")
    action: Id
    dose: QuantityField | None = None
    order: Id | None = None


class OpenAid(Model):
    """Open a cognitive aid (a guideline card or checklist)."""

    do: Literal["open_aid"]
    aid: Id


class Pause(Model):
    """Facilitator: pause the simulation."""

    do: Literal["pause"]


class Resume(Model):
    """Facilitator: resume the simulation."""

    do: Literal["resume"]


class SetSpeed(Model):
    """Facilitator: run at ×1, ×2 or ×4."""

    do: Literal["speed"]
    factor: Literal[1, 2, 4]


class TriggerInject(Model):
    """Facilitator: make an inject happen now."""

    do: Literal["trigger_inject"]
    inject: Id


class JumpToPhase(Model):
    """Facilitator: move the scenario to a phase."""

    do: Literal["jump"]
    phase: Id


class Annotate(Model):
    """Facilitator: mark this moment for the debrief."""

    do: Literal["annotate"]
    tag: Id
    note: Text | None = None


class EndSession(Model):
    """Facilitator: end the session now."""

    do: Literal["end"]


TeamCommand = Union[
    Perform, Order, Acknowledge, Clarify, Decline, ReportDone, CallOut, Declare, CallHelp, Assign,
    Summarise, RaiseConcern, RespondConcern, CrossCheck, OpenAid,
]  # fmt: skip
FacilitatorCommand = Union[Pause, Resume, SetSpeed, TriggerInject, JumpToPhase, Annotate, EndSession]

#: Any command, told apart by its ``do`` key.
Command = Annotated[Union[TeamCommand, FacilitatorCommand], Field(discriminator="do")]

FACILITATOR_COMMANDS: frozenset[str] = frozenset(
    {"pause", "resume", "speed", "trigger_inject", "jump", "annotate", "end"}
)

#: Which field of a command refers back to an earlier command's label.
REFERS_BACK: dict[str, str] = {
    "acknowledge": "order",
    "clarify": "order",
    "decline": "order",
    "report_done": "order",
    "respond_concern": "concern",
    "cross_check": "order",
}


class ScriptStep(Model):
    """One timed command of a script: when, by which role (or the facilitator), and what."""

    at: Duration = Field(description="time from the start")
    by: Id = Field(description="a role id, or 'facilitator'")
    label: Id | None = Field(default=None, description="a name later steps use to refer to this order or concern")
    command: Command

    @model_validator(mode="before")
    @classmethod
    def _split_command(cls, data: object) -> object:
        """Accept the flat form ``{at, by, label, do, ...}`` that authors write."""
        if isinstance(data, dict) and "command" not in data and "do" in data:
            head = {k: data[k] for k in ("at", "by", "label") if k in data}
            rest = {k: v for k, v in data.items() if k not in ("at", "by", "label")}
            return {**head, "command": rest}
        return data


__all__ = ["Command", "ScriptStep", "Vital"]
