"""What the scenario asks the scorer and the debrief to look at: markers, decision points, the expected timeline."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Discriminator, Field, Tag, model_validator

from crmsim.schema.base import Duration, ElementRef, Id, Model, Text
from crmsim.schema.conditions import Selector


class TimeTo(Model):
    """The time from a cue to the response; sooner is better."""

    from_: Selector = Field(alias="from")
    to: Selector
    good_within: Duration
    poor_after: Duration

    @model_validator(mode="after")
    def _ordered(self) -> TimeTo:
        if self.poor_after < self.good_within:
            raise ValueError("'poor_after' must not be shorter than 'good_within'")
        return self


class Occurs(Model):
    """Good when the event happens (before ``within``, if set, counted from the start)."""

    occurs: Selector
    within: Duration | None = None


class Never(Model):
    """Good when the event never happens (an error the team should prevent)."""

    never: Selector


class CountOf(Model):
    """The number of times an event happens; fewer is better (attempts, repeated doses)."""

    count: Selector
    good_at_most: int = Field(ge=0)
    poor_at_least: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> CountOf:
        if self.poor_at_least <= self.good_at_most:
            raise ValueError("'poor_at_least' must be more than 'good_at_most'")
        return self


class TimeToDetector(Model):
    """Wraps ``time_to`` so a detector is a mapping with one key."""

    time_to: TimeTo


_DETECTOR_KEYS = ("time_to", "occurs", "never", "count")


def _detector_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        present = [k for k in value if k in _DETECTOR_KEYS]
        return present[0] if len(present) == 1 else None
    for key, model in (("time_to", TimeToDetector), ("occurs", Occurs), ("never", Never), ("count", CountOf)):
        if isinstance(value, model):
            return key
    return None


#: How a marker is detected: ``time_to``, ``occurs``, ``never`` or ``count``.
Detector = Annotated[
    Union[
        Annotated[TimeToDetector, Tag("time_to")],
        Annotated[Occurs, Tag("occurs")],
        Annotated[Never, Tag("never")],
        Annotated[CountOf, Tag("count")],
    ],
    Discriminator(
        _detector_tag,
        custom_error_type="detector_kind",
        custom_error_message="a marker's 'detect' needs exactly one of: " + ", ".join(_DETECTOR_KEYS),
    ),
]


class Marker(Model):
    """A scenario-specific behavioural marker: what to detect, what it evidences, what is good and poor."""

    id: Id
    description: Text
    evidences: tuple[ElementRef, ...] = Field(min_length=1, description="framework elements, e.g. ants.anticipating")
    detect: Detector


class DecisionPoint(Model):
    """A moment for the debrief: the cue, what the guideline expects, and questions that draw out the frame."""

    id: Id
    title: Text
    cue: Selector
    expected: Text = Field(description="what the guideline expects here (the single-loop correction)")
    questions: tuple[Text, ...] = Field(min_length=1, description="frame-eliciting questions (double loop)")


class ExpectedStep(Model):
    """An expected event and when an expert team does it, counted from a cue (the start by default)."""

    label: Text
    event: Selector
    by: Duration
    from_: Selector | None = Field(default=None, alias="from")


class Debrief(Model):
    """What the debrief draws on."""

    decision_points: tuple[DecisionPoint, ...] = Field(min_length=1)
    expected_timeline: tuple[ExpectedStep, ...] = Field(min_length=1)
    learning_points: tuple[Text, ...] = Field(min_length=1)


