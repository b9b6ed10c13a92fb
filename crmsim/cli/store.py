"""``crmsim sessions | export | import | override | forget``: the session store from the command line.

The store is the one in ``CRMSIM_HOME`` (else the user data folder). A session is named by its id or any unique
beginning of it, as ``crmsim sessions`` lists them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from crmsim.cli.common import fail_usage

if TYPE_CHECKING:
    from crmsim.store import SessionStore, StoredSession

FORMATS = ("csv", "json", "xapi")
FRAMEWORKS = ("ants", "notss", "team", "ottawa", "acrm", "core")


def fail_input(message: str) -> NoReturn:
    """A problem with the input (an unknown session, a store or file that cannot be used): one line, exit 1."""
    click.echo(f"crmsim: {' '.join(str(message).splitlines())}", err=True)
    sys.exit(1)


@contextmanager
def opened_store() -> Iterator[SessionStore]:
    """The user's session store; any store failure inside the block is one line and exit 1."""
    from crmsim.store import StoreError, open_store

    try:
        with open_store() as store:
            yield store
    except StoreError as exc:
        fail_input(str(exc))


def find_session(store: SessionStore, text: str) -> StoredSession:
    """The stored session whose id is ``text`` or begins with it (exit 1 if none, 2 if several)."""
    from crmsim.store import UnknownSession

    try:
        return store.get_session(text)
    except UnknownSession:
        pass
    found = [s for s in store.list_sessions() if text and s.id.startswith(text)]
    if len(found) > 1:
        fail_usage(f"'{text}' begins {len(found)} session ids; give more of it")
    if not found:
        fail_input(f"no stored session '{text}'; `crmsim sessions` lists them")
    return found[0]


def _team_text(stored: StoredSession, names: bool) -> str:
    return " ".join(f"{p.id}:{p.role}" + (f"({p.name})" if names and p.name else "") for p in stored.participants)


@click.command()
@click.option("--scenario", "scenario_id", default=None, help="Only the sessions of this scenario id.")
@click.option("--format", "fmt", default="table", show_default=True, help="table or json.")
@click.option("--include-names", is_flag=True, help="Show the names the team gave (kept only in the store).")
def sessions(scenario_id: str | None, fmt: str, include_names: bool) -> None:
    """List the stored sessions: id, start, scenario and version, team roles, outcome and duration."""
    if fmt not in ("table", "json"):
        fail_usage(f"--format must be table or json, not '{fmt}'")
    with opened_store() as store:
        found = store.list_sessions(scenario_id)
    if fmt == "json":
        click.echo(json.dumps([{
            "id": s.id, "started_at": s.started_at, "scenario": s.scenario_id, "scenario_version": s.scenario_version,
            "team": [{"id": p.id, "role": p.role, **({"name": p.name} if include_names and p.name else {})}
                     for p in s.participants],
            "outcome": s.outcome, "duration_s": s.duration_s, "source": s.source} for s in found],
            indent=2, ensure_ascii=False))  # fmt: skip
        return
    if not found:
        click.echo("no stored sessions" + (f" of scenario '{scenario_id}'" if scenario_id else ""))
        return
    click.echo(f"{'id':<12}  {'started':<25}  {'scenario':<28}  {'outcome':<12}  {'duration':>8}  team")
    for s in found:
        seconds = s.duration_s
        duration = "" if seconds is None else f"{seconds:.0f} s" if seconds < 1e7 else f"{seconds:.1e} s"  # damaged
        scenario = f"{s.scenario_id} {s.scenario_version}"
        click.echo(f"{s.id:<12}  {s.started_at:<25}  {scenario:<28}  {s.outcome or 'unfinished':<12}  "
                   f"{duration:>8}  {_team_text(s, include_names)}")  # fmt: skip


def _frameworks(chosen: tuple[str, ...]) -> list[str]:
    names = [f.strip() for item in chosen for f in item.split(",") if f.strip()] or ["ants"]
    if "all" in names:
        return list(FRAMEWORKS)
    unknown = [f for f in names if f not in FRAMEWORKS]
    if unknown:
        fail_usage(f"no rating framework '{unknown[0]}'; choose from {', '.join(FRAMEWORKS)} or all")
    return list(dict.fromkeys(names))


