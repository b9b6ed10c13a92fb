"""xAPI 1.0.3 statements of a session's ratings, with pseudonymous actors.

Per session, each participant (and the team, as a Group) *completed* the scenario — or *terminated* it, if it never
ended — and, per framework, was *scored* on each of its elements. Actors are ``account`` agents whose name
is a pseudonym (``SESSION.p1``) under ``home_page``; never an ``mbox``. With names included an agent also carries
its ``name``. The context holds the team (a Group of those agents), the instructor (the facilitator), the session
as the registration and, for a score, the scenario as parent and the framework as category activity. Timestamps are the session's logged start plus sim
seconds (never the clock at export time); statement ids are derived from their content, so sending twice is safe.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from crmsim.debrief.exports.model import TEAM, ElementRow, ExportSession, Member, element_rows

XAPI_VERSION = "1.0.3"
HOME_PAGE = "https://crmsim.org"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
VERB_SCORED = "http://adlnet.gov/expapi/verbs/scored"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
OBJECTIVE = "http://adlnet.gov/expapi/activities/objective"
FRAMEWORK_TYPE = "https://crmsim.org/xapi/activities/rating-framework"
#: Our own extension IRIs (documented in docs/store-and-exports.md).
EXT = "https://crmsim.org/xapi/extensions/"
NAMESPACE = uuid.UUID("5b0f0c1e-6a4e-5c8e-9b1a-63726d73696d")
LANG = "en"


def _agent(session: ExportSession, member_id: str, home_page: str, name: str | None = None) -> dict[str, Any]:
    agent: dict[str, Any] = {"objectType": "Agent", "account": {"homePage": home_page, "name": f"{session.id}.{member_id}"}}
    if name:
        agent["name"] = name
    return agent


def _members(session: ExportSession) -> list[Member]:
    return [m for m in session.team if not m.forgotten]


def _group(session: ExportSession, home_page: str) -> dict[str, Any]:
    return {"objectType": "Group", "name": f"team {session.id}",
            "member": [_agent(session, m.id, home_page, m.name) for m in _members(session)]}  # fmt: skip


def _scenario(session: ExportSession, home_page: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"{home_page}/xapi/scenarios/{session.scenario_id}",
            "definition": {"type": SIMULATION, "name": {LANG: session.scenario_title or session.scenario_id}}}


def _framework(framework: str, home_page: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"{home_page}/xapi/frameworks/{framework}",
            "definition": {"type": FRAMEWORK_TYPE, "name": {LANG: framework}}}


def _context(session: ExportSession, framework: str | None, home_page: str) -> dict[str, Any]:
    activities: dict[str, Any] = {}
    if framework is not None:
        activities = {"parent": [_scenario(session, home_page)], "category": [_framework(framework, home_page)]}
    return {
        "registration": str(uuid.uuid5(NAMESPACE, f"session:{session.id}")),
        "instructor": _agent(session, "facilitator", home_page),
        "team": _group(session, home_page),
        **({"contextActivities": activities} if activities else {}),
        "revision": session.scenario_version or "unversioned",
        "platform": "crmsim",
        "language": LANG,
        "extensions": {f"{EXT}session": session.id, f"{EXT}scenario-sha256": session.scenario_sha256,
                       f"{EXT}seed": session.seed},
    }  # fmt: skip


def _duration(seconds: float | None) -> str:
    return f"PT{round(seconds or 0.0, 2):g}S"


def _statement(session: ExportSession, key: str, body: dict[str, Any]) -> dict[str, Any]:
    stamp = session.time_at(session.duration_s)
    statement = {"id": str(uuid.uuid5(NAMESPACE, f"{session.id}|{key}")), **body}
    if stamp is not None:
        statement["timestamp"] = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return statement


def _completion(session: ExportSession, actor: dict[str, Any], who: str, home_page: str) -> dict[str, Any]:
    ended = session.outcome is not None
    verb = VERB_COMPLETED if ended else VERB_TERMINATED
    result: dict[str, Any] = {"completion": ended, "duration": _duration(session.duration_s)}
    if ended:
        result["extensions"] = {f"{EXT}outcome": session.outcome}
    return _statement(session, f"{who}|{verb}", {
        "actor": actor, "verb": {"id": verb, "display": {LANG: "completed" if ended else "terminated"}},
        "object": _scenario(session, home_page), "result": result,
        "context": _context(session, None, home_page),
    })  # fmt: skip


def _scored(session: ExportSession, actor: dict[str, Any], row: ElementRow, home_page: str) -> dict[str, Any]:
    extensions: dict[str, Any] = {f"{EXT}rater": row.rater, f"{EXT}evidence-seqs": list(row.evidence),
                                  f"{EXT}reason": row.reason, f"{EXT}observed": row.score is not None}  # fmt: skip
    if row.auto_score is not None:
        extensions[f"{EXT}auto-score"] = row.auto_score
    if row.comment:
        extensions[f"{EXT}comment"] = row.comment
    result: dict[str, Any] = {"extensions": extensions}
    if row.score is not None:
        result["score"] = {"raw": row.score, "min": row.scale_min, "max": row.scale_max}
        if row.scaled is not None:
            result["score"]["scaled"] = row.scaled
    element = {"objectType": "Activity", "id": f"{home_page}/xapi/frameworks/{row.framework}/elements/{row.element_id}",
               "definition": {"type": OBJECTIVE, "name": {LANG: row.element or row.element_id},
                              "description": {LANG: f"{row.category} — {row.element}"}}}  # fmt: skip
    return _statement(session, f"{row.framework}|{row.participant}|{row.element_id}", {
        "actor": actor, "verb": {"id": VERB_SCORED, "display": {LANG: "scored"}}, "object": element, "result": result,
        "context": _context(session, row.framework, home_page),
    })  # fmt: skip


def session_statements(session: ExportSession, frameworks: Sequence[str],
                       home_page: str = HOME_PAGE) -> list[dict[str, Any]]:  # fmt: skip
    """The statements of one session: the team's and each participant's completion, then, per framework with a
    report, one score per element for the team and for each participant."""
    home_page = home_page.rstrip("/")
    actors = {TEAM: _group(session, home_page)}
    actors |= {m.id: _agent(session, m.id, home_page, m.name) for m in _members(session)}
    statements = [_completion(session, actor, who, home_page) for who, actor in actors.items()]
    for row in element_rows(session, frameworks):
        if row.participant in actors:
            statements.append(_scored(session, actors[row.participant], row, home_page))
    return statements


def to_statements(sessions: Sequence[ExportSession], frameworks: Sequence[str],
                  home_page: str = HOME_PAGE) -> list[dict[str, Any]]:  # fmt: skip
    """Every session's statements, in session order."""
    return [s for session in sessions for s in session_statements(session, frameworks, home_page)]
