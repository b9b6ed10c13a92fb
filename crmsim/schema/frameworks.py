"""Non-technical-skill rating frameworks (ANTS, NOTSS, TEAM, Ottawa GRS, ACRM, crmsim's core six) as models.

The frameworks themselves are data, in ``crmsim/library/frameworks/<id>.yaml``; this module describes their
shape, loads the bundled ones through the hardened YAML loader, and answers whether a reference such as
``ants.recognising_and_understanding`` (an element) or ``ants.situation_awareness`` (a category) exists.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from crmsim.schema.base import ElementRef, Id, Text
from crmsim.schema.locate import problem_at
from crmsim.schema.problems import ProblemsError
from crmsim.schema.compiled import from_compiled
from crmsim.schema.yaml_loader import parse_yaml

#: The frameworks shipped with crmsim, in the order they are presented.
FRAMEWORK_IDS: tuple[str, ...] = ("ants", "notss", "team", "ottawa", "acrm", "core")

_LIBRARY_PACKAGE = "crmsim.library"
_FRAMEWORK_DIR = "frameworks"

StrictInt = Annotated[int, Strict()]


def _not_empty(items: tuple[Any, ...]) -> tuple[Any, ...]:
    # Checked after the items validate (unlike ``min_length``), so one bad item is not also reported as "empty".
    if not items:
        raise ValueError("must list at least one entry")
    return items


def _duplicate(kind: str, ident: str, where: tuple[str | int, ...]) -> PydanticCustomError:
    """An error naming a repeated id; ``where`` (in ``ctx``) says which occurrence, below the model's loc."""
    context = {"kind": kind, "id": ident, "where": where}
    return PydanticCustomError("duplicate_id", "duplicate {kind} id '{id}'", context)


class ScalePoint(BaseModel):
    """One point of a rating scale: its value, a short label and, if published, what it means."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: StrictInt
    label: Text
    descriptor: Text | None = None


class Scale(BaseModel):
    """A rating scale from ``min`` to ``max``; ``points`` label some or all of its values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: StrictInt
    max: StrictInt
    not_observed: Text | None = Field(
        default=None, description="label of the 'not observed' / 'not applicable' option; null if there is none"
    )
    points: tuple[ScalePoint, ...] = ()

    @model_validator(mode="after")
    def _check_points(self) -> Scale:
        if self.min >= self.max:
            raise PydanticCustomError(
                "scale_range",
                "scale min ({min}) must be below max ({max})",
                {"min": self.min, "max": self.max, "where": ("max",)},
            )
        seen: set[int] = set()
        for index, point in enumerate(self.points):
            where = ("points", index, "value")
            if not self.min <= point.value <= self.max:
                raise PydanticCustomError(
                    "scale_point_range",
                    "scale point {value} is outside the scale {min}..{max}",
                    {"value": point.value, "min": self.min, "max": self.max, "where": where},
                )
            if point.value in seen:
                raise _duplicate("scale point", str(point.value), where)
            seen.add(point.value)
        return self

    def values(self) -> range:
        """Every value a rating on this scale can take."""
        return range(self.min, self.max + 1)


class Element(BaseModel):
    """A rated element (ANTS 'element', TEAM 'item', ACRM 'key point'), with example behaviours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Text
    good: tuple[Text, ...] = Field(default=(), description="example behaviours of good performance")
    poor: tuple[Text, ...] = Field(default=(), description="example behaviours of poor performance")
    scale: Scale | None = Field(default=None, description="this element's own scale, if not the framework's")
    maps_to: tuple[ElementRef, ...] = Field(
        default=(), description="elements or categories of other frameworks this element draws on"
    )


class Category(BaseModel):
    """A skill category and the elements rated within it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Text
    elements: Annotated[tuple[Element, ...], AfterValidator(_not_empty)]