@click.command()
@click.option("--format", "fmt", required=True, help="csv (long form), json or xapi (xAPI 1.0.3 statements).")
@click.option("--session", "session_ids", multiple=True, help="A stored session's id (repeatable).")
@click.option("--all", "everything", is_flag=True, help="Every stored session (or every one of --scenario).")
@click.option("--scenario", "scenario_id", default=None, help="With --all: only this scenario's sessions.")
@click.option("--framework", "frameworks", multiple=True, help="Rating framework(s): ants (default), notss, team, "
              "ottawa, acrm, core, or all.")  # fmt: skip
@click.option("--include-names", is_flag=True, help="Put the team's names in the export (pseudonymous ids otherwise).")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None, help="The file to write ('-': "
              "standard output).")  # fmt: skip
@click.option("--lrs", default=None, help="xapi: also POST the statements to this Learning Record Store endpoint.")
@click.option("--lrs-auth", default=None, help="USER:PASSWORD for the LRS (HTTP basic authentication).")
@click.option("--home-page", default="https://crmsim.org", show_default=True,
              help="xapi: the homePage of the pseudonymous accounts and the base of activity ids.")  # fmt: skip
def export(fmt: str, session_ids: tuple[str, ...], everything: bool, scenario_id: str | None,
           frameworks: tuple[str, ...], include_names: bool, out_file: Path | None, lrs: str | None,
           lrs_auth: str | None, home_page: str) -> None:  # fmt: skip
    """Export stored sessions' ratings as CSV (one row per session × participant × element), JSON or xAPI.

    Participants appear by pseudonymous id (p1, p2, …) unless --include-names.
    """
    from crmsim.debrief.exports import to_csv_bytes, to_json_text, to_statements
    from crmsim.store.exporting import export_session

    if fmt not in FORMATS:
        fail_usage(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    if bool(session_ids) == everything:
        fail_usage("give --session ID (one or more) or --all")
    if scenario_id and not everything:
        fail_usage("--scenario goes with --all")
    if lrs and fmt != "xapi":
        fail_usage("--lrs sends xAPI statements; use it with --format xapi")
    if out_file is None and not lrs:
        fail_usage("give -o FILE (or -o - for standard output)")
    chosen = _frameworks(frameworks)
    with opened_store() as store:
        stored = store.list_sessions(scenario_id) if everything else [find_session(store, s) for s in session_ids]
        if not stored:
            fail_input("there are no stored sessions to export" + (f" of scenario '{scenario_id}'" if scenario_id else ""))
        cache: dict = {}
        bundle = [export_session(store, s, chosen, include_names=include_names, scenarios=cache) for s in stored]
    statements = to_statements(bundle, chosen, home_page) if fmt == "xapi" else []
    if fmt == "csv":
        data = to_csv_bytes(bundle, chosen)
    elif fmt == "json":
        data = to_json_text(bundle, chosen).encode("utf-8")
    else:
        data = (json.dumps(statements, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if out_file is not None:
        _write(out_file, data)
    if lrs:
        _send(lrs, statements, lrs_auth)
    rows = "" if fmt != "xapi" else f", {len(statements)} statements"
    click.echo(f"exported {len(bundle)} session(s) in {', '.join(chosen)}{rows}"
               + (f" to {out_file}" if out_file and str(out_file) != "-" else ""), err=str(out_file) == "-")  # fmt: skip


def _write(out_file: Path, data: bytes) -> None:
    if str(out_file) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        out_file.write_bytes(data)
    except OSError as exc:
        fail_input(f"cannot write {out_file}: {exc.strerror or exc}")


def _send(url: str, statements: list[dict], auth: str | None) -> None:
    from crmsim.debrief.exports.lrs import LrsError, send_statements

    try:
        stored = send_statements(url, statements, auth)
    except LrsError as exc:
        fail_input(str(exc))
    click.echo(f"sent {len(stored)} statements to {url}", err=True)


@click.command("import")
@click.argument("logs", nargs=-1, type=click.Path(path_type=Path))
def import_logs(logs: tuple[Path, ...]) -> None:
    """Put existing session logs (log.jsonl files or run folders) into the store, rated if they ended (each line
    says why a log was not: unfinished, its scenario missing or changed, or the log damaged).

    Names found in an old log's header are moved into the store and blanked in the stored log. Importing a log
    the store already holds (or an earlier part of it) changes nothing but adds what is new.
    """
    from crmsim.store import StoreError
    from crmsim.store.record import record_log, why_unrated

    if not logs:
        fail_usage("give one or more log files: crmsim import LOG [LOG …]")
    paths = [p / "log.jsonl" if p.is_dir() else p for p in logs]
    for path in paths:
        if not path.is_file():
            fail_usage(f"no such log file: {path}")
    with opened_store() as store:
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                fail_input(f"{path}: cannot read it ({exc})")
            try:
                session_id = record_log(store, text, source="import")
            except StoreError as exc:
                fail_input(str(exc).replace("<log>", str(path), 1))
            unrated = why_unrated(store.read_log(session_id))
            click.echo(f"{path}: stored as session {session_id}" + (f" (not rated: {unrated})" if unrated else ""))


@click.command()
@click.argument("session_id")
@click.argument("overrides_file", type=click.Path(path_type=Path))
@click.option("--framework", default="ants", show_default=True,
              help="The framework of rows that do not name one (the file's 'framework' column wins).")  # fmt: skip
def override(session_id: str, overrides_file: Path, framework: str) -> None:
    """Keep an educator's re-ratings of a stored session (CSV: element,score,rater,comment[,participant]).

    The scorer's ratings stay; exports show the last re-rating of an element as its score, and the automatic one
    beside it.
    """
    from crmsim.scoring.overrides import OverrideError, read_overrides
    from crmsim.store.record import store_overrides

    if framework not in FRAMEWORKS:
        fail_usage(f"no rating framework '{framework}'; choose from {', '.join(FRAMEWORKS)}")
    if not overrides_file.is_file():
        fail_usage(f"no such overrides file: {overrides_file}")
    with opened_store() as store:
        stored = find_session(store, session_id)
        try:
            overrides = read_overrides(overrides_file)
        except OverrideError as exc:
            fail_input(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            fail_input(f"{overrides_file}: cannot read it ({exc})")
        count = store_overrides(store, stored.id, overrides, framework, str(overrides_file))
    click.echo(f"kept {count} re-rating(s) of session {stored.id}")


@click.command()
@click.argument("participant", required=False)
@click.option("--session", "session_id", default=None, help="The session the participant id (p1, p2, …) belongs to.")
@click.option("--name", default=None, help="Forget everyone stored under this name, in every session.")
def forget(participant: str | None, session_id: str | None, name: str | None) -> None:
    """Delete one participant's data: `crmsim forget p2 --session ID`, or `crmsim forget --name "A. Person"`.

    Deleted: the name, their own ratings and re-ratings, and any mention of the name in the stored log. Kept: the
    session, the team's ratings, and the log with the participant only as their pseudonymous id and role.
    """
    if name is not None and (participant or session_id):
        fail_usage("give PARTICIPANT --session ID, or --name NAME, not both")
    if name is None and not (participant and session_id):
        fail_usage("give PARTICIPANT --session ID (ids like p2 differ per session), or --name NAME")
    with opened_store() as store:
        if name is not None:
            if not name.strip():
                fail_usage("--name is empty")
            done = store.forget_name(name)
            if not done:
                fail_input(f"no participant is stored under the name '{name}'")
        else:
            stored = find_session(store, str(session_id))
            store.forget_participant(stored.id, str(participant))
            done = [(stored.id, str(participant))]
    for sid, pid in done:
        click.echo(f"forgot {pid} of session {sid}: name, own ratings and re-ratings deleted; the log keeps only "
                   f"the pseudonymous id {pid} and its role")  # fmt: skip
