"""JSON export: every session with its facts, team, the scorer's full reports and the educators' reratings.

The document is deterministic (no export time in it): the same sessions give the same bytes. Names appear only
when the caller put them in the team (``--include-names``); forgotten participants are left out entirely.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from crmsim import __version__
from crmsim.debrief.exports.model import TEAM, ExportSession, element_rows

FORMAT = "crmsim-export"
FORMAT_VERSION = 1


def _report(session: ExportSession, report: Mapping[str, Any]) -> dict[str, Any]:
    """A scorer report as exported: the store's log path replaced by the session id, forgotten people dropped."""
    gone = {m.id for m in session.team if m.forgotten}
    kept = {**report, "log": None, "session": session.id}
    kept["participants"] = [p for p in report.get("participants") or [] if p.get("participant") not in gone]
    return kept


def session_json(session: ExportSession, frameworks: Sequence[str]) -> dict[str, Any]:
    """One session as a JSON object."""
    team = []
    for m in session.team:
        if not m.forgotten:
            team.append({"id": m.id, "role": m.role, **({"name": m.name} if m.name else {})})
    gone = {m.id for m in session.team if m.forgotten}
    return {
        "id": session.id,
        "scenario": {"id": session.scenario_id, "version": session.scenario_version, "sha256": session.scenario_sha256},
        "seed": session.seed, "started_at": session.started_at or None, "recorded_at": session.recorded_at or None,
        "outcome": session.outcome, "duration_s": session.duration_s, "source": session.source or None,
        "team": team,
        "ratings": {fw: _report(session, session.reports[fw]) for fw in frameworks if fw in session.reports},
        "reratings": [{"framework": r.framework, "participant": r.participant or TEAM, "element": r.element,
                       "score": r.score, "rater": r.rater, "comment": r.comment}
                      for r in session.reratings if r.framework in frameworks and r.participant not in gone],
        "scores": [{"framework": row.framework, "participant": row.participant, "element": row.element_id,
                    "score": row.score, "auto_score": row.auto_score, "rater": row.rater, "min": row.scale_min,
                    "max": row.scale_max} for row in element_rows(session, frameworks)],
    }  # fmt: skip


def to_json(sessions: Sequence[ExportSession], frameworks: Sequence[str]) -> dict[str, Any]:
    """The whole export as one JSON object."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "crmsim_version": __version__,
            "frameworks": list(frameworks), "sessions": [session_json(s, frameworks) for s in sessions]}  # fmt: skip


def to_json_text(sessions: Sequence[ExportSession], frameworks: Sequence[str]) -> str:
    """The export as indented UTF-8 JSON text."""
    return json.dumps(to_json(sessions, frameworks), indent=2, ensure_ascii=False) + "\n"