class Framework(BaseModel):
    """A published (or crmsim's own) behavioural rating framework."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Text
    version: Text
    citation: Text
    link: Text | None = None
    rated: Literal["individual", "team"]
    scale: Scale
    categories: Annotated[tuple[Category, ...], AfterValidator(_not_empty)]
    notes: str = ""

    @model_validator(mode="after")
    def _check_ids(self) -> Framework:
        categories: dict[str, int] = {}
        elements: dict[str, int] = {}
        for c_index, category in enumerate(self.categories):
            if category.id in categories:
                raise _duplicate("category", category.id, ("categories", c_index, "id"))
            categories[category.id] = c_index
            for e_index, element in enumerate(category.elements):
                if element.id in elements:
                    raise _duplicate("element", element.id, ("categories", c_index, "elements", e_index, "id"))
                elements[element.id] = c_index
        # A category may share its id with an element only when that element is its own (Ottawa, core);
        # otherwise "<framework>.<id>" would name two different things.
        for ident, c_index in categories.items():
            if ident in elements and elements[ident] != c_index:
                raise PydanticCustomError(
                    "ambiguous_id",
                    "category id '{id}' is also the id of an element in another category",
                    {"id": ident, "where": ("categories", c_index, "id")},
                )
        return self

    def iter_elements(self) -> Iterator[tuple[Category, Element]]:
        """Every element with its category, in file order."""
        for category in self.categories:
            for element in category.elements:
                yield category, element

    def scale_for(self, element: Element) -> Scale:
        """The scale an element is rated on: its own, or the framework's."""
        return element.scale or self.scale


def _framework_file(framework_id: str) -> Traversable:
    return resources.files(_LIBRARY_PACKAGE).joinpath(_FRAMEWORK_DIR, f"{framework_id}.yaml")


def parse_framework(source: str | bytes, path: str) -> Framework:
    """Parse one framework document; every problem is raised together as ``ProblemsError`` with file:line:col."""
    parsed = parse_yaml(source, path)
    try:
        return Framework.model_validate(parsed.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"]) + tuple((error.get("ctx") or {}).get("where", ()))
            if error["type"] == "extra_forbidden":
                problems.append(problem_at(parsed, loc, f"unknown key '{loc[-1]}'", at_key=True))
            else:
                problems.append(problem_at(parsed, loc, error["msg"]))
        raise ProblemsError(problems) from None


@functools.lru_cache(maxsize=None)
def load_framework(framework_id: str) -> Framework:
    """Load a bundled framework by id (``KeyError`` for an unknown id)."""
    if framework_id not in FRAMEWORK_IDS:
        raise KeyError(f"no bundled rating framework {framework_id!r}; known: {', '.join(FRAMEWORK_IDS)}")
    path = f"crmsim/library/{_FRAMEWORK_DIR}/{framework_id}.yaml"
    source = _framework_file(framework_id).read_bytes()
    framework = from_compiled(Framework, f"{_FRAMEWORK_DIR}/{framework_id}.yaml", source) or \
        parse_framework(source, path)  # fmt: skip
    if framework.id != framework_id:
        message = f"framework id '{framework.id}' does not match its file name '{framework_id}.yaml'"
        raise ProblemsError([problem_at(parse_yaml(source, path), ("id",), message)])
    return framework


def bundled_frameworks() -> dict[str, Framework]:
    """Every framework shipped with crmsim, by id, in ``FRAMEWORK_IDS`` order."""
    return {framework_id: load_framework(framework_id) for framework_id in FRAMEWORK_IDS}


class FrameworkIndex:
    """Looks up ``"<framework>.<element>"`` and ``"<framework>.<category>"`` references across frameworks."""

    def __init__(self, frameworks: Mapping[str, Framework]) -> None:
        self._elements: dict[str, Element] = {}
        categories: set[str] = set()
        for framework_id, framework in frameworks.items():
            for category, element in framework.iter_elements():
                categories.add(f"{framework_id}.{category.id}")
                self._elements[f"{framework_id}.{element.id}"] = element
        self._refs = frozenset(self._elements) | frozenset(categories)

    def has(self, ref: str) -> bool:
        """Whether ``ref`` names an element or a category of one of the frameworks."""
        return ref in self._refs

    def all_refs(self) -> tuple[str, ...]:
        """Every element and category reference, sorted."""
        return tuple(sorted(self._refs))

    def element(self, ref: str) -> Element | None:
        """The element ``ref`` names, or None (for a category or an unknown reference)."""
        return self._elements.get(ref)
