"""The debrief's words as data: the PEARLS phases and the advocacy-inquiry templates of
``crmsim/library/debrief/prompts.yaml``, loaded through the hardened YAML loader and checked, then filled in
for one key moment.

A template may use only the placeholders listed in :data:`FIELDS`; a file that uses another, or lacks a moment
kind, is refused with ``FILE:LINE:COL`` like any other crmsim data file.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from importlib import resources

from pydantic import Field, ValidationError, field_validator

from crmsim.debrief.describe import clock, shown, span
from crmsim.debrief.model import PEARLS_ORDER, Abnormality, MomentKind, Prompt, Screen
from crmsim.schema.base import Model, Text
from crmsim.schema.locate import problem_at
from crmsim.schema.problems import ProblemsError
from crmsim.schema.yaml_loader import parse_yaml

#: Every placeholder a template may use.
FIELDS = frozenset({"time", "screen", "event", "concern", "title", "question", "marker", "cue", "elapsed", "action",
                    "count", "ordinal", "who", "note", "vital", "limit"})  # fmt: skip
#: The kinds of key moment, each of which needs a template.
MOMENT_KINDS: tuple[str, ...] = MomentKind.__args__  # type: ignore[attr-defined]
#: At most this many abnormal vitals are named in one observation.
NAMED_VITALS = 2


def _placeholders_known(text: str) -> str:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in FIELDS:
            raise ValueError(f"unknown placeholder {{{name}}}; known: {', '.join(sorted(FIELDS))}")
    return text


class Phase(Model):
    """A PEARLS phase: its title, objective and opening lines."""

    title: Text
    objective: Text
    openers: tuple[Text, ...] = Field(min_length=1)


class MomentTemplate(Model):
    """The words of one kind of key moment."""

    title: Text
    observation: Text
    view: Text
    inquiry: Text
    frame: Text
    concern: str = ""

    @field_validator("title", "observation", "view", "inquiry", "frame", "concern")
    @classmethod
    def _known(cls, value: str) -> str:
        return _placeholders_known(value)


class Templates(Model):
    """The whole prompts file."""

    pearls: dict[str, Phase]
    outcome_openers: dict[str, Text] = Field(default_factory=dict)
    concerns: dict[str, Text]
    moments: dict[str, MomentTemplate]
    application_questions: tuple[Text, ...] = Field(min_length=1)

    @field_validator("pearls")
    @classmethod
    def _four_phases(cls, value: dict[str, Phase]) -> dict[str, Phase]:
        if tuple(value) != PEARLS_ORDER:
            raise ValueError(f"give the PEARLS phases {', '.join(PEARLS_ORDER)}, in that order")
        return value

    @field_validator("moments")
    @classmethod
    def _every_kind(cls, value: dict[str, MomentTemplate]) -> dict[str, MomentTemplate]:
        missing = [k for k in MOMENT_KINDS if k not in value]
        unknown = [k for k in value if k not in MOMENT_KINDS]
        if missing or unknown:
            raise ValueError(f"moment kinds missing: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'}")
        return value


def parse_templates(source: str | bytes, path: str) -> Templates:
    """Parse a prompts file; every problem is raised together as ``ProblemsError`` with ``file:line:col``."""
    parsed = parse_yaml(source, path)
    try:
        return Templates.model_validate(parsed.data)
    except ValidationError as exc:
        problems = [problem_at(parsed, tuple(e["loc"]), e["msg"].removeprefix("Value error, "))
                    for e in exc.errors(include_url=False)]  # fmt: skip
        raise ProblemsError(problems) from None


@functools.lru_cache(maxsize=1)
def load_templates() -> Templates:
    """The bundled prompts (``crmsim/library/debrief/prompts.yaml``), parsed once (a cohort builds thousands of
    debriefs with them; the model is frozen)."""
    source = resources.files("crmsim.library").joinpath("debrief", "prompts.yaml").read_bytes()
    return parse_templates(source, "crmsim/library/debrief/prompts.yaml")


def screen_phrase(screen: Screen, named: tuple[Abnormality, ...]) -> str:
    """``with SpO2 at 82 % for 40 s`` for the abnormal vitals named, else the main numbers on the monitor."""
    if named:
        parts = []
        for a in named:
            value = f"{a.value:g}" if isinstance(a.value, float) else str(a.value).upper()
            text = f"{a.label} at {value}" + (f" {a.unit}" if a.unit else "")
            if a.vital == "rhythm":
                text = f"the rhythm {value}"
            parts.append(text + (f" for {span(a.duration_s)}" if a.duration_s >= 1 else ""))
        return "with " + " and ".join(parts)
    s = screen.sample
    if s is None:
        return "before the monitor showed anything"
    bp = f"BP {round(s.sbp)}/{round(s.dbp)} mmHg"
    return f"with the monitor showing {shown('hr', s.hr)}, {bp}, {shown('spo2', s.spo2)}"


def fill(text: str, values: Mapping[str, object]) -> str:
    """A template with its placeholders filled (an absent value reads as an empty string)."""
    return string.Formatter().vformat(text, (), _Blank(values)).replace("  ", " ").replace(" ,", ",").strip()


class _Blank(dict):  # type: ignore[type-arg]
    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""


def make_prompt(templates: Templates, kind: str, t: float, screen: Screen, values: Mapping[str, object]) -> Prompt:
    """The advocacy-inquiry prompt of one moment: observation (naming the time and what the screen showed), the
    facilitator's view (the concern the abnormal vital raises), and the inquiry."""
    template = templates.moments[kind]
    named = screen.abnormal[:NAMED_VITALS]
    concern = templates.concerns.get(named[0].vital, template.concern) if named else template.concern
    filled = {**values, "time": clock(t), "screen": screen_phrase(screen, named), "concern": concern}
    view = fill(template.view, filled) if "{concern}" not in template.view or concern else ""
    return Prompt(fill(template.observation, filled), view, fill(template.inquiry, filled), clock(t), named)


def moment_words(templates: Templates, kind: str, values: Mapping[str, object]) -> tuple[str, str]:
    """A moment's title and frame from its template."""
    template = templates.moments[kind]
    return fill(template.title, values), fill(template.frame, values)
