"""Write a scored session as JSON, CSV or a plain-text table (what ``crmsim score`` prints)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from crmsim.scoring.events import Timeline
from crmsim.scoring.rating import ElementRating, FrameworkRating
from crmsim.scoring.scorer import SessionScore

#: CSV columns, one row per element; ``crmsim agreement`` reads files of this shape (and simpler ones).
CSV_COLUMNS = ("session", "participant", "role", "framework", "category", "element", "name", "score", "min", "max",
               "rater", "auto_score", "evidence", "reason")  # fmt: skip


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def element_json(e: ElementRating, tl: Timeline) -> dict[str, Any]:
    """One element as JSON: id, name, score (null when not observed), scale, evidence seqs and times, reason."""
    return {
        "id": e.element, "name": e.name, "score": e.score, "scale": {"min": e.scale[0], "max": e.scale[1]},
        "evidence": list(e.evidence), "evidence_t": [tl.time_of(s) for s in e.evidence], "reason": e.reason,
        "rater": e.rater, "auto_score": e.auto_score,
        "ratings": [{"rater": r.rater, "score": r.score, "comment": r.comment} for r in e.ratings],
    }  # fmt: skip


def rating_json(rating: FrameworkRating, tl: Timeline) -> dict[str, Any]:
    """A framework rating's categories and elements."""
    return {"participant": rating.participant, "role": rating.role, "categories": [
        {"id": c.id, "name": c.name, "score": c.score, "elements": [element_json(e, tl) for e in c.elements]}
        for c in rating.categories]}  # fmt: skip


def to_json(score: SessionScore) -> dict[str, Any]:
    """The whole scored session as one JSON object."""
    fw = score.team.framework
    tl = score.timeline
    found = score.indicators
    return {
        "framework": fw.id, "framework_name": fw.name, "citation": fw.citation, "rated": fw.rated,
        "log": score.log_path, "scenario": score.scenario_id, "outcome": tl.outcome,
        "team": rating_json(score.team, tl),
        "participants": [rating_json(p, tl) for p in score.participants],
        "markers": [{"id": m.id, "description": m.description, "evidences": list(m.evidences),
                     "quality": _round(m.quality), "value": _round(m.value), "evidence": list(m.evidence),
                     "reason": m.reason} for m in found.markers],
        "metrics": [{"name": m.name, "value": _round(m.value), "quality": _round(m.quality),
                     "evidence": list(m.evidence), "reason": m.reason, "rated": name not in found.reported}
                    for name, m in {**found.measures, **found.reported}.items()],
        "expected_timeline": [{"label": s.label, "due": s.due, "delay": _round(s.delay), "quality": _round(s.quality),
                               "evidence": list(s.evidence)} for s in score.steps],
    }  # fmt: skip


def to_json_text(score: SessionScore) -> str:
    return json.dumps(to_json(score), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def csv_rows(score: SessionScore) -> list[dict[str, Any]]:
    """One row per element, the team's first, then each participant's."""
    rows = []
    for rating in (score.team, *score.participants):
        for e in rating.elements():
            rows.append({
                "session": score.log_path, "participant": rating.participant or "team", "role": rating.role or "",
                "framework": e.framework, "category": e.category, "element": e.element, "name": e.name,
                "score": "" if e.score is None else e.score, "min": e.scale[0], "max": e.scale[1],
                "rater": e.rater, "auto_score": "" if e.auto_score is None else e.auto_score,
                "evidence": " ".join(str(s) for s in e.evidence), "reason": e.reason,
            })  # fmt: skip
    return rows


#: A cell starting with one of these is a formula to a spreadsheet (CSV injection); such text gets a leading "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: text that would start a formula is prefixed with "'" (OWASP);
    numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv_text(score: SessionScore) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: cell(value) for key, value in row.items()} for row in csv_rows(score))
    return out.getvalue()


def _evidence_text(e: ElementRating, tl: Timeline, limit: int = 4) -> str:
    shown = [f"#{s}@{tl.time_of(s):.0f}s" for s in e.evidence[:limit]]
    more = f" +{len(e.evidence) - limit}" if len(e.evidence) > limit else ""
    return ", ".join(shown) + more if shown else "-"


def to_table(score: SessionScore, who: str | None = None) -> str:
    """A readable table: the team's rating (or one participant's), category by category, with evidence."""
    rating = score.team if who is None else next(p for p in score.participants if p.participant == who)
    fw = rating.framework
    tl = score.timeline
    title = "team" if who is None else f"{who} ({rating.role})"
    lines = [f"{fw.name} — {score.scenario_id} — {title}", f"log: {score.log_path}", ""]
    for category in rating.categories:
        shown = "N/O" if category.score is None else f"{category.score:.2f}"
        lines.append(f"{category.name}: {shown}")
        for e in category.elements:
            value = "N/O" if e.score is None else f"{e.score}/{e.scale[1]}"
            by = "" if e.rater == "auto" else f" [{e.rater}; auto {e.auto_score}]"
            lines.append(f"  {e.name[:46]:46} {value:>5}{by}  evidence {_evidence_text(e, tl)}")
            lines.append(f"      {e.reason}")
        lines.append("")
    return "\n".join(lines)
