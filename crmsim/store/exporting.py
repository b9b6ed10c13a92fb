"""A stored session as the exporters read it (``ExportSession``): facts, team, reports, reratings — names only on
request, forgotten participants marked so the exporters leave them out.

A framework the store has no report for is rated now from the stored log (if its scenario can be found) and not
stored: an export never changes the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from crmsim.debrief.exports.model import ExportSession, Member, Rerating
from crmsim.schema.load import LoadedScenario
from crmsim.store.base import SessionStore, StoredSession
from crmsim.store.record import load_scenario_of, rate_log


def export_session(store: SessionStore, stored: StoredSession, frameworks: Sequence[str], *,
                   include_names: bool = False, scenarios: dict[str, LoadedScenario | None] | None = None,
                   ) -> ExportSession:  # fmt: skip
    """The exporters' view of one stored session, with reports in ``frameworks`` (rated now where missing).

    ``scenarios`` caches the scenarios found so far by sha256 (pass one dict for many sessions).
    """
    scenarios = {} if scenarios is None else scenarios
    forgotten = store.forgotten(stored.id)
    reports = {r.framework: r.report for r in store.ratings(stored.id) if r.framework in frameworks}
    missing = [fw for fw in frameworks if fw not in reports]
    log = store.read_log(stored.id)
    if stored.scenario_sha256 not in scenarios:
        scenarios[stored.scenario_sha256] = load_scenario_of(log)
    loaded = scenarios[stored.scenario_sha256]
    title = loaded.scenario.title if loaded is not None else ""
    if loaded is not None and missing and stored.outcome is not None:
        reports |= {r.framework: r.report for r in rate_log(stored.id, log, loaded, missing)}
    team = tuple(Member(p.id, p.role, p.name if include_names and p.id not in forgotten else None, p.id in forgotten)
                 for p in stored.participants)  # fmt: skip
    reratings = tuple(Rerating(o.framework, o.participant, o.element, o.score, o.rater, o.comment)
                      for o in store.overrides(stored.id) if o.participant not in forgotten)  # fmt: skip
    return ExportSession(
        id=stored.id, scenario_id=stored.scenario_id, scenario_version=stored.scenario_version,
        scenario_sha256=stored.scenario_sha256, seed=stored.seed,
        started_at=stored.started_at, recorded_at=stored.stored_at,
        outcome=stored.outcome, duration_s=stored.duration_s, team=team, reports=reports, reratings=reratings,
        source=stored.source, scenario_title=title,
    )  # fmt: skip
