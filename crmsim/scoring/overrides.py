"""Educator overrides: re-rate any element with a comment; the automatic rating and every override are kept.

An overrides file is CSV with a header row and the columns ``element``, ``score``, ``rater`` and ``comment``;
optional ``participant`` (a participant id, or ``team``, the default) and ``framework`` (default: the one being
rated; rows for another framework are skipped). ``element`` is an element id (``exchanging_information``) or a
reference (``ants.exchanging_information``); ``score`` is a point of the element's scale, or ``N/O`` (or empty)
for "not observed". The last override of an element is its final score; ``ratings`` lists all, auto first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

from crmsim.scoring.rating import CategoryRating, FrameworkRating, Rated
from crmsim.scoring.scorer import SessionScore

REQUIRED = ("element", "score", "rater", "comment")
NOT_OBSERVED = frozenset({"", "n/o", "na", "n/a", "not observed"})


class OverrideError(Exception):
    """An overrides file that cannot be used; the message is one line, ``FILE:LINE: message``."""


@dataclass(frozen=True)
class Override:
    """One educator's re-rating of one element."""

    element: str
    score: int | None
    rater: str
    comment: str
    participant: str | None = None
    framework: str | None = None
    line: int = 0


def parse_overrides(text: str, path: str = "<overrides>") -> list[Override]:
    """Read an overrides CSV; a missing column or an empty rater is an error at its line."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise OverrideError(f"{path}:1: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED)}")
    found = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        text_score = row["score"]
        if text_score.lower() in NOT_OBSERVED:
            score = None
        else:
            try:
                score = int(text_score)
            except ValueError:
                raise OverrideError(f"{path}:{line}: score '{text_score}' is not a whole number or N/O") from None
        if not row["rater"]:
            raise OverrideError(f"{path}:{line}: the rater is empty; give the educator's id")
        if row["rater"] == "auto":
            raise OverrideError(f"{path}:{line}: 'auto' is the automatic rater; give the educator's id")
        framework, _, element = row["element"].rpartition(".")
        participant = row.get("participant") or None
        found.append(Override(element, score, row["rater"], row["comment"],
                              None if participant == "team" else participant,
                              row.get("framework") or framework or None, line))  # fmt: skip
    return found


def read_overrides(path: Path) -> list[Override]:
    """Read an overrides file (``OverrideError`` for content problems, ``OSError`` if it cannot be read)."""
    return parse_overrides(path.read_text(encoding="utf-8-sig"), str(path))


def apply_overrides(rating: FrameworkRating, overrides: list[Override], path: str = "<overrides>") -> FrameworkRating:
    """The rating with the overrides for its framework and participant added; unknown elements and scores off the
    scale are errors."""
    fid = rating.framework.id
    mine = [o for o in overrides if (o.framework in (None, fid)) and o.participant == rating.participant]
    ids = {e.element for e in rating.elements()}
    for o in overrides:
        if o.framework in (None, fid) and o.element not in ids:
            raise OverrideError(f"{path}:{o.line}: '{o.element}' is not an element of {fid}")
    categories = []
    for category in rating.categories:
        elements = []
        for e in category.elements:
            extra = [o for o in mine if o.element == e.element]
            for o in extra:
                if o.score is not None and not e.scale[0] <= o.score <= e.scale[1]:
                    raise OverrideError(f"{path}:{o.line}: score {o.score} is outside {e.element}'s scale "
                                        f"{e.scale[0]}-{e.scale[1]}")  # fmt: skip
            ratings = e.ratings + tuple(Rated(o.rater, o.score, o.comment) for o in extra)
            elements.append(replace(e, ratings=ratings))
        categories.append(CategoryRating(category.id, category.name, tuple(elements)))
    return replace(rating, categories=tuple(categories))


def apply_to_session(score: SessionScore, overrides: list[Override], path: str = "<overrides>") -> SessionScore:
    """A scored session with the overrides applied to the team's and each participant's ratings."""
    people = {p.participant for p in score.participants}
    for o in overrides:
        if o.participant is not None and o.participant not in people:
            raise OverrideError(f"{path}:{o.line}: no participant '{o.participant}' in this log; "
                                f"known: team, {', '.join(sorted(p for p in people if p))}")  # fmt: skip
    return replace(score, team=apply_overrides(score.team, overrides, path),
                   participants=tuple(apply_overrides(p, overrides, path) for p in score.participants))  # fmt: skip
