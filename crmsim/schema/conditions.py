"""Conditions and event selectors: what a transition waits for and what a marker looks for.

A condition is a mapping with exactly one key naming its kind, e.g. ``{vital: {name: sbp, below: 50}}`` or
``{all: [...]}``. They compose with ``all``, ``any`` and ``not``; nothing is ever evaluated as code.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from crmsim.schema.base import Duration, Id, Model, QuantityField, Rhythm, Route, Vital

CommunicationKind = Literal[
    "order",
    "acknowledge",
    "clarify",
    "decline",
    "report_done",
    "call_out",
    "declare",
    "call_help",
    "assign",
    "summarise",
    "raise_concern",
    "respond_concern",
    "cross_check",
    "open_aid",
]
COMMUNICATION_KINDS: tuple[str, ...] = CommunicationKind.__args__  # type: ignore[attr-defined]


class DoseRange(Model):
    """Doses from ``min`` to ``max`` inclusive (either may be left out)."""

    min: QuantityField | None = None
    max: QuantityField | None = None


class ActionMatch(Model):
    """An action done: which, by whom, at what dose and route, how many times, how much in all."""

    id: Id
    by: tuple[Id, ...] = Field(default=(), description="roles; any role when empty")
    dose: DoseRange | None = None
    route: Route | None = None
    count: int = Field(default=1, ge=1, description="at least this many times")
    total: DoseRange | None = Field(
        default=None, description="the doses of the matching boluses, added up, lie in this range (infusions are "
        "not counted)")
    outcome: Literal["succeeded", "failed", "any"] = Field(
        default="succeeded", description="which attempts count: those that succeeded (the default), those that "
        "failed, or any; only an intervention with a success_chance can fail")


class CommunicationMatch(Model):
    """A communication made: its kind, what it was about, and by whom."""

    kind: CommunicationKind
    about: Id | None = Field(default=None, description="a diagnosis, finding, cognitive aid or action id")
    by: tuple[Id, ...] = ()


class VitalMatch(Model):
    """A vital sign beyond a threshold, continuously for a while."""

    name: Vital
    below: float | None = None
    above: float | None = None
    for_: Duration = Field(default=0.0, alias="for", description="how long it must stay beyond the threshold")

    @model_validator(mode="after")
    def _one_threshold(self) -> VitalMatch:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of 'below' or 'above'")
        return self


class PhaseAtom(Model):
    """True once the phase has been entered."""

    phase: Id


class InjectAtom(Model):
    """True once the inject has happened."""

    inject: Id


class ActionAtom(Model):
    """True once the matching action has been done."""

    action: ActionMatch


class CommunicationAtom(Model):
    """True once the matching communication has been made."""

    communication: CommunicationMatch


class VitalAtom(Model):
    """True while the vital sign has been beyond its threshold for long enough."""

    vital: VitalMatch


class StartAtom(Model):
    """The start of the scenario (as a selector); always true as a condition."""

    start: Literal[True]


class FlagAtom(Model):
    """True while the flag is set."""

    flag: Id


class TimeInPhaseAtom(Model):
    """True once this long has passed in the current phase."""

    time_in_phase: Duration


class ScenarioTimeAtom(Model):
    """True once this long has passed since the scenario started."""

    scenario_time: Duration


class RhythmAtom(Model):
    """True while the monitor shows one of these rhythms (e.g. a perfusing one, or a shockable one)."""

    rhythm: tuple[Rhythm, ...] = Field(min_length=1)


class Sustained(Model):
    """A condition that must hold without a break for a while, counted from the start of the current phase."""

    for_: Duration = Field(alias="for", description="how long the condition must have held, within the current phase")
    when: Condition


class SustainedAtom(Model):
    """True once the condition inside has held without a break for ``for`` within the current phase."""

    sustained: Sustained


class AllOf(Model):
    """True when every condition is."""

    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(Model):
    """True when at least one condition is."""

    any: tuple[Condition, ...] = Field(min_length=1)


class NotOf(Model):
    """True when the condition is not."""

    not_: Condition = Field(alias="not")


_SELECTOR_KEYS = ("phase", "inject", "action", "communication", "vital", "start")
_CONDITION_KEYS = (*_SELECTOR_KEYS, "flag", "time_in_phase", "scenario_time", "rhythm", "sustained", "all", "any",
                   "not")


def _single_key(value: Any, keys: tuple[str, ...]) -> str | None:
    if isinstance(value, dict):
        present = [k for k in value if k in keys]
        return present[0] if len(present) == 1 else None
    if isinstance(value, Model):
        for key in keys:
            field = key + "_" if key == "not" else key
            if field in type(value).model_fields:
                return key
    return None


def _selector_tag(value: Any) -> str | None:
    return _single_key(value, _SELECTOR_KEYS)


def _condition_tag(value: Any) -> str | None:
    return _single_key(value, _CONDITION_KEYS)


#: One event to look for in the log: a phase entered, an inject, an action, a communication, a vital, the start.
Selector = Annotated[
    Union[
        Annotated[PhaseAtom, Tag("phase")],
        Annotated[InjectAtom, Tag("inject")],
        Annotated[ActionAtom, Tag("action")],
        Annotated[CommunicationAtom, Tag("communication")],
        Annotated[VitalAtom, Tag("vital")],
        Annotated[StartAtom, Tag("start")],
    ],
    Discriminator(
        _selector_tag,
        custom_error_type="selector_kind",
        custom_error_message="an event needs exactly one of: " + ", ".join(_SELECTOR_KEYS),
    ),
]

#: A condition: an event selector, a flag, a time, the rhythm, or a composition with all / any / not / sustained.
Condition = Annotated[
    Union[
        Annotated[PhaseAtom, Tag("phase")],
        Annotated[InjectAtom, Tag("inject")],
        Annotated[ActionAtom, Tag("action")],
        Annotated[CommunicationAtom, Tag("communication")],
        Annotated[VitalAtom, Tag("vital")],
        Annotated[StartAtom, Tag("start")],
        Annotated[FlagAtom, Tag("flag")],
        Annotated[TimeInPhaseAtom, Tag("time_in_phase")],
        Annotated[ScenarioTimeAtom, Tag("scenario_time")],
        Annotated[RhythmAtom, Tag("rhythm")],
        Annotated[SustainedAtom, Tag("sustained")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
    ],
    Discriminator(
        _condition_tag,
        custom_error_type="condition_kind",
        custom_error_message="a condition needs exactly one of: " + ", ".join(_CONDITION_KEYS),
    ),
]

Sustained.model_rebuild()
SustainedAtom.model_rebuild()
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def walk_condition(condition: Any) -> list[Any]:
    """Every atom in a condition tree, depth first (compositions and ``sustained`` themselves excluded)."""
    if isinstance(condition, AllOf):
        return [atom for child in condition.all for atom in walk_condition(child)]
    if isinstance(condition, AnyOf):
        return [atom for child in condition.any for atom in walk_condition(child)]
    if isinstance(condition, NotOf):
        return walk_condition(condition.not_)
    if isinstance(condition, SustainedAtom):
        return walk_condition(condition.sustained.when)
    return [condition]


def sustained_in(condition: Any) -> list[SustainedAtom]:
    """Every ``sustained`` condition in a condition tree, inner ones before the ones that contain them."""
    if isinstance(condition, AllOf | AnyOf):
        children = condition.all if isinstance(condition, AllOf) else condition.any
        return [atom for child in children for atom in sustained_in(child)]
    if isinstance(condition, NotOf):
        return sustained_in(condition.not_)
    if isinstance(condition, SustainedAtom):
        return [*sustained_in(condition.sustained.when), condition]
    return []
