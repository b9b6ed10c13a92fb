"""The scenario: metadata, patient, team, actions, phases, injects, markers, debrief and scripts."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from crmsim.schema.assessment import Debrief, Marker
from crmsim.schema.base import (
    Flag,
    SCENARIO_ID_PATTERN,
    Chance,
    Duration,
    ElementRef,
    Id,
    Model,
    Pressure,
    Rhythm,
    Temperature,
    Text,
)
from crmsim.schema.commands import ScriptStep
from crmsim.schema.formulary import Formulary
from crmsim.schema.phases import Inject, Phase

FORMAT_VERSION = 1

Setting = Literal[
    "operating_theatre",
    "anaesthetic_room",
    "recovery",
    "emergency_department",
    "labour_ward",
    "ward",
    "intensive_care",
    "pre_hospital",
    "other",
]


class Objective(Model):
    """A learning objective, linked to the skills it trains."""

    id: Id
    text: Text
    elements: tuple[ElementRef, ...] = Field(min_length=1)


class Reference(Model):
    """A guideline or paper the scenario is built on."""

    guideline: Text
    organisation: Text | None = None
    year: int = Field(ge=1900, le=2100)
    link: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    note: Text | None = None


class Vitals(Model):
    """Vital signs: hr /min, sbp dbp mmHg, spo2 %, rr /min, etco2 mmHg (or kPa with its unit), temp °C."""

    hr: float
    sbp: float
    dbp: float
    spo2: float
    rr: float
    etco2: Pressure
    temp: Temperature


class Baseline(Model):
    """The patient at the start."""

    vitals: Vitals
    rhythm: Rhythm = "sinus"


class Patient(Model):
    """Who the patient is."""

    age_years: int = Field(ge=0, le=120)
    sex: Literal["female", "male"]
    weight_kg: float = Field(gt=0, le=350)
    height_cm: float | None = Field(default=None, gt=30, le=250)
    history: tuple[Text, ...] = ()
    medications: tuple[Text, ...] = ()
    allergies: tuple[Text, ...] = ()
    presenting: Text = Field(description="what is happening when the scenario opens")
    baseline: Baseline


class Role(Model):
    """A role the team plays. Present at the start, or arriving a delay after help is called."""

    id: Id
    name: Text
    present: Flag = True
    arrives_after: Duration | None = Field(default=None, description="delay after a call for help")
    leader: Flag = False
    responsibilities: tuple[Text, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _arrival(self) -> Role:
        if not self.present and self.arrives_after is None:
            raise ValueError("a role that is not present needs 'arrives_after'")
        if self.present and self.arrives_after is not None:
            raise ValueError("'arrives_after' is only for a role that is not present at the start")
        return self


class Confederate(Model):
    """Someone the scenario voices (a surgeon, a midwife, a relative)."""

    id: Id
    name: Text
    description: Text | None = None


class Team(Model):
    """The roles and the confederates."""

    roles: tuple[Role, ...] = Field(min_length=1)
    confederates: tuple[Confederate, ...] = ()


class Permission(Model):
    """An action available in the scenario: who may perform it and, if different from the formulary, how long
    it takes and how likely one attempt succeeds."""

    action: Id
    by: tuple[Id, ...] = Field(min_length=1)
    duration: Duration | None = None
    success_chance: Chance | None = None
    max_count: int | None = Field(default=None, ge=1, description="how many times it can be done at most")


class Named(Model):
    """A diagnosis or finding the team can name."""

    id: Id
    name: Text


class Script(Model):
    """A timed list of team commands, for headless runs and tests."""

    description: Text
    steps: tuple[ScriptStep, ...] = Field(min_length=1)


class ScriptFile(Model):
    """A script kept in a file beside the scenario."""

    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.ya?ml$")]


def _script_tag(value: object) -> str:
    if isinstance(value, dict):
        return "file" if "file" in value else "inline"
    return "file" if isinstance(value, ScriptFile) else "inline"


#: A script written in the scenario, or ``{file: NAME.script.yaml}`` beside it.
ScriptEntry = Annotated[
    Union[Annotated[Script, Tag("inline")], Annotated[ScriptFile, Tag("file")]],
    Discriminator(_script_tag),
]


class Scenario(Model):
    """A complete clinical crisis scenario."""

    crmsim: Literal[1] = Field(description="the scenario-language version")
    id: Annotated[str, StringConstraints(pattern=SCENARIO_ID_PATTERN)]
    title: Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    authors: tuple[Text, ...] = Field(min_length=1)
    summary: Text
    setting: Setting
    duration_limit: Duration
    learning_objectives: tuple[Objective, ...] = Field(min_length=1)
    references: tuple[Reference, ...] = Field(min_length=1)
    patient: Patient
    team: Team
    formulary: Formulary | None = Field(default=None, description="drugs and interventions added or overridden")
    actions: tuple[Permission, ...] = Field(min_length=1)
    diagnoses: tuple[Named, ...] = ()
    findings: tuple[Named, ...] = ()
    phases: tuple[Phase, ...] = Field(min_length=1, description="the first phase is where the scenario starts")
    injects: tuple[Inject, ...] = ()
    markers: tuple[Marker, ...] = ()
    debrief: Debrief
    scripts: dict[Id, ScriptEntry] = Field(min_length=1)

    def phase(self, phase_id: str) -> Phase | None:
        """The phase with this id, if any."""
        return next((p for p in self.phases if p.id == phase_id), None)

    def role(self, role_id: str) -> Role | None:
        """The role with this id, if any."""
        return next((r for r in self.team.roles if r.id == role_id), None)
