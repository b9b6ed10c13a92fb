"""Soak: a long session with a seeded random team at full speed raises nothing and does not leak memory.

CI plays 30 simulated minutes of ``soak/soak-8h.yaml`` (phases that cycle for eight hours; only the time limit ends
it) with ``RandomTeam``; ``CRMSIM_HARDENING=full`` plays the whole eight hours. Memory is traced after a ten-minute
warm-up; the growth, which is the session's own records (it keeps its whole log), must stay under 20 MB and under
1.5 KB a record (a leak shows as growth beyond what the records hold). The benchmark ``python -m benchmarks.soak``
reports the same figures.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from hardening_support import full

from crmsim.core.log import LogWriter, read_log
from crmsim.core.random_team import RandomTeam
from crmsim.core.replay import verify
from crmsim.core.session import Session
from crmsim.schema.load import load_scenario

SCENARIO = Path(__file__).parent / "soak" / "soak-8h.yaml"
WARM_UP_S = 600.0


def test_a_long_random_session_raises_nothing_and_keeps_memory_flat(tmp_path: Path) -> None:
    """Hours of random commands (drugs, orders, concerns, pauses, speed changes, injects, jumps) raise nothing; the
    memory that grows is the log the session keeps, under 1.5 KB per record; the log replays exactly."""
    until = 8 * 3600.0 if full() else 1800.0
    loaded = load_scenario(SCENARIO)
    session = Session(loaded, 5, log=LogWriter.open(tmp_path / "log.jsonl"))
    team = RandomTeam(session, 5)
    team.run(session, until=WARM_UP_S)
    gc.collect()
    tracemalloc.start()
    try:
        before = len(session.records)
        team.run(session, until=until)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    session.close_log()
    assert session.now >= until - 1e-6 and team.submitted > until / 10
    kinds = {r.kind for r in session.records}
    assert {"DrugGiven", "OrderAcknowledged", "ConcernAnswered", "Paused", "PhaseEntered"} <= kinds
    assert growth / (len(session.records) - before) < 1500  # a leak grows beyond what the records hold
    assert full() or growth < 20e6
    assert verify(read_log(tmp_path / "log.jsonl"), loaded) is None


def test_one_seed_gives_one_random_team(tmp_path: Path) -> None:
    """Two random teams with one seed issue the same commands, so their logs are byte-identical."""
    loaded = load_scenario(SCENARIO)
    for name in ("a", "b"):
        session = Session(loaded, 9, log=LogWriter.open(tmp_path / name / "log.jsonl"))
        RandomTeam(session, 9).run(session, until=300.0)
        session.close_log()
    assert (tmp_path / "a" / "log.jsonl").read_bytes() == (tmp_path / "b" / "log.jsonl").read_bytes()
