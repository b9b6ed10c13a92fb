"""``crmsim debrief``: one session's debrief report, and the helpers ``crmsim cohort`` shares with it.

The report is one self-contained HTML file (no script, no external resource) that prints cleanly to PDF from a
browser. A session is a log file, its run folder, or a stored session's id.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from crmsim.cli.common import fail_usage

if TYPE_CHECKING:
    from crmsim.core.log import Log
    from crmsim.core.provenance import ScenarioCache
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
    from crmsim.core.log import LogError
    from crmsim.schema.problems import ProblemsError
    from crmsim.scoring.source import ScoringError, scenario_for_log

    try:
        return scenario_for_log(log, override, cache)
    except (ScoringError, LogError) as exc:
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
            return store.read_log(found[0].id), stored_overrides(store, found[0].id, framework)
    except UnknownSession:
        return None
    except StoreError as exc:
        fail_input(str(exc))


def stored_overrides(store: SessionStore, session_id: str, framework: str) -> list[Override]:
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
    write_report(out_file, text)
    gaps = sum(1 for m in model.moments if m.valence == "gap")
    keeps = sum(1 for m in model.moments if m.valence == "strength")
    click.echo(f"wrote {out_file}: {len(model.moments)} key moments ({gaps} to improve, {keeps} to keep)")


def write_report(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail_input(f"{path}: cannot write it ({exc.strerror or exc})")
