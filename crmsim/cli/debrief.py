"""``crmsim debrief`` and ``crmsim cohort``: one session's debrief report, and the recurring lessons across many.

Both write one self-contained HTML file (no script, no external resource) that prints cleanly to PDF from a
browser. A session is a log file, its run folder, or (for ``debrief``) a stored session's id; ``cohort`` reads
the session store unless log files are given.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from crmsim.cli.common import fail_usage

if TYPE_CHECKING:
    from crmsim.core.log import Log
    from crmsim.core.provenance import ScenarioCache
    from crmsim.debrief.model import Debrief
    from crmsim.schema.load import LoadedScenario
    from crmsim.scoring.overrides import Override
    from crmsim.store import SessionStore

FRAMEWORKS = ("ants", "notss", "team", "ottawa", "acrm", "core")


def fail_input(message: str) -> NoReturn:
    """A problem with an input's content: one line on stderr, exit 1."""
    click.echo(f"crmsim: {' '.join(str(message).splitlines())}", err=True)
    sys.exit(1)


class SkippedSession(Exception):
    """A session that cannot be debriefed (its log or scenario is unusable); the message is one line."""


def read_session_log(path: Path) -> Log:
    """A log file or a run folder holding ``log.jsonl`` (``SkippedSession`` if it cannot be read)."""
    from crmsim.core.log import LogError, read_log

    file = path / "log.jsonl" if path.is_dir() else path
    try:
        return read_log(file)
    except LogError as exc:
        raise SkippedSession(str(exc)) from None
    except OSError as exc:
        raise SkippedSession(f"{file}: cannot read it ({exc.strerror or exc})") from None


def scenario_of(log: Log, override: Path | None = None, cache: ScenarioCache | None = None) -> LoadedScenario:
    """The log's scenario, checked against its header (``SkippedSession`` if missing, changed or broken); with a
    ``cache``, each scenario file is loaded once for many logs."""
    from crmsim.schema.problems import ProblemsError
    from crmsim.scoring.source import ScoringError, scenario_for_log

    try:
        return scenario_for_log(log, override, cache)
    except ScoringError as exc:
        raise SkippedSession(str(exc)) from None
    except ProblemsError as exc:
        raise SkippedSession(f"{log.path}: its scenario has problems ({exc.problems[0].format().splitlines()[0]}); "
                             "run crmsim validate on it") from None  # fmt: skip


def _stored_log(text: str, framework: str) -> tuple[Log, list[Override]] | None:
    """The log of a stored session named by id (or its unique beginning) with its educators' re-ratings in
    ``framework``, or None if there is no store or session."""
    from crmsim.store import StoreError, UnknownSession, open_store

    try:
        with open_store() as store:
            found = [s for s in store.list_sessions() if s.id == text] or \
                [s for s in store.list_sessions() if text and s.id.startswith(text)]  # fmt: skip
            if len(found) != 1:
                return None
            return store.read_log(found[0].id), _stored_overrides(store, found[0].id, framework)
    except UnknownSession:
        return None
    except StoreError as exc:
        fail_input(str(exc))


def _stored_overrides(store: SessionStore, session_id: str, framework: str) -> list[Override]:
    """The re-ratings kept in the store for one session and framework, in the order they were kept (the latest
    re-rating of an element wins, as in an overrides file)."""
    from crmsim.scoring.overrides import Override

    return [Override(o.element, o.score, o.rater, o.comment, o.participant, o.framework)
            for o in store.overrides(session_id) if o.framework == framework]  # fmt: skip


@click.command()
@click.argument("log", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="The report file [default: debrief.html (or .json) beside the log, or in the current folder].")  # fmt: skip
@click.option("--framework", "-f", type=click.Choice(FRAMEWORKS), default="ants", show_default=True,
              help="The rating framework shown with its evidence.")  # fmt: skip
@click.option("--scenario", type=click.Path(path_type=Path), default=None,
              help="The scenario file, if it is not where the log says.")  # fmt: skip
@click.option("--overrides", type=click.Path(path_type=Path), default=None,
              help="CSV of educator re-ratings (as for crmsim score); shown beside the automatic ratings.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(("html", "json")), default="html", show_default=True,
              help="html: the printable report; json: the debrief model itself.")  # fmt: skip
