"""The shared formulary: drugs and interventions the team can use, with their kinetics and effects.

The bundled formulary lives in ``crmsim/library/formulary.yaml``; a scenario may add to it or override an entry
(``formulary:``) and restricts it to the actions it lists (``actions:``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from crmsim.schema.base import Chance, Duration, Id, Model, QuantityField, Route, Text, Volume
from crmsim.schema.phases import InsultKind

#: What a drug's effect acts on, in the physiology model's hidden state.
EffectTarget = Literal[
    "heart_rate",
    "contractility",
    "vascular_tone",
    "vasodilation",
    "venous_return",
    "bronchodilation",
    "mast_cell_stabilisation",
    "neuromuscular_block",
    "neuromuscular_reversal",
    "sedation",
    "ventilatory_drive",
    "seizure_threshold",
    "uterine_tone",
    "fibrinolysis_inhibition",
    "muscle_relaxation_mh",
    "local_anaesthetic_binding",
    "antiarrhythmic",
    "arrhythmogenic",
    "potassium_shift",
    "calcium",
    "glucose",
]

InterventionKind = Literal[
    "oxygen",
    "airway",
    "ventilation",
    "cpr",
    "defibrillation",
    "fluid",
    "blood",
    "cooling",
    "warming",
    "lab",
    "cognitive_aid",
    "procedure",
    "monitoring",
    "positioning",
]

AirwayDevice = Literal["supraglottic", "tracheal", "front_of_neck"]

FluidProduct = Literal[
    "crystalloid",
    "colloid",
    "red_cells",
    "plasma",
    "platelets",
    "cryoprecipitate",
    "whole_blood",
    "mixed",
]

LabValue = Literal[
    "ph",
    "pao2",
    "paco2",
    "base_excess",
    "lactate",
    "k",
    "na",
    "ica",
    "hb",
    "glucose",
    "platelets",
    "fibrinogen",
    "inr",
    "tryptase",
    "ck",
]


class Kinetics(Model):
    """One compartment plus an effect site: dCp/dt = input/V − (CL/V)·Cp; dCe/dt = ke0·(Cp − Ce)."""

    volume_l_per_kg: float = Field(gt=0, description="volume of distribution, L/kg")
    clearance_ml_min_kg: float = Field(ge=0, description="clearance, mL/min/kg")
    ke0_per_min: float = Field(gt=0, description="plasma to effect-site equilibration rate, /min")


class Effect(Model):
    """A Hill-curve effect on the effect-site concentration: Emax·Ceⁿ/(EC50ⁿ + Ceⁿ)."""

    target: EffectTarget
    emax: float = Field(description="change at full effect, as a fraction of baseline (negative lowers it)")
    ec50: float = Field(gt=0, description="effect-site concentration for half the effect, in mcg/ml")
    hill: float = Field(default=1.0, gt=0, le=20, description="steepness of the curve")


class DoseGuide(Model):
    """The usual and the largest sensible dose of a drug by one route."""

    usual: QuantityField
    max_single: QuantityField | None = None
    limit: QuantityField | None = Field(
        default=None, description="beyond this a dose is implausible and a scenario using it is in error"
    )


class Drug(Model):
    """A drug in the formulary."""

    name: Text
    aliases: tuple[Text, ...] = ()
    drug_class: Text
    unit: Literal["mcg", "mg", "g", "ml", "units", "mmol"] = Field(description="unit doses are written in")
    routes: tuple[Route, ...] = Field(min_length=1)
    doses: dict[Route, DoseGuide] = Field(default_factory=dict)
    concentration: QuantityField | None = Field(default=None, description="as drawn up, e.g. '100 mcg/ml'")
    duration: Duration = Field(default=20.0, description="time to prepare and give one dose")
    kinetics: Kinetics | None = None
    effects: tuple[Effect, ...] = ()
    source: Text

    @model_validator(mode="after")
    def _doses_for_listed_routes(self) -> Drug:
        for route in self.doses:
            if route not in self.routes:
                raise ValueError(f"a dose is given for route '{route}', which is not in routes {list(self.routes)}")
        return self


class Intervention(Model):
    """A procedure, device, test or aid the team can use."""

    name: Text
    kind: InterventionKind
    duration: Duration = Field(default=10.0, description="time the performer is busy")
    success_chance: Chance | None = Field(default=None, description="chance one attempt succeeds")
    fio2: Chance | None = Field(default=None, description="inspired oxygen fraction delivered (oxygen, ventilation)")
    volume: Volume | None = Field(default=None, description="volume given (fluids and blood)")
    energy_j: float | None = Field(default=None, gt=0, le=400, description="defibrillation energy in joules")
    minute_ventilation: float | None = Field(
        default=None, gt=0, le=4, description="ventilation: minute ventilation as a multiple of the patient's normal"
    )
    airway_device: AirwayDevice | None = Field(
        default=None, description="airway: the device, which decides the obstructions it bypasses"
    )
    product: FluidProduct | None = Field(
        default=None, description="fluid and blood: what runs in (default: crystalloid for fluid, red cells for blood)"
    )
    infuse_over: Duration | None = Field(default=None, description="fluid and blood: time the volume takes to run in")
    relieves: dict[InsultKind, Chance] = Field(
        default_factory=dict, description="fraction of an insult's severity this removes (e.g. needle decompression)"
    )
    halts: tuple[InsultKind, ...] = Field(
        default=(), description="insults that grow no further once this is done (e.g. stopping the trigger)"
    )
    result_delay: Duration | None = Field(default=None, description="time until a lab result comes back")
    reports: tuple[LabValue, ...] = ()
    steps: tuple[Text, ...] = Field(default=(), description="the content of a cognitive aid")
    source: Text | None = None

    @model_validator(mode="after")
    def _kind_needs(self) -> Intervention:
        if self.kind == "lab" and (self.result_delay is None or not self.reports):
            raise ValueError("a lab test needs 'result_delay' and 'reports'")
        if self.kind == "cognitive_aid" and not self.steps:
            raise ValueError("a cognitive aid needs its 'steps'")
        if self.kind in ("fluid", "blood") and self.volume is None:
            raise ValueError(f"a {self.kind} intervention needs its 'volume'")
        for name, kinds in (("minute_ventilation", ("ventilation",)), ("airway_device", ("airway",)),
                            ("product", ("fluid", "blood")), ("infuse_over", ("fluid", "blood"))):
            if getattr(self, name) is not None and self.kind not in kinds:
                raise ValueError(f"'{name}' is only for {' or '.join(kinds)} interventions, not '{self.kind}'")
        return self


class Formulary(Model):
    """Drugs and interventions by id."""

    drugs: dict[Id, Drug] = Field(default_factory=dict)
    interventions: dict[Id, Intervention] = Field(default_factory=dict)

    def merged(self, extension: Formulary | None) -> Formulary:
        """This formulary with a scenario's additions and overrides applied."""
        if extension is None:
            return self
        return Formulary(
            drugs={**self.drugs, **extension.drugs},
            interventions={**self.interventions, **extension.interventions},
        )

    def has(self, action_id: str) -> bool:
        """Whether ``action_id`` names a drug or an intervention."""
        return action_id in self.drugs or action_id in self.interventions

    def ids(self) -> tuple[str, ...]:
        """Every action id, drugs first."""
        return (*self.drugs, *self.interventions)
