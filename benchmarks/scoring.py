"""Scoring throughput (log records per second) and the time to rescore a 10,000-session cohort.

Logs: every bundled scenario played headless by its reference and its novice team with seeds 1–5 (``--quick``:
seed 1), written to a temporary folder — real logs, 12 to 60 of them. Throughput: the scorer proper
(``analyse`` + ``score_analysis`` in ANTS) over logs already read, records scored per second, best of five
passes. Cohort: the whole rescoring path per session — ``read_log`` from disk, the log's scenario found and checked
against its sha256 (through a ``ScenarioCache``, so each scenario file is parsed once, not once per session), then
scored — over N sessions (the logs, repeated) in one process per core; the 10,000-session figure is that time
extrapolated from N: what a run pays once (starting the workers, each loading the six scenarios) plus the sessions'
time scaled linearly, as the work per session does not depend on how many there are. The cohort figure's
details also give ``crmsim cohort`` itself over the same N log files (one worker per core): it debriefs every
session too, so it takes longer than rescoring.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import SCENARIO_IDS, SCENARIOS, Figure, main

TARGET_RECORDS_PER_S = 500_000.0
TARGET_COHORT_S = 60.0
COHORT = 10_000


def make_logs(folder: Path, seeds: range) -> list[Path]:
    """Play every bundled scenario with its reference and novice teams; the log files."""
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.log import LogWriter
    from crmsim.core.session import Session
    from crmsim.schema.load import load_scenario

    paths = []
    for scenario_id in SCENARIO_IDS:
        loaded = load_scenario(SCENARIOS / f"{scenario_id}.yaml")
        for team in ("reference", "novice"):
            for seed in seeds:
                path = folder / f"{scenario_id}-{team}-{seed}" / "log.jsonl"
                session = Session(loaded, seed, log=LogWriter.open(path))
                ScriptRunner(loaded.scripts[team]).run(session)
                session.close_log()
                paths.append(path)
    return paths


def _rescore(paths: list[str]) -> tuple[int, int, float, float]:
    """Read, find the scenario of and score each log (one worker's share); (sessions, records, seconds spent loading
    each bundled scenario once — what a worker pays once, however many sessions follow — and seconds spent on the
    sessions)."""
    from crmsim.core.log import read_log
    from crmsim.core.provenance import ScenarioCache
    from crmsim.scoring.scorer import score_log
    from crmsim.scoring.source import scenario_for_log

    cache = ScenarioCache()
    start = time.perf_counter()
    for scenario_id in SCENARIO_IDS:
        cache.load(SCENARIOS / f"{scenario_id}.yaml")
    setup_s = time.perf_counter() - start
    records = 0
    start = time.perf_counter()
    for path in paths:
        log = read_log(path)
        score_log(log, scenario_for_log(log, cache=cache), "ants")
        records += len(log.records)
    return len(paths), records, setup_s, time.perf_counter() - start


def _report(paths: list[str], jobs: int, out: Path) -> float:
    """Seconds for ``crmsim cohort`` over these log files, run in this process as a user would run it."""
    from click.testing import CliRunner

    from crmsim.cli import main

    start = time.perf_counter()
    result = CliRunner().invoke(main, ["cohort", *paths, "-o", str(out), "--jobs", str(jobs)])
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise RuntimeError(f"crmsim cohort failed: {result.output}")
    return seconds


def run(quick: bool) -> list[Figure]:
    from crmsim.core.log import read_log
    from crmsim.core.provenance import ScenarioCache
    from crmsim.scoring.scorer import analyse, score_analysis
    from crmsim.scoring.source import scenario_for_log

    with tempfile.TemporaryDirectory() as folder:
        paths = make_logs(Path(folder), range(1, 2 if quick else 6))
        cache = ScenarioCache()
        logs = [read_log(p) for p in paths]
        pairs = [(log, scenario_for_log(log, cache=cache)) for log in logs]
        records = sum(len(log.records) for log in logs)
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for log, loaded in pairs:
                score_analysis(analyse(log, loaded), "ants")
            best = min(best, time.perf_counter() - start)
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        sessions = [str(p) for p in paths] * (2 if quick else 10)
        shares = [sessions[i::workers] for i in range(workers)]
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_rescore, shares)
        cohort_s = time.perf_counter() - start
        report_n = len(sessions)
        report_s = _report(sessions, workers, Path(folder) / "cohort.html")
    n = sum(d[0] for d in done)
    cohort_records = sum(d[1] for d in done)
    setup_s = max(d[2] for d in done)  # the workers run side by side: the slowest decides
    work_s = max(d[3] for d in done)
    fixed_s = cohort_s - work_s  # starting the workers and loading the scenarios: paid once, not per session
    details: dict[str, Any] = {"logs": len(paths), "records": records, "records_per_log": round(records / len(paths)),
                               "seconds": round(best, 4), "ms_per_session": round(1000 * best / len(paths), 3),
                               "framework": "ants"}  # fmt: skip
    cohort = {"measured_sessions": n, "measured_s": round(cohort_s, 3), "processes": workers,
              "once_per_run_s": round(fixed_s, 3), "scenario_loads_s": round(setup_s, 3),
              "sessions_s": round(work_s, 3), "sessions_per_s": round(n / work_s, 1),
              "records_per_s_end_to_end": round(cohort_records / work_s), "extrapolated_to": COHORT,
              "method": "read_log + ScenarioCache lookup + score_log(ants), per session; extrapolated as the "
                        "once-per-run cost (starting the workers, loading each scenario) plus the sessions' time "
                        f"scaled to {COHORT:,}",
              "report_measured_sessions": report_n, "report_measured_s": round(report_s, 3),
              "report_10000_s_extrapolated": round(report_s * COHORT / report_n, 1),
              "report_method": f"crmsim cohort LOG... --jobs {workers}: every session also debriefed (key moments, "
                               "screens) and summarised, then one HTML report"}
    return [
        Figure("scoring_records_per_s", "scoring throughput (analyse + rate, logs in memory)", records / best,
               "records/s", ">=", TARGET_RECORDS_PER_S, details),
        Figure("cohort_rescore_10000_s", f"rescoring a {COHORT:,}-session cohort from disk (extrapolated from {n})",
               fixed_s + work_s * COHORT / n, "s", "<=", TARGET_COHORT_S, cohort),
    ]  # fmt: skip


if __name__ == "__main__":
    main(run)
