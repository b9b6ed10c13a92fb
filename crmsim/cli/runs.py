"""``crmsim run`` and ``crmsim replay``: scripted headless runs, and re-running a session from its log."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crmsim.cli.common import fail_input, fail_problems, fail_usage, load_or_exit

if TYPE_CHECKING:
    from crmsim.core.session import Session
    from crmsim.schema.load import LoadedScenario
    from crmsim.schema.scenario import Script


def pick_script(loaded: LoadedScenario, script_file: Path | None, team: str | None) -> Script:
    from crmsim.schema.load import load_script
    from crmsim.schema.problems import ProblemsError

    if script_file is not None:
        if not script_file.is_file():
            fail_usage(f"no such script file: {script_file}")
        try:
            return load_script(loaded, script_file)
        except ProblemsError as exc:
            fail_problems(exc.problems, f"{script_file} has problems; fix them and run again")
    name = team or "reference"
    if name not in loaded.scripts:
        fail_usage(f"scenario has no script '{name}'; it has: {', '.join(sorted(loaded.scripts))}")
    return loaded.scripts[name]


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--script", "script_file", type=click.Path(path_type=Path), help="A script file of team commands.")
@click.option("--team", type=str, default=None, help="A script of the scenario by name: reference, novice, …")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=1, show_default=True,
              help="Seed of the session's random numbers.")  # fmt: skip
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for log.jsonl.")
@click.option("--resume", is_flag=True, help="Continue a run whose log in --out was cut short.")
@click.option("--started-at", default="", help="A real start time for the log header (ISO 8601); headless runs "
              "leave it empty so that two runs with one seed are byte-identical.")  # fmt: skip
@click.option("--no-store", is_flag=True, help="Do not record the run in the session store (CRMSIM_HOME).")
def run(scenario: Path, script_file: Path | None, team: str | None, seed: int, out_dir: Path, resume: bool,
        started_at: str, no_store: bool) -> None:  # fmt: skip
    """Run SCENARIO (a file, or a bundled scenario's id) headless with a scripted team, as fast as possible."""
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.log import LogError, LogWriter
    from crmsim.core.replay import ReplayError
    from crmsim.core.replay import resume as resume_session
    from crmsim.core.session import Session

    if script_file and team:
        fail_usage("give --script or --team, not both")
    loaded = load_or_exit(scenario)
    script = pick_script(loaded, script_file, team)
    log_path = out_dir / "log.jsonl"
    try:
        if resume:
            if not log_path.is_file():
                fail_usage(f"nothing to resume: {log_path} does not exist")
            session, done = resume_session(log_path, loaded)
            click.echo(f"resumed:   {log_path} at {session.now:.1f} s after {done} command(s)")
        else:
            if log_path.exists():
                fail_usage(f"{log_path} already exists; use --resume to continue it, or another --out")
            out_dir.mkdir(parents=True, exist_ok=True)
            session, done = Session(loaded, seed, started_at=started_at, log=LogWriter.open(log_path)), 0
        ScriptRunner(script).run(session, skip=done)
    except LogError as exc:
        fail_input(str(exc).splitlines()[0])
    except (ReplayError, OSError) as exc:
        fail_usage(str(exc).splitlines()[0])
    session.close_log()
    summarise(session, log_path)
    if not no_store:
        store_run(log_path)


def store_run(log_path: Path) -> None:
    """Record a finished run's log in the session store and print its id (a store failure is exit 1)."""
    from crmsim.store import StoreError, open_store
    from crmsim.store.record import record_log

    try:
        with open_store() as store:
            session_id = record_log(store, log_path.read_text(encoding="utf-8"), source="run")
    except (StoreError, OSError) as exc:
        click.echo(f"crmsim: the run's log is kept, but it could not be stored: {exc}", err=True)
        sys.exit(1)
    click.echo(f"stored:    session {session_id} (crmsim sessions lists it)")


def summarise(session: Session, log_path: Path) -> None:
    """Print the short summary of a run: outcome, duration, counts."""
    from crmsim.core.records import COMMUNICATION_KINDS

    kinds = Counter(record.kind for record in session.records)
    communications = sum(kinds[k] for k in COMMUNICATION_KINDS)
    click.echo(f"log:       {log_path}")
    click.echo(f"outcome:   {session.outcome or 'running'} (phase {session.runtime.phase.id})")
    click.echo(f"duration:  {session.now:.0f} s simulated")
    click.echo(f"records:   {len(session.records)}; commands {kinds['CommandIssued']}, "
               f"rejected {kinds['CommandRejected']}, communications {communications}, "
               f"drugs {kinds['DrugGiven'] + kinds['InfusionStarted']}, alarms {kinds['AlarmRaised']}")  # fmt: skip


@click.command()
@click.argument("log_file", type=click.Path(path_type=Path))
@click.option("--verify", is_flag=True, help="Re-simulate and check the log is reproduced byte for byte.")
@click.option("--until", "until", type=str, default=None, help="Print the state at this sim time, e.g. '4 min'.")
@click.option("--scenario", "scenario_file", type=click.Path(path_type=Path), default=None,
              help="The scenario file, when it is no longer where the log says.")  # fmt: skip
def replay(log_file: Path, verify: bool, until: str | None, scenario_file: Path | None) -> None:
    """Re-run a session from its log: verify it byte for byte, or print the state at a time."""
    from crmsim.core.log import LogError, read_log
    from crmsim.core.replay import ReplayError, scenario_for, state_at
    from crmsim.core.replay import verify as verify_log
    from crmsim.schema.problems import ProblemsError
    from crmsim.schema.units import UnitError, parse_duration

    if not verify and until is None:
        fail_usage("give --verify, --until T, or both")
    if not log_file.is_file():
        fail_usage(f"no such log file: {log_file}")
    t = None
    if until is not None:
        try:
            t = parse_duration(float(until) if until.replace(".", "", 1).isdigit() else until)
        except (UnitError, ValueError) as exc:
            fail_usage(f"--until: {exc}")
    try:
        log = read_log(log_file)
        loaded = scenario_for(log, scenario_file)
    except LogError as exc:
        fail_input(str(exc).splitlines()[0])
    except ReplayError as exc:
        fail_usage(str(exc).splitlines()[0])
    except ProblemsError as exc:
        fail_problems(exc.problems, "the log's scenario has problems")
    if verify:
        try:
            difference = verify_log(log, loaded)
        except ReplayError as exc:  # the header does not fit its scenario: the log cannot be re-run
            fail_input(str(exc).splitlines()[0])
        if difference is not None:
            click.echo(f"{log_file}:{difference.line}: differs from the re-run", err=True)
            click.echo(f"  log:    {difference.expected}", err=True)
            click.echo(f"  re-run: {difference.got}", err=True)
            sys.exit(1)
        click.echo(f"{log_file}: verified, {len(log.records)} records reproduced byte for byte")
    if t is not None:
        try:
            view = state_at(log, loaded, t).view().as_data()
        except ReplayError as exc:
            fail_input(str(exc).splitlines()[0])
        click.echo(json.dumps(view, indent=2, sort_keys=True, ensure_ascii=False))
