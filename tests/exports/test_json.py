"""The JSON export: every session's facts, team, full reports and re-ratings; deterministic; pseudonymous unless
names are chosen; a forgotten participant is nowhere in it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from export_logs import NAMES

from crmsim.debrief.exports import ExportSession, to_json_text
from crmsim.store import open_store
from crmsim.store.exporting import export_session


def test_the_document_holds_sessions_reports_and_reratings(sessions: list[ExportSession]) -> None:
    """The document names its format and frameworks; each session has its scenario, outcome, team, the scorer's
    report per framework (pointing at the session, not a file) and the re-ratings with their raters."""
    doc = json.loads(to_json_text(sessions, ["ants", "notss"]))
    assert (doc["format"], doc["format_version"], doc["frameworks"]) == ("crmsim-export", 1, ["ants", "notss"])
    first = doc["sessions"][0]
    assert first["scenario"]["id"] == "anaphylaxis-ga" and first["outcome"] == sessions[0].outcome is not None
    assert first["started_at"] == "2026-03-02T09:30:00+00:00" and first["duration_s"] > 0
    assert [m["id"] for m in first["team"]] == ["p1", "p2", "p3", "p4"]
    assert set(first["ratings"]) == {"ants", "notss"}
    report = first["ratings"]["ants"]
    assert report["session"] == first["id"] and report["log"] is None and report["team"]["categories"]
    assert [(r["participant"], r["rater"]) for r in first["reratings"]] == [("p1", "edu1"), ("team", "edu2")]
    score = next(s for s in first["scores"] if (s["participant"], s["element"]) == ("p1", "prioritising"))
    assert score["score"] == 4 and score["rater"] == "edu1" and score["auto_score"] is not None


def test_the_document_is_deterministic_and_pseudonymous(sessions: list[ExportSession],
                                                        named_sessions: list[ExportSession]) -> None:  # fmt: skip
    """The same sessions give the same text (no export time); no name appears unless chosen, then on the team."""
    text = to_json_text(sessions, ["ants"])
    assert text == to_json_text(sessions, ["ants"])
    assert "Zelda" not in text and "Zo\u00eb" not in text and "/log.jsonl" not in text
    named = json.loads(to_json_text(named_sessions, ["ants"]))
    assert {m["id"]: m.get("name") for m in named["sessions"][0]["team"]} == {**NAMES, "p4": None}


def test_a_forgotten_participant_is_not_exported(store_home: Path, tmp_path: Path) -> None:
    """After forgetting p1 of a session, its export has no team entry, report, score or re-rating for p1 (even for
    a framework rated at export time), while the team's and the others' remain."""
    shutil.copy(store_home / "crmsim.db", tmp_path / "crmsim.db")
    with open_store(tmp_path) as store:
        first = store.list_sessions()[0]
        store.forget_participant(first.id, "p1")
        bundle = [export_session(store, store.get_session(first.id), ["ants", "core"], include_names=True)]
    doc = json.loads(to_json_text(bundle, ["ants", "core"]))["sessions"][0]
    assert [m["id"] for m in doc["team"]] == ["p2", "p3", "p4"]
    for report in doc["ratings"].values():
        assert [p["participant"] for p in report["participants"]] == ["p2", "p3", "p4"]
    assert {s["participant"] for s in doc["scores"]} == {"team", "p2", "p3", "p4"}
    assert [r["participant"] for r in doc["reratings"]] == ["team"]
    assert "Zelda" not in json.dumps(doc)
