"""``crmsim cohort``: the recurring lessons across many sessions — the stored ones, or the log files given.

Each session is read, scored and debriefed, and only its summary (:class:`~crmsim.debrief.cohort.CohortSession`)
is kept. With many sessions the work is shared between processes (``--jobs``, one per core by default), each
taking a contiguous share so that the report and its warnings keep the sessions' order.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from crmsim.cli.common import fail_usage
from crmsim.cli.debrief import (FRAMEWORKS, SkippedSession, fail_input, read_session_log, scenario_of,
                                stored_overrides, write_report)  # fmt: skip

if TYPE_CHECKING:
    from crmsim.debrief.cohort import CohortSession

#: A worker process gets at least this many sessions (starting one costs about what summarising 30 does).
SHARE_AT_LEAST = 32

Item = TypeVar("Item")


def _summarise_logs(paths: Sequence[Path], framework: str) -> list[CohortSession | str]:
    """Each log file's cohort summary, or why it was skipped (one worker's share)."""
    from crmsim.core.provenance import ScenarioCache
    from crmsim.debrief.build import debrief_log
    from crmsim.debrief.cohort import summarise

    cache = ScenarioCache()
    found: list[CohortSession | str] = []
    for path in paths:
        try:
            log = read_session_log(path)
            found.append(summarise(debrief_log(log, scenario_of(log, cache=cache), framework, str(path))))
        except SkippedSession as exc:
            found.append(f"skipped {path}: {exc}")
    return found


def _summarise_stored(home: Path, ids: Sequence[tuple[str, str]], framework: str) -> list[CohortSession | str]:
    """Each stored session's cohort summary, rated with the educators' re-ratings kept in the store, or why it was
    skipped (one worker's share; ``ids`` are the sessions' ids with their start times)."""
    from crmsim.core.provenance import ScenarioCache
    from crmsim.debrief.build import build_debrief
    from crmsim.debrief.cohort import summarise
    from crmsim.scoring.overrides import OverrideError, apply_to_session
    from crmsim.scoring.scorer import score_log
    from crmsim.store import StoreError, open_store

    cache = ScenarioCache()
    found: list[CohortSession | str] = []
    try:
        store = open_store(home)
    except StoreError as exc:
        return [f"skipped session {session_id}: {exc}" for session_id, _ in ids]
    with store:
        for session_id, started_at in ids:
            try:
                log = store.read_log(session_id)
                loaded = scenario_of(log, cache=cache)
                score = apply_to_session(score_log(log, loaded, framework),
                                         stored_overrides(store, session_id, framework), session_id)  # fmt: skip
                summary = summarise(build_debrief(log, loaded, score, session_id))
            except (SkippedSession, StoreError, OverrideError) as exc:
                found.append(f"skipped session {session_id}: {exc}")
                continue
            found.append(replace(summary, started_at=started_at))
    return found


def _shared(work: Callable[[Sequence[Item]], list[CohortSession | str]], items: Sequence[Item],
            jobs: int) -> list[CohortSession | str]:  # fmt: skip
    """``work`` (picklable: a module-level function or a partial of one) over ``items``, split into at most
    ``jobs`` contiguous shares of at least :data:`SHARE_AT_LEAST` run in worker processes (in this process when
    that makes one share), the answers in the items' order."""
    jobs = min(jobs, len(items) // SHARE_AT_LEAST)
    if jobs <= 1:
        return work(items)
    size = -(-len(items) // jobs)
    shares = [items[i:i + size] for i in range(0, len(items), size)]
    try:
        pool = ProcessPoolExecutor(max_workers=len(shares))
    except (OSError, NotImplementedError):  # no process support here (some sandboxes): do it in this process
        return work(items)
    try:
        with pool:
            return [answer for answers in pool.map(work, shares) for answer in answers]
    except BrokenProcessPool:
        fail_input("a worker process died (out of memory?); run again with fewer --jobs")


def _stored_ids(scenario_id: str | None) -> tuple[Path, list[tuple[str, str]]]:
    """The store's folder, and its sessions (of ``scenario_id`` if given) as ids with start times, oldest first."""
    from crmsim.store import StoreError, data_home, open_store

    home = data_home()
    try:
        with open_store(home) as store:
            return home, [(s.id, s.started_at) for s in store.list_sessions(scenario_id)]
    except StoreError as exc:
        fail_input(str(exc))


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@click.command()
@click.argument("logs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--scenario", "scenario_id", default=None, help="Only the sessions of this scenario id.")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), required=True, help="The report file.")
@click.option("--framework", "-f", type=click.Choice(FRAMEWORKS), default="ants", show_default=True,
              help="The rating framework behind the team ratings shown.")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for many sessions [default: one per core].")
def cohort(logs: tuple[Path, ...], scenario_id: str | None, out_file: Path, framework: str, jobs: int | None) -> None:
    """Write the cohort report across sessions — the stored ones, or the LOGS given: per scenario, the markers
    teams miss most, the spread of times to the key actions, and the trend over time.
    """
    from crmsim.debrief.cohort import build_cohort
    from crmsim.debrief.html import render_cohort

    for path in logs:
        if not path.exists():
            fail_usage(f"no such log file: {path}")
    workers = jobs or default_jobs()
    if logs:
        answers = _shared(functools.partial(_summarise_logs, framework=framework), list(logs), workers)
    else:
        home, ids = _stored_ids(scenario_id)
        answers = _shared(functools.partial(_summarise_stored, home, framework=framework), ids, workers)
    found = []
    for answer in answers:
        if isinstance(answer, str):
            click.echo(f"crmsim: {answer}", err=True)
        else:
            found.append(answer)
    if scenario_id is not None:
        found = [d for d in found if d.scenario_id == scenario_id]
    if not found:
        where = "in those logs" if logs else "in the session store (`crmsim sessions` lists them)"
        fail_input(f"no sessions{f' of {scenario_id}' if scenario_id else ''} {where} to report on")
    result = build_cohort(found)
    write_report(out_file, render_cohort(result))
    missed = "; ".join(f"{s.scenario_id}: " + (", ".join(m.id for m in s.most_missed()) or "none missed")
                       for s in result.scenarios)  # fmt: skip
    click.echo(f"wrote {out_file}: {result.session_count} sessions; most missed: {missed}")
