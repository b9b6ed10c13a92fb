"""Recording a session: put its log (and the team's names) in the store and, once it has ended, its ratings.

The ratings are the scorer's reports (``crmsim.scoring.report.to_json``) in every bundled framework, computed when
the session is recorded so the store keeps what this version of the scorer said. A session whose scenario file
cannot be found (or has changed) is stored without ratings; they can be computed later from its log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from crmsim import __version__
from crmsim.core.log import Log, LogError
from crmsim.schema.frameworks import FRAMEWORK_IDS
from crmsim.schema.load import LoadedScenario
from crmsim.schema.problems import ProblemsError
from crmsim.scoring.overrides import Override
from crmsim.scoring.report import to_json
from crmsim.scoring.scorer import analyse, score_analysis
from crmsim.scoring.source import ScoringError, scenario_for_log
from crmsim.store.base import SessionStore, StoredOverride, StoredRating, StoreError
from crmsim.store.logtext import outcome_of


def _scenario_or_why(log: Log, override: Path | None) -> LoadedScenario | str:
    """The scenario the log was made with, or why it cannot be had (missing, changed or broken; or the log is
    damaged) in one line."""
    try:
        return scenario_for_log(log, override)
    except (ScoringError, LogError, OSError) as exc:
        return str(exc).splitlines()[0]
    except ProblemsError:
        return "its scenario has problems (crmsim validate says which)"


def load_scenario_of(log: Log, override: Path | None = None) -> LoadedScenario | None:
    """The scenario the log was made with, or ``None`` if it is missing, changed or broken (or the log damaged)."""
    found = _scenario_or_why(log, override)
    return None if isinstance(found, str) else found


def why_unrated(log: Log, override: Path | None = None) -> str | None:
    """Why a stored log has no ratings — it has not ended; its scenario is missing, changed or broken; or the log
    is damaged — in one line, or ``None`` when it is rated."""
    if outcome_of(log) is None:
        return "the session has not ended"
    found = _scenario_or_why(log, override)
    return found if isinstance(found, str) else None


def rate_log(session_id: str, log: Log, loaded: LoadedScenario,
             frameworks: Iterable[str] = FRAMEWORK_IDS) -> list[StoredRating]:  # fmt: skip
    """The scorer's report of the log in each framework, ready to store (analysed once, rated per framework)."""
    analysis = analyse(log, loaded)
    reports = []
    for framework in frameworks:
        report = to_json(score_analysis(analysis, framework))
        report["log"] = f"store:{session_id}"
        reports.append(StoredRating(session_id, framework, report, __version__))
    return reports


def record_log(store: SessionStore, log_text: str, *, names: Mapping[str, str] | None = None, source: str = "",
               session_id: str | None = None, scenario: Path | None = None) -> str:  # fmt: skip
    """Store a session's log (new, or continuing ``session_id`` / a stored one); rate it if it has ended.

    Returns the session's id. Raises ``StoreError`` if the text is not a crmsim log or the store fails.
    """
    if session_id is None:
        session_id = store.add_session(log_text, names=names, source=source)
    else:
        store.update_log(session_id, log_text)
    log = store.read_log(session_id)
    if outcome_of(log) is not None:
        loaded = load_scenario_of(log, scenario)
        if loaded is not None:
            store.put_ratings(session_id, rate_log(session_id, log, loaded))
    return session_id


def check_overrides(report: Mapping[str, Any], overrides: Sequence[Override], where: str) -> None:
    """Raise ``StoreError`` unless every override names an element and a participant of ``report`` and scores
    within the element's scale (``where`` names the file in the message)."""
    ratings = [report.get("team") or {}, *(report.get("participants") or [])]
    scales = {(r.get("participant"), e.get("id")): e.get("scale", {})
              for r in ratings for c in r.get("categories", []) for e in c.get("elements", [])}  # fmt: skip
    people = {r.get("participant") for r in ratings if r.get("participant")}
    for o in overrides:
        if o.participant is not None and o.participant not in people:
            raise StoreError(f"{where}:{o.line}: no participant '{o.participant}' in this session; known: team, "
                             f"{', '.join(sorted(people))}")  # fmt: skip
        scale = scales.get((o.participant, o.element))
        if scale is None:
            raise StoreError(f"{where}:{o.line}: '{o.element}' is not an element of {report.get('framework')}")
        if o.score is not None and not scale.get("min", 0) <= o.score <= scale.get("max", 0):
            raise StoreError(f"{where}:{o.line}: score {o.score} is outside {o.element}'s scale "
                             f"{scale.get('min')}-{scale.get('max')}")  # fmt: skip


def store_overrides(store: SessionStore, session_id: str, overrides: Sequence[Override], framework: str,
                    where: str = "<overrides>") -> int:  # fmt: skip
    """Check educators' overrides against the session's ratings in their framework (default ``framework``) and
    keep them; return how many were stored. Nothing is stored if any is wrong."""
    reports = {r.framework: r.report for r in store.ratings(session_id)}
    chosen = [replace(o, framework=o.framework or framework) for o in overrides]
    for fw in sorted({str(o.framework) for o in chosen}):
        if fw not in FRAMEWORK_IDS:
            raise StoreError(f"{where}: no rating framework '{fw}'; known: {', '.join(FRAMEWORK_IDS)}")
        if fw not in reports:
            log = store.read_log(session_id)
            loaded = load_scenario_of(log)
            if loaded is None or outcome_of(log) is None:
                raise StoreError(f"session '{session_id}' has no {fw} ratings to override (unfinished, or its "
                                 "scenario file is missing)")  # fmt: skip
            store.put_ratings(session_id, rate_log(session_id, log, loaded, [fw]))
            reports = {r.framework: r.report for r in store.ratings(session_id)}
        check_overrides(reports[fw], [o for o in chosen if o.framework == fw], where)
    for o in chosen:
        store.add_override(StoredOverride(session_id, str(o.framework), o.element, o.score, o.rater, o.comment,
                                          o.participant))  # fmt: skip
    return len(chosen)
