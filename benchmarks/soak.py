"""Soak: an eight-hour simulated session with a seeded random team at full speed — no exception, memory growth under
20 MB.

The session plays ``tests/hardening/soak/soak-8h.yaml`` (a patient who bleeds, settles and turns septic in turn,
with an eight-hour ``duration_limit``; its phases cycle on timeouts, so only the time limit ends it) with
``crmsim.core.random_team.RandomTeam`` (a command every 2–6 sim seconds: drugs, orders and their loops, call-outs,
concerns, aids, facilitator pauses, speed changes, injects and jumps) writing its log to a real file. Memory is
traced with ``tracemalloc`` from the end of a ten-minute warm-up to the end, after a full collection at both ends;
the growth includes the session's own record list, which holds the whole log (about 44,000 records after eight
hours) by design. A second run without ``tracemalloc`` gives the speed. ``--quick``: 30 simulated minutes.
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Figure, main

SCENARIO = ROOT / "tests" / "hardening" / "soak" / "soak-8h.yaml"
WARM_UP_S = 600.0
TARGET_GROWTH_MB = 20.0


def soak(until_s: float, *, trace: bool, seed: int = 7) -> dict[str, Any]:
    """Run the soak scenario to ``until_s``; wall time, records and (with ``trace``) traced memory growth."""
    from crmsim.core.log import LogWriter
    from crmsim.core.random_team import RandomTeam
    from crmsim.core.session import Session
    from crmsim.schema.load import load_scenario

    loaded = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as folder:
        session = Session(loaded, seed, log=LogWriter.open(Path(folder) / "log.jsonl"))
        team = RandomTeam(session, seed)
        start = time.perf_counter()
        team.run(session, until=min(WARM_UP_S, until_s))
        if trace:
            gc.collect()
            tracemalloc.start()
        team.run(session, until=until_s)
        wall = time.perf_counter() - start
        growth = 0.0
        if trace:
            gc.collect()
            growth = tracemalloc.get_traced_memory()[0] / 1e6
            tracemalloc.stop()
        session.close_log()
        size = (Path(folder) / "log.jsonl").stat().st_size
    return {"sim_s": session.now, "wall_s": round(wall, 2), "records": len(session.records),
            "commands": team.submitted, "ended": session.ended, "outcome": session.outcome,
            "growth_mb": round(growth, 3), "log_mb": round(size / 1e6, 2)}  # fmt: skip


def run(quick: bool) -> list[Figure]:
    until = 1800.0 if quick else 8 * 3600.0
    fast = soak(until, trace=False)
    traced = soak(until, trace=True)
    hours = until / 3600
    return [
        Figure("soak_memory_growth_mb", f"soak: {hours:g} sim-hours with a random team, memory growth after a "
               "10-minute warm-up (tracemalloc)", traced["growth_mb"], "MB", "<", TARGET_GROWTH_MB, traced),
        Figure("soak_speed", f"soak: {hours:g} sim-hours with a random team at full speed", fast["sim_s"] /
               fast["wall_s"], "x real time", ">=", 1.0, fast),
    ]  # fmt: skip


if __name__ == "__main__":
    main(run)
