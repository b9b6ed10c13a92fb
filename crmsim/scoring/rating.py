"""Rate every element of a framework from the indicators: a score on the element's own scale (or not observed),
the evidence (record seqs) and one sentence of reason.

An element's quality (0-1) is the weighted mean of the qualities of its observed indicators — scenario markers
count twice, generic metrics once — capped at the worst of them plus 0.5, so that one dangerous lapse cannot be
averaged away. The quality maps onto the scale linearly: ``score = min + round(quality × (max − min))``. A
category's score is the mean of its observed elements. Both rules are crmsim's judgement (``docs/scoring.md``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from crmsim.schema.frameworks import Element, Framework, bundled_frameworks
from crmsim.scoring.indicators import Indicators
from crmsim.scoring.rules import GLOBAL_ELEMENTS, metrics_for

#: Markers are the scenario author's own evidence for an element: they weigh twice a generic metric.
MARKER_WEIGHT = 2.0
#: An element's quality is at most its worst indicator's plus this.
WORST_MARGIN = 0.5


@dataclass(frozen=True)
class Rated:
    """One rating of an element by one rater (``auto`` or an educator's id)."""

    rater: str
    score: int | None
    comment: str


@dataclass(frozen=True)
class ElementRating:
    """An element's rating with its evidence and reason; ``ratings`` keeps every rater's score, auto first."""

    framework: str
    category: str
    element: str
    name: str
    scale: tuple[int, int]
    quality: float | None
    evidence: tuple[int, ...]
    reason: str
    ratings: tuple[Rated, ...] = ()

    @property
    def auto_score(self) -> int | None:
        return self.ratings[0].score if self.ratings else None

    @property
    def score(self) -> int | None:
        """The final score: the last educator's override if there is one, else the automatic rating."""
        return self.ratings[-1].score if self.ratings else None

    @property
    def rater(self) -> str:
        return self.ratings[-1].rater if self.ratings else "auto"


@dataclass(frozen=True)
class CategoryRating:
    """A category and its elements' ratings; its score is the mean of the observed element scores."""

    id: str
    name: str
    elements: tuple[ElementRating, ...]

    @property
    def score(self) -> float | None:
        scores = [e.score for e in self.elements if e.score is not None]
        return round(sum(scores) / len(scores), 2) if scores else None


@dataclass(frozen=True)
class FrameworkRating:
    """One framework rated for the team (``participant`` None) or one participant."""

    framework: Framework
    participant: str | None
    role: str | None
    categories: tuple[CategoryRating, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def elements(self) -> Iterable[ElementRating]:
        for category in self.categories:
            yield from category.elements

    def element(self, element_id: str) -> ElementRating | None:
        return next((e for e in self.elements() if e.element == element_id), None)


class Indicator(NamedTuple):
    """One input to an element: its quality, weight, evidence and reason (a named tuple: a rating makes dozens)."""

    quality: float | None
    weight: float
    evidence: tuple[int, ...]
    reason: str


def to_scale(quality: float, low: int, high: int) -> int:
    """A 0-1 quality as a point of the scale (half-way rounds up)."""
    return low + int(math.floor(quality * (high - low) + 0.5 + 1e-9))


def combine(indicators: list[Indicator]) -> float | None:
    """The element quality: weighted mean of the observed indicators, capped at the worst plus the margin."""
    total = weights = 0.0
    worst = math.inf
    for quality, weight, _, _ in indicators:
        if quality is not None:
            total += quality * weight
            weights += weight
            worst = min(worst, quality)
    if not weights:
        return None
    return min(total / weights, worst + WORST_MARGIN)


def _sentence(parts: list[str]) -> str:
    text = "; ".join(p for p in parts if p)
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def _reason(score_label: str, quality: float | None, seen: list[Indicator], unseen: list[Indicator]) -> str:
    if not seen:
        why = unseen[0].reason if unseen else "nothing in the log bears on it"
        return _sentence([f"not observed: {why}"])
    ordered = sorted(seen, key=lambda i: (i.quality, -i.weight))
    worst, best = ordered[0], ordered[-1]
    low = quality is not None and quality < 0.5
    parts = [worst.reason] if worst is best else ([worst.reason, best.reason] if low else [best.reason, worst.reason])
    return _sentence([f"{score_label} — {parts[0]}", *parts[1:]])


def _covered(framework_id: str, element: Element, category_id: str, refs: Iterable[str],
             maps: dict[str, set[str]]) -> bool:  # fmt: skip
    return _covers(_targets(framework_id, element, category_id), refs, maps)


def _targets(framework_id: str, element: Element, category_id: str) -> frozenset[str]:
    """The refs that count as evidence for an element: itself, its category and what it maps to."""
    return frozenset({*element.maps_to, f"{framework_id}.{element.id}", f"{framework_id}.{category_id}"})


def _covers(targets: frozenset[str], refs: Iterable[str], maps: dict[str, set[str]]) -> bool:
    return any(ref in targets or not targets.isdisjoint(maps.get(ref, ())) for ref in refs)


@functools.lru_cache(maxsize=1)
def _category_members() -> dict[str, set[str]]:
    """Each category ref -> its element refs, across the bundled frameworks (to resolve category evidence)."""
    members: dict[str, set[str]] = {}
    for fid, framework in bundled_frameworks().items():
        for category, element in framework.iter_elements():
            members.setdefault(f"{fid}.{category.id}", set()).add(f"{fid}.{element.id}")
    return members


def _label(framework: Framework, element: Element, score: int) -> str:
    scale = framework.scale_for(element)
    point = next((p for p in scale.points if p.value == score), None)
    return f"{point.label} ({score})" if point and point.label != str(score) else f"Rated {score}/{scale.max}"


@dataclass(frozen=True)
class _Item:
    """What rating one element needs that does not depend on the log: worked out once per framework."""

    category_id: str
    element: Element
    metrics: tuple[str, ...]
    targets: frozenset[str]
    is_global: bool
    scale: tuple[int, int]
    labels: dict[int, str]
    """each score's label as a reason starts it, e.g. 'Good (4)'"""
    auto: dict[int | None, tuple[Rated, ...]]
    """the automatic rater's ``ratings`` for each score (made once: a Rated is immutable, so it is shared)"""


class _Rater:
    """Rates several sets of indicators in one framework, working out each element's inputs and which markers
    bear on which element once for all of them."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.items: list[_Item] = []
        for category, element in framework.iter_elements():
            ref = f"{framework.id}.{element.id}"
            scale = framework.scale_for(element)
            labels = {score: _label(framework, element, score) for score in range(scale.min, scale.max + 1)}
            auto = {score: (Rated("auto", score, ""),) for score in (None, *labels)}
            self.items.append(_Item(category.id, element, tuple(metrics_for(ref)),
                                    _targets(framework.id, element, category.id), ref in GLOBAL_ELEMENTS,
                                    (scale.min, scale.max), labels, auto))  # fmt: skip
        self._order = [{e.id: i for i, e in enumerate(c.elements)} for c in framework.categories]
        self._members = _category_members()
        self._coverage: dict[tuple[str, ...], tuple[bool, ...]] = {}

    def _covered_by(self, evidences: tuple[str, ...]) -> tuple[bool, ...]:
        """For each element in order, whether a marker with these evidence refs bears on it."""
        found = self._coverage.get(evidences)
        if found is None:
            found = self._coverage[evidences] = tuple(_covers(item.targets, evidences, self._members)
                                                      for item in self.items)  # fmt: skip
        return found

    def rate(self, found: Indicators) -> FrameworkRating:
        framework = self.framework
        measured = {name: Indicator(m.quality, 1.0, m.evidence, m.reason) for name, m in found.measures.items()}
        covered = [(Indicator(m.quality, MARKER_WEIGHT, m.evidence, m.reason), self._covered_by(m.evidences))
                   for m in found.markers]  # fmt: skip
        rated: dict[str, list[ElementRating]] = {}
        global_items: list[_Item] = []
        for index, item in enumerate(self.items):
            if item.is_global:
                global_items.append(item)
                continue
            inputs = [measured[name] for name in item.metrics]
            inputs += [marker for marker, bears in covered if bears[index]]
            rated.setdefault(item.category_id, []).append(_element(framework.id, item, inputs))
        others = [e for items in rated.values() for e in items if e.quality is not None]
        for item in global_items:
            inputs = [Indicator(e.quality, 1.0, e.evidence, f"{e.name.lower()} rated {e.score}") for e in others]
            rating = _element(framework.id, item, inputs)
            reason = rating.reason
            if rating.score is not None:
                reason = _sentence([f"{item.labels[rating.score]} — the mean of the {len(others)} elements rated"])
            rated.setdefault(item.category_id, []).append(ElementRating(
                rating.framework, rating.category, rating.element, rating.name, rating.scale, rating.quality, (),
                reason, rating.ratings))  # fmt: skip
        categories = []
        for category, order in zip(framework.categories, self._order, strict=True):
            elements = sorted(rated.get(category.id, []), key=lambda e: order[e.element])
            categories.append(CategoryRating(category.id, category.name, tuple(elements)))
        return FrameworkRating(framework, found.participant, found.role, tuple(categories))


@functools.lru_cache(maxsize=16)
def _rater(framework: Framework) -> _Rater:
    """The rater of a framework, kept: its element inputs and marker coverage do not change from log to log."""
    return _Rater(framework)


def rate(framework: Framework, found: Indicators) -> FrameworkRating:
    """Rate every element of ``framework`` from one set of indicators."""
    return _rater(framework).rate(found)


def rate_all(framework: Framework, founds: Iterable[Indicators]) -> tuple[FrameworkRating, ...]:
    """Rate several sets of indicators (a team and its members) in ``framework``; the same as :func:`rate` on
    each."""
    rater = _rater(framework)
    return tuple(rater.rate(found) for found in founds)


def _element(framework_id: str, item: _Item, inputs: list[Indicator]) -> ElementRating:
    seen = [i for i in inputs if i.quality is not None]
    quality = combine(seen)
    low, high = item.scale
    score = None if quality is None else to_scale(quality, low, high)
    evidence = tuple(sorted(set().union(*[i.evidence for i in seen])))
    reason = _reason(item.labels[score] if score is not None else "", quality, seen,
                     [i for i in inputs if i.quality is None])  # fmt: skip
    return ElementRating(framework_id, item.category_id, item.element.id, item.element.name, item.scale, quality,
                         evidence, reason, item.auto.get(score) or (Rated("auto", score, ""),))  # fmt: skip
