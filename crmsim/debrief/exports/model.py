"""What the exporters read: one session's facts, team and ratings as plain data, and its ratings in long form.

The exporters never open a store or a log: the caller (``crmsim export``) builds an ``ExportSession`` from a stored
session and the scorer's reports (``crmsim.scoring.report.to_json``), and each exporter is a pure function of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

#: The participant id of the team's own ratings in every export.
TEAM = "team"


@dataclass(frozen=True)
class Member:
    """A team member: pseudonymous id (``p1``), role, and their name only if the educator chose to include names."""

    id: str
    role: str
    name: str | None = None
    forgotten: bool = False


@dataclass(frozen=True)
class Rerating:
    """An educator's rating of one element (``participant`` ``None`` for the team's), kept beside the scorer's."""

    framework: str
    participant: str | None
    element: str
    score: int | None
    rater: str
    comment: str = ""


@dataclass(frozen=True)
class ExportSession:
    """One session to export: its facts, team, the scorer's reports by framework, and the educators' reratings.

    ``started_at`` is the log header's start (ISO 8601; empty for headless runs) and ``recorded_at`` when the store
    first recorded the session; exported times come from the first of these that is given, never from the clock.
    """

    id: str
    scenario_id: str
    scenario_version: str
    scenario_sha256: str
    seed: int
    started_at: str
    recorded_at: str
    outcome: str | None
    duration_s: float | None
    team: tuple[Member, ...]
    reports: Mapping[str, Mapping[str, Any]]
    reratings: tuple[Rerating, ...] = ()
    source: str = ""
    scenario_title: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def start_time(self) -> datetime | None:
        """When the session started (header, else recorded time) as an aware datetime, or ``None``."""
        for text in (self.started_at, self.recorded_at):
            try:
                moment = datetime.fromisoformat(text) if text else None
            except ValueError:
                moment = None
            if moment is not None:
                return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return None

    def time_at(self, t: float | None) -> datetime | None:
        """The wall-clock moment ``t`` sim seconds after the start, or ``None`` if the start is unknown."""
        start = self.start_time()
        try:
            return None if start is None else start + timedelta(seconds=t or 0.0)
        except OverflowError:  # a start time at the end of the calendar (a made-up header): no moment to give
            return None

    def member(self, participant: str) -> Member | None:
        return next((m for m in self.team if m.id == participant), None)


@dataclass(frozen=True)
class ElementRow:
    """One row of the long form: one element of one framework rated for the team or one participant."""

    framework: str
    participant: str
    role: str
    name: str
    category_id: str
    category: str
    element_id: str
    element: str
    score: int | None
    scale_min: int
    scale_max: int
    auto_score: int | None
    rater: str
    comment: str
    evidence: tuple[int, ...]
    evidence_t: tuple[float, ...]
    reason: str

    @property
    def scaled(self) -> float | None:
        """The score on 0..1 of its scale (``None`` when not observed)."""
        if self.score is None or self.scale_max == self.scale_min:
            return None
        return round((self.score - self.scale_min) / (self.scale_max - self.scale_min), 4)


def _score(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _rows_of(session: ExportSession, framework: str, rating: Mapping[str, Any]) -> list[ElementRow]:
    who = rating.get("participant")
    member = session.member(str(who)) if who else None
    if member is not None and member.forgotten:
        return []
    mine = [r for r in session.reratings if r.framework == framework and r.participant == who]
    rows = []
    for category in rating.get("categories", []):
        for e in category.get("elements", []):
            auto = _score(e.get("auto_score", e.get("score")))
            redone = [r for r in mine if r.element == e.get("id")]
            last = redone[-1] if redone else None
            scale = e.get("scale", {})
            rows.append(ElementRow(
                framework=framework, participant=str(who) if who else TEAM, role=str(rating.get("role") or ""),
                name=(member.name or "") if member else "", category_id=str(category.get("id", "")),
                category=str(category.get("name", "")), element_id=str(e.get("id", "")), element=str(e.get("name", "")),
                score=last.score if last else auto, scale_min=int(scale.get("min", 0)), scale_max=int(scale.get("max", 0)),
                auto_score=auto, rater=last.rater if last else str(e.get("rater") or "auto"),
                comment=last.comment if last else "", evidence=tuple(int(s) for s in e.get("evidence", [])),
                evidence_t=tuple(float(t) for t in e.get("evidence_t", []) if t is not None),
                reason=str(e.get("reason", "")),
            ))  # fmt: skip
    return rows


def element_rows(session: ExportSession, frameworks: Sequence[str]) -> list[ElementRow]:
    """The session's ratings in long form: per framework, the team's elements then each participant's.

    A framework the session has no report for gives no rows; a forgotten participant gives none either.
    """
    rows: list[ElementRow] = []
    for framework in frameworks:
        report = session.reports.get(framework)
        if report is None:
            continue
        for rating in (report.get("team") or {}, *(report.get("participants") or [])):
            rows.extend(_rows_of(session, framework, rating))
    return rows
