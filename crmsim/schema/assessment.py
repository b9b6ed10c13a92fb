"""What the scenario asks the scorer and the debrief to look at: markers, decision points, the expected timeline."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field, model_validator

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


Detector = Union[TimeToDetector, Occurs, Never, CountOf]


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


__all__ = ["Annotated", "Debrief", "Detector", "Marker"]
