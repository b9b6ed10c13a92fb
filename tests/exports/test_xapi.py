"""The xAPI export: statements valid against two independent xAPI 1.0.3 models (ralph's pydantic models and the
ADL/Rustici TinCanPython library), pseudonymous account actors, the team and facilitator in the context, scores on
their scales, timestamps from the logged start plus sim time, and stable ids."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import tincan
from export_logs import NAMES, STARTED
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement

from crmsim.debrief.exports import ExportSession, to_statements
from crmsim.schema.frameworks import load_framework
from crmsim.store.exporting import export_session

SCORED = "http://adlnet.gov/expapi/verbs/scored"


@pytest.fixture(scope="module")
def statements(sessions: list[ExportSession]) -> list[dict[str, Any]]:
    return to_statements(sessions, ["ants", "notss"])


def _accounts(actor: dict[str, Any]) -> list[tuple[str, str]]:
    """An agent's account, or a group's members' accounts, as (homePage, name) pairs."""
    agents = actor.get("member", [actor])
    return [(a["account"]["homePage"], a["account"]["name"]) for a in agents if "account" in a]


def _elements(framework: str) -> int:
    return sum(len(c.elements) for c in load_framework(framework).categories)


def test_every_statement_is_valid_xapi(statements: list[dict[str, Any]]) -> None:
    """Each statement passes ralph's strict xAPI 1.0.3 statement model, and TinCanPython builds it and writes it
    back with the same id, actor, verb, object and score."""
    for statement in statements:
        BaseXapiStatement(**copy.deepcopy(statement))
        back = json.loads(tincan.Statement(copy.deepcopy(statement)).to_json("1.0.3"))  # it consumes its input
        assert back["id"] == statement["id"] and back["verb"]["id"] == statement["verb"]["id"]
        assert _accounts(back["actor"]) == _accounts(statement["actor"]) != []
        assert back["object"]["id"] == statement["object"]["id"]
        assert back.get("result", {}).get("score") == statement.get("result", {}).get("score")


def test_the_validator_is_not_a_formality(statements: list[dict[str, Any]]) -> None:
    """The model used above rejects a statement made invalid (score off the scale, an actor with no identifier,
    a verb that is not an IRI, a timestamp that is not a time), so its passing means something."""
    scored = next(s for s in statements if "score" in s.get("result", {}))
    edits = [("result", lambda s: s["result"]["score"].update(scaled=1.5)),
             ("actor", lambda s: s.update(actor={"objectType": "Agent", "name": "x"})),
             ("verb", lambda s: s["verb"].update(id="scored")),
             ("timestamp", lambda s: s.update(timestamp="yesterday"))]  # fmt: skip
    for _, edit in edits:
        broken = copy.deepcopy(scored)
        edit(broken)
        with pytest.raises(ValidationError):
            BaseXapiStatement(**broken)


def test_statements_cover_completion_and_every_element(sessions: list[ExportSession],
                                                       statements: list[dict[str, Any]]) -> None:  # fmt: skip
    """Per session: the team (a Group) and each of 4 participants completed the scenario, and each was scored on
    every element of each framework; ids are unique and the same on a second export."""
    per_session = 5 + 5 * (_elements("ants") + _elements("notss"))
    assert len(statements) == 2 * per_session
    ids = [s["id"] for s in statements]
    assert len(set(ids)) == len(ids) and ids == [s["id"] for s in to_statements(sessions, ["ants", "notss"])]
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert len(completed) == 10 and all(s["result"]["completion"] is True for s in completed)
    groups = [s for s in completed if s["actor"]["objectType"] == "Group"]
    assert len(groups) == 2 and all(len(g["actor"]["member"]) == 4 for g in groups)


def test_actors_are_pseudonymous_accounts(statements: list[dict[str, Any]], named_sessions: list[ExportSession]) -> None:
    """Actors, team members and the instructor are account agents named SESSION.pN / SESSION.facilitator, never an
    mbox; a name appears only when names were chosen, and then beside the same pseudonymous account."""
    text = json.dumps(statements)
    assert "mbox" not in text and "Zelda" not in text
    agent = next(s["actor"] for s in statements if s["actor"]["objectType"] == "Agent")
    assert agent["account"]["homePage"] == "https://crmsim.org" and agent["account"]["name"].endswith(".p1")
    context = statements[0]["context"]
    assert context["instructor"]["account"]["name"].endswith(".facilitator")
    assert [m["account"]["name"].rsplit(".", 1)[1] for m in context["team"]["member"]] == ["p1", "p2", "p3", "p4"]
    named = to_statements(named_sessions, ["ants"])
    actor = next(s["actor"] for s in named if s["actor"].get("account", {}).get("name", "").endswith(".p2"))
    assert actor["name"] == NAMES["p2"] and actor["account"]["name"] == agent["account"]["name"][:-1] + "2"
    assert "mbox" not in json.dumps(named)
    for statement in named:
        BaseXapiStatement(**copy.deepcopy(statement))


def test_scores_sit_on_their_scale(statements: list[dict[str, Any]]) -> None:
    """A scored statement has raw within min..max and scaled = (raw - min) / (max - min); an element not observed
    has no score and says so; scores sit under the scenario and the framework."""
    scored = [s for s in statements if s["verb"]["id"] == SCORED]
    observed = [s for s in scored if "score" in s["result"]]
    assert observed and len(observed) < len(scored)
    for s in observed:
        score = s["result"]["score"]
        assert score["min"] <= score["raw"] <= score["max"]
        assert score["scaled"] == pytest.approx((score["raw"] - score["min"]) / (score["max"] - score["min"]), abs=1e-4)
        assert s["context"]["contextActivities"]["parent"][0]["id"].endswith("/scenarios/anaphylaxis-ga")
    unseen = next(s for s in scored if "score" not in s["result"])
    assert unseen["result"]["extensions"]["https://crmsim.org/xapi/extensions/observed"] is False


def test_times_come_from_the_log_not_the_clock(sessions: list[ExportSession], statements: list[dict[str, Any]]) -> None:
    """A session's statements are stamped at its logged start plus its sim duration; a headless run (no logged
    start) at the time the store recorded it plus the duration; one registration per session."""
    for session in sessions:
        mine = [s for s in statements if s["context"]["extensions"]["https://crmsim.org/xapi/extensions/session"]
                == session.id]  # fmt: skip
        start = datetime.fromisoformat(STARTED if session.started_at == STARTED else session.recorded_at)
        expected = start + timedelta(seconds=session.duration_s or 0)
        assert {datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")) for s in mine} == {expected}
        assert len({s["context"]["registration"] for s in mine}) == 1
    assert sessions[0].started_at == STARTED


def test_a_missing_framework_is_rated_at_export_time(store_home: Any) -> None:
    """Asking for a framework the store holds no report of rates the stored log now, without storing it."""
    from crmsim.store import open_store

    with open_store(store_home) as store:
        stored = store.list_sessions()[1]
        stored_frameworks = {r.framework for r in store.ratings(stored.id)}
        session = export_session(store, stored, ["ottawa"])
        assert {r.framework for r in store.ratings(stored.id)} == stored_frameworks
    assert "ottawa" in session.reports and to_statements([session], ["ottawa"])
