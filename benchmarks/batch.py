"""Batch rehearsal: 1,000 seeded headless runs of one scenario (its novice team, whose fate varies with the seed),
each writing its log, spread over every core; the wall time and the spread of outcomes.

With ``--quick``, 100 runs. The outcome spread is what a facilitator rehearsing a scenario wants to know: how often
the novice team's patient dies or the time runs out, when the session ends, how low the saturation and the systolic
pressure fall.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import SCENARIOS, Figure, main, spread

SCENARIO = "anaphylaxis-ga"
TEAM = "novice"
TARGET_S = 600.0


@functools.lru_cache(maxsize=1)
def _loaded(path: str) -> Any:
    from crmsim.schema.load import load_scenario

    return load_scenario(path)


def rehearse(job: tuple[str, int, str]) -> dict[str, Any]:
    """One seeded run writing its log; what it came to."""
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.log import LogWriter
    from crmsim.core.session import Session

    path, seed, folder = job
    loaded = _loaded(path)
    session = Session(loaded, seed, log=LogWriter.open(Path(folder) / f"seed-{seed}" / "log.jsonl"))
    ScriptRunner(loaded.scripts[TEAM]).run(session)
    session.close_log()
    vitals = [r.data for r in session.records if r.kind == "VitalsSampled"]
    return {"seed": seed, "outcome": session.outcome or "running", "phase": session.runtime.phase.id,
            "end_s": session.now, "records": len(session.records),
            "min_spo2": min(float(v["spo2"]) for v in vitals), "min_sbp": min(float(v["sbp"]) for v in vitals)}  # fmt: skip


def run(quick: bool) -> list[Figure]:
    runs = 100 if quick else 1000
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    path = str(SCENARIOS / f"{SCENARIO}.yaml")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(rehearse, [(path, seed, folder) for seed in range(1, runs + 1)], chunksize=10)
        wall = time.perf_counter() - start
    outcomes = Counter(f"{r['outcome']} ({r['phase']})" for r in results)
    details = {"scenario": SCENARIO, "team": TEAM, "runs": runs, "processes": workers,
               "outcomes": dict(outcomes.most_common()),
               "end_s": spread([r["end_s"] for r in results]), "records": spread([r["records"] for r in results]),
               "min_spo2": spread([r["min_spo2"] for r in results]),
               "min_sbp": spread([r["min_sbp"] for r in results]),
               "runs_per_s": round(runs / wall, 2)}  # fmt: skip
    figures = [Figure("batch_rehearsal_s", f"batch rehearsal: {runs} seeded runs of {SCENARIO} ({TEAM} team), wall time",
                      wall, "s", "<=", TARGET_S * runs / 1000, details)]  # fmt: skip
    return figures


if __name__ == "__main__":
    main(run)
