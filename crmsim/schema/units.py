"""Quantities with units: parse ``"50 mcg"``, ``"1.5 ml/kg"``, ``"4.8 kPa"`` and convert them.

A quantity names a base unit, optionally "per kilogram" and optionally "per unit of time".
Conversion happens only within a dimension; mixing dimensions is an error the lint reports.
"""

from __future__ import annotations

import difflib

import re
from dataclasses import dataclass

#: base unit spelling -> (dimension, canonical unit, factor to the canonical unit)
_BASE_UNITS: dict[str, tuple[str, str, float]] = {
    "mcg": ("mass", "mcg", 1.0),
    "µg": ("mass", "mcg", 1.0),
    "μg": ("mass", "mcg", 1.0),
    "ug": ("mass", "mcg", 1.0),
    "microgram": ("mass", "mcg", 1.0),
    "micrograms": ("mass", "mcg", 1.0),
    "mg": ("mass", "mcg", 1_000.0),
    "g": ("mass", "mcg", 1_000_000.0),
    "ml": ("volume", "ml", 1.0),
    "mL": ("volume", "ml", 1.0),
    "l": ("volume", "ml", 1_000.0),
    "L": ("volume", "ml", 1_000.0),
    "units": ("amount", "units", 1.0),
    "unit": ("amount", "units", 1.0),
    "IU": ("amount", "units", 1.0),
    "mmol": ("substance", "mmol", 1.0),
    "J": ("energy", "J", 1.0),
    "mmHg": ("pressure", "mmHg", 1.0),
    "kPa": ("pressure", "mmHg", 7.50062),
    "°C": ("temperature", "degC", 1.0),
    "degC": ("temperature", "degC", 1.0),
    "C": ("temperature", "degC", 1.0),
    "%": ("fraction", "%", 1.0),
    "bpm": ("frequency", "/min", 1.0),
    "s": ("time", "s", 1.0),
    "min": ("time", "s", 60.0),
    "h": ("time", "s", 3600.0),
    "kg": ("weight", "kg", 1.0),
}

#: "per time" spellings -> seconds
_PER_TIME: dict[str, float] = {"s": 1.0, "min": 60.0, "h": 3600.0}

_QUANTITY = re.compile(
    r"^\s*(?P<value>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*"
    r"(?P<base>[A-Za-zµμ°%]+)"
    r"(?P<per_kg>\s*/\s*kg)?"
    r"(?:\s*/\s*(?P<per_time>s|min|h))?\s*$"
)

QUANTITY_PATTERN = _QUANTITY.pattern


class UnitError(ValueError):
    """A quantity that cannot be read, or a unit in the wrong dimension."""


@dataclass(frozen=True)
class Quantity:
    """A number with a unit, kept in the canonical unit of its dimension.

    ``value`` is in ``unit`` (canonical: mcg, ml, units, mmol, J, mmHg, degC, %, /min, s, kg),
    per kilogram when ``per_kg`` and per ``per_time`` when set (``"min"``, ``"h"``, ``"s"``).
    """

    value: float
    unit: str
    dimension: str
    per_kg: bool = False
    per_time: str | None = None
    text: str = ""

    @property
    def signature(self) -> str:
        """The dimension with its qualifiers, e.g. ``"volume/kg/time"``."""
        parts = [self.dimension]
        if self.per_kg:
            parts.append("kg")
        if self.per_time:
            parts.append("time")
        return "/".join(parts)

    def per_minute(self) -> float:
        """The value per minute (a rate), or the value itself when it is not a rate."""
        if self.per_time is None:
            return self.value
        return self.value * 60.0 / _PER_TIME[self.per_time]

    def for_weight(self, weight_kg: float) -> Quantity:
        """The absolute quantity for a patient of ``weight_kg`` (unchanged when not per kg)."""
        if not self.per_kg:
            return self
        return Quantity(self.value * weight_kg, self.unit, self.dimension, False, self.per_time, self.text)

    def __str__(self) -> str:
        return self.text or f"{self.value:g} {self.unit}"


def parse_quantity(text: str | int | float, default_unit: str | None = None) -> Quantity:
    """Read ``"50 mcg"`` or, when ``default_unit`` is given, a bare number in that unit."""
    if isinstance(text, bool):
        raise UnitError(f"expected a quantity such as '50 mcg', got {text!r}")
    if isinstance(text, int | float):
        if default_unit is None:
            raise UnitError(f"give a unit with the number, e.g. '{text} mg'")
        text = f"{text} {default_unit}"
    if not isinstance(text, str):
        raise UnitError(f"expected a quantity such as '50 mcg', got {text!r}")
    match = _QUANTITY.match(text)
    if match is None:
        raise UnitError(f"cannot read the quantity {text!r}; write a number and a unit, e.g. '50 mcg' or '1.5 ml/kg'")
    base = match["base"]
    if base not in _BASE_UNITS:
        names = sorted({k for k in _BASE_UNITS if k.isascii()})
        close = difflib.get_close_matches(base, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UnitError(f"unknown unit {base!r} in {text!r}{hint}; known units: {', '.join(names)}")
    dimension, canonical, factor = _BASE_UNITS[base]
    return Quantity(
        value=float(match["value"]) * factor,
        unit=canonical,
        dimension=dimension,
        per_kg=match["per_kg"] is not None,
        per_time=match["per_time"],
        text=text.strip(),
    )


def convert(quantity: Quantity, dimension: str) -> float:
    """The canonical value of ``quantity``, checking that it is of ``dimension``."""
    if quantity.dimension != dimension:
        raise UnitError(f"{quantity} is a {quantity.dimension}, expected a {dimension}")
    return quantity.value


def dimension_of(unit: str) -> str:
    """The dimension of a base unit spelling (``"mg"`` -> ``"mass"``)."""
    try:
        return _BASE_UNITS[unit][0]
    except KeyError as exc:
        raise UnitError(f"unknown unit {unit!r}") from exc


def parse_duration(value: str | int | float) -> float:
    """Seconds from ``90``, ``"90 s"``, ``"2 min"``, ``"1 h"`` or ``"1 min 30 s"``."""
    if isinstance(value, bool):
        raise UnitError(f"expected a duration such as '90 s' or '2 min', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_duration_text(value)
    else:
        raise UnitError(f"expected a duration such as '90 s' or '2 min', got {value!r}")
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise UnitError(f"a duration must be zero or more seconds, got {value!r}")
    return seconds


_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(h|min|s)\b")
DURATION_PATTERN = r"^\s*(\d+(\.\d+)?\s*(h|min|s)\s*)+$"


def _parse_duration_text(text: str) -> float:
    pos, total, found = 0, 0.0, False
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None:
            if text[pos:].strip() == "":
                break
            raise UnitError(f"cannot read the duration {text!r}; write e.g. '90 s', '2 min' or '1 min 30 s'")
        total += float(match[1]) * _PER_TIME[match[2]]
        pos, found = match.end(), True
    if not found:
        raise UnitError(f"cannot read the duration {text!r}; write e.g. '90 s', '2 min' or '1 min 30 s'")
    return total
