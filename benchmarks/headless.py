"""Headless speed (× real time, logging to a real file included) and scenario load + validation time, per bundled
scenario.

Speed: the scenario's reference script runs as ``crmsim run`` runs it — a ``Session`` writing its log line by line
(a flush per record, fsync at phase changes and the end) to a file in a temporary folder — and the simulated time
reached is divided by the wall time. Best of three runs (one with ``--quick``), since other work on the machine can
only slow a run down. Load: ``load_scenario`` (read, parse, validate, lint, with its script files) after one warm-up
load of the same file; best of five. The very first load in a process also parses the shared formulary and the
rating frameworks; that cold figure is reported for the first scenario, as the median of five fresh processes
(one sample is at the mercy of whatever else the machine does in those 40 ms).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import SCENARIO_IDS, SCENARIOS, Figure, main

TARGET_SPEED = 2000.0
TARGET_LOAD_MS = 50.0


COLD_PROCESSES = 5
_COLD = """
import time
from crmsim.schema.load import load_scenario
start = time.perf_counter()
load_scenario({path!r})
print((time.perf_counter() - start) * 1000)
"""


def _cold(scenario_id: str) -> list[float]:
    """The first load of a scenario in each of several fresh processes, milliseconds."""
    code = _COLD.format(path=str(SCENARIOS / f"{scenario_id}.yaml"))
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(COLD_PROCESSES)]  # fmt: skip


def _speed(scenario_id: str, repeats: int) -> Figure:
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.log import LogWriter
    from crmsim.core.session import Session
    from crmsim.schema.load import load_scenario

    loaded = load_scenario(SCENARIOS / f"{scenario_id}.yaml")
    best, sim_s, records = float("inf"), 0.0, 0
    with tempfile.TemporaryDirectory() as folder:
        for attempt in range(repeats):
            path = Path(folder) / f"run{attempt}" / "log.jsonl"
            start = time.perf_counter()
            session = Session(loaded, 1, log=LogWriter.open(path))
            ScriptRunner(loaded.scripts["reference"]).run(session)
            session.close_log()
            best = min(best, time.perf_counter() - start)
            sim_s, records = session.now, len(session.records)
    return Figure(f"headless_speed.{scenario_id}", f"headless speed, {scenario_id} (reference team, log written)",
                  sim_s / best, "x real time", ">=", TARGET_SPEED,
                  {"sim_s": sim_s, "wall_s": round(best, 4), "records": records, "outcome": session.outcome,
                   "runs": repeats, "limit_s": loaded.scenario.duration_limit,
                   "wall_s_for_limit": round(loaded.scenario.duration_limit * best / max(sim_s, 1e-9), 3)})  # fmt: skip


def _load(scenario_id: str, repeats: int) -> tuple[float, float]:
    """(first load in this process, best warm load) in milliseconds."""
    from crmsim.schema.load import load_scenario

    path = SCENARIOS / f"{scenario_id}.yaml"
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        load_scenario(path)
        times.append((time.perf_counter() - start) * 1000)
    return times[0], min(times[1:])


def run(quick: bool) -> list[Figure]:
    """Load figures first (the first one cold), then speed figures."""
    figures = []
    for i, scenario_id in enumerate(SCENARIO_IDS):
        first, warm = _load(scenario_id, 2 if quick else 5)
        if i == 0:
            colds = _cold(scenario_id)
            figures.append(Figure("load_cold", f"first scenario load in a process ({scenario_id}; formulary and "
                                  f"frameworks parsed too; median of {COLD_PROCESSES} processes)",
                                  statistics.median(colds), "ms", "<=", TARGET_LOAD_MS,
                                  {"processes_ms": [round(c, 2) for c in colds],
                                   "this_process_ms": round(first, 2)}))  # fmt: skip
        figures.append(Figure(f"load.{scenario_id}", f"scenario load + validation, {scenario_id}", warm, "ms", "<=",
                              TARGET_LOAD_MS, {"first_in_process_ms": round(first, 2)}))  # fmt: skip
    for scenario_id in SCENARIO_IDS:
        figures.append(_speed(scenario_id, 1 if quick else 3))
    return figures


if __name__ == "__main__":
    main(run)
