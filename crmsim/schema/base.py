"""Building blocks shared by every model of the scenario language: strict models, ids, durations, quantities."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from crmsim.schema.units import DURATION_PATTERN, QUANTITY_PATTERN, Quantity, UnitError, parse_duration, parse_quantity

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SCENARIO_ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
REF_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$"


class Model(BaseModel):
    """A strict, immutable model: unknown keys are errors and nothing changes after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, populate_by_name=True)


def _as_duration(value: Any) -> float:
    try:
        return parse_duration(value)
    except UnitError as exc:
        raise ValueError(str(exc)) from None


def _as_quantity(value: Any) -> Quantity:
    if isinstance(value, Quantity):
        return value
    try:
        return parse_quantity(value)
    except UnitError as exc:
        raise ValueError(str(exc)) from None


def _strict_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__} {value!r}; put it in quotes")
    return value


#: A name made of lower-case letters, digits and underscores, starting with a letter.
Id = Annotated[str, BeforeValidator(_strict_text), StringConstraints(pattern=ID_PATTERN)]

#: A reference to a rating-framework element or category: ``ants.recognising_and_understanding``.
ElementRef = Annotated[str, BeforeValidator(_strict_text), StringConstraints(pattern=REF_PATTERN)]

#: Free text written for people.
Text = Annotated[str, BeforeValidator(_strict_text), StringConstraints(min_length=1)]

#: Seconds, written as a number of seconds or as ``"90 s"``, ``"2 min"``, ``"1 min 30 s"``.
Duration = Annotated[
    float,
    BeforeValidator(_as_duration),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": DURATION_PATTERN}],
            "description": "seconds, or text such as '90 s', '2 min', '1 min 30 s'",
        }
    ),
]

#: A number with its unit: ``"50 mcg"``, ``"1.5 ml/kg"``, ``"15 ml/kg/h"``, ``"4.8 kPa"``.
QuantityField = Annotated[
    Quantity,
    BeforeValidator(_as_quantity),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": QUANTITY_PATTERN, "description": "a number and a unit, e.g. '50 mcg'"}
    ),
]

#: A probability from 0 to 1.
Chance = Annotated[float, Field(ge=0, le=1), WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]

#: ``true`` or ``false`` only (never ``yes``, ``no``, ``1`` or ``"true"``).
Flag = StrictBool

Route = Literal["iv", "io", "im", "sc", "inhaled", "nebulised", "infusion", "po", "pr", "sl", "buccal", "topical"]
ROUTES: tuple[str, ...] = Route.__args__  # type: ignore[attr-defined]

Vital = Literal["hr", "sbp", "dbp", "map", "spo2", "rr", "etco2", "temp"]
VITALS: tuple[str, ...] = Vital.__args__  # type: ignore[attr-defined]

#: Canonical unit of each vital sign, as the core and the monitor use it.
VITAL_UNITS: dict[str, str] = {
    "hr": "/min",
    "sbp": "mmHg",
    "dbp": "mmHg",
    "map": "mmHg",
    "spo2": "%",
    "rr": "/min",
    "etco2": "mmHg",
    "temp": "degC",
}

#: The range a vital sign can physically take, for the lint.
VITAL_LIMITS: dict[str, tuple[float, float]] = {
    "hr": (0, 300),
    "sbp": (0, 300),
    "dbp": (0, 200),
    "map": (0, 250),
    "spo2": (0, 100),
    "rr": (0, 80),
    "etco2": (0, 150),
    "temp": (25, 45),
}

Rhythm = Literal[
    "sinus", "sinus_tachycardia", "sinus_bradycardia", "svt", "af", "vt", "vf", "pea", "asystole"
]
RHYTHMS: tuple[str, ...] = Rhythm.__args__  # type: ignore[attr-defined]


def _in_dimension(dimension: str, example: str):  # noqa: ANN202 - returns a validator
    def validate(value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError(f"expected a number or a quantity such as '{example}'")
        if isinstance(value, int | float):
            return float(value)
        quantity = _as_quantity(value)
        if quantity.dimension != dimension or quantity.per_kg or quantity.per_time:
            raise ValueError(f"{value!r} is not a {dimension}; write e.g. '{example}'")
        return quantity.value

    return validate


def _measure(dimension: str, example: str, unit: str) -> Any:
    return Annotated[
        float,
        BeforeValidator(_in_dimension(dimension, example)),
        WithJsonSchema(
            {
                "anyOf": [{"type": "number"}, {"type": "string", "pattern": QUANTITY_PATTERN}],
                "description": f"a {dimension} in {unit}, or with its unit, e.g. '{example}'",
            }
        ),
    ]


#: A pressure in mmHg; ``"4.8 kPa"`` is converted.
Pressure = _measure("pressure", "4.8 kPa", "mmHg")
#: A temperature in °C.
Temperature = _measure("temperature", "37.2 °C", "°C")
#: A volume in ml; ``"1 L"`` is converted.
Volume = _measure("volume", "500 ml", "ml")