def debrief(log: Path, out_file: Path | None, framework: str, scenario: Path | None, overrides: Path | None,
            fmt: str) -> None:  # fmt: skip
    """Write the debrief of the session in LOG (a log.jsonl, its run folder, or a stored session's id): the
    vitals-and-events chart, the key moments with advocacy-inquiry prompts arranged by PEARLS, the single-loop
    corrections apart from the double-loop questions, and the ratings with their evidence.
    """
    from crmsim.debrief.build import build_debrief
    from crmsim.debrief.html import render_report
    from crmsim.debrief.model import to_json_text
    from crmsim.scoring.overrides import OverrideError, apply_to_session, read_overrides
    from crmsim.scoring.scorer import score_log

    if scenario is not None and not scenario.is_file():
        fail_usage(f"no such scenario file: {scenario}")
    if overrides is not None and not overrides.is_file():
        fail_usage(f"no such overrides file: {overrides}")
    looks_like_id = len(log.parts) == 1 and not log.suffix  # a stored session's id, not a mistyped path
    stored = _stored_log(str(log), framework) if not log.exists() and looks_like_id else None
    if not log.exists() and stored is None:
        fail_usage(f"no such log file or stored session: {log}")
    try:
        found = stored[0] if stored is not None else read_session_log(log)
        loaded = scenario_of(found, scenario)
    except SkippedSession as exc:
        fail_input(str(exc))
    score = score_log(found, loaded, framework)
    if stored is not None and stored[1]:  # the educators' re-ratings kept in the store (`crmsim override`)
        try:
            score = apply_to_session(score, stored[1], f"stored re-ratings of {log}")
        except OverrideError as exc:
            fail_input(str(exc))
    if overrides is not None:
        try:
            score = apply_to_session(score, read_overrides(overrides), str(overrides))
        except OverrideError as exc:
            fail_input(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            fail_input(f"{overrides}: cannot read it ({exc})")
    model = build_debrief(found, loaded, score, str(log))
    text = render_report(model) if fmt == "html" else to_json_text(model)
    if out_file is None:
        folder = (log if log.is_dir() else log.parent) if stored is None else Path(".")
        out_file = folder / f"debrief.{fmt}"
    _write(out_file, text)
    gaps = sum(1 for m in model.moments if m.valence == "gap")
    keeps = sum(1 for m in model.moments if m.valence == "strength")
    click.echo(f"wrote {out_file}: {len(model.moments)} key moments ({gaps} to improve, {keeps} to keep)")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail_input(f"{path}: cannot write it ({exc.strerror or exc})")


def _from_logs(paths: tuple[Path, ...], framework: str) -> list[Debrief]:
    from crmsim.debrief.build import debrief_log

    from crmsim.core.provenance import ScenarioCache

    found = []
    cache = ScenarioCache()
    for path in paths:
        if not path.exists():
            fail_usage(f"no such log file: {path}")
        try:
            log = read_session_log(path)
            found.append(debrief_log(log, scenario_of(log, cache=cache), framework, str(path)))
        except SkippedSession as exc:
            click.echo(f"crmsim: skipped {path}: {exc}", err=True)
    return found


def _from_store(scenario_id: str | None, framework: str) -> list[Debrief]:
    """Every stored session's debrief, rated with the educators' re-ratings kept in the store."""
    from crmsim.debrief.build import build_debrief
    from crmsim.scoring.overrides import OverrideError, apply_to_session
    from crmsim.scoring.scorer import score_log
    from crmsim.core.provenance import ScenarioCache
    from crmsim.store import StoreError, open_store

    found = []
    cache = ScenarioCache()
    try:
        with open_store() as store:
            for stored in store.list_sessions(scenario_id):
                try:
                    log = store.read_log(stored.id)
                    loaded = scenario_of(log, cache=cache)
                    score = apply_to_session(score_log(log, loaded, framework),
                                             _stored_overrides(store, stored.id, framework), stored.id)  # fmt: skip
                    model = build_debrief(log, loaded, score, stored.id)
                except (SkippedSession, StoreError, OverrideError) as exc:
                    click.echo(f"crmsim: skipped session {stored.id}: {exc}", err=True)
                    continue
                found.append(replace(model, session=replace(model.session, started_at=stored.started_at)))
    except StoreError as exc:
        fail_input(str(exc))
    return found


@click.command()
@click.argument("logs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--scenario", "scenario_id", default=None, help="Only the sessions of this scenario id.")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), required=True, help="The report file.")
@click.option("--framework", "-f", type=click.Choice(FRAMEWORKS), default="ants", show_default=True,
              help="The rating framework behind the team ratings shown.")  # fmt: skip
def cohort(logs: tuple[Path, ...], scenario_id: str | None, out_file: Path, framework: str) -> None:
    """Write the cohort report across sessions — the stored ones, or the LOGS given: per scenario, the markers
    teams miss most, the spread of times to the key actions, and the trend over time.
    """
    from crmsim.debrief.cohort import build_cohort
    from crmsim.debrief.html import render_cohort

    found = _from_logs(logs, framework) if logs else _from_store(scenario_id, framework)
    if scenario_id is not None:
        found = [d for d in found if d.session.scenario_id == scenario_id]
    if not found:
        where = "in those logs" if logs else "in the session store (`crmsim sessions` lists them)"
        fail_input(f"no sessions{f' of {scenario_id}' if scenario_id else ''} {where} to report on")
    result = build_cohort(found)
    _write(out_file, render_cohort(result))
    missed = "; ".join(f"{s.scenario_id}: " + (", ".join(m.id for m in s.most_missed()) or "none missed")
                       for s in result.scenarios)  # fmt: skip
    click.echo(f"wrote {out_file}: {result.session_count} sessions; most missed: {missed}")
