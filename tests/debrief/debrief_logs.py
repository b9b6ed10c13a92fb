"""Real logs for the debrief tests: bundled scenarios run headless with their reference and novice scripts (as
``crmsim run`` does, without touching the session store), and a debrief built from each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmsim.core.log import Log, LogWriter, read_log
from crmsim.debrief.build import debrief_log
from crmsim.debrief.model import Debrief
from crmsim.schema.load import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


@dataclass(frozen=True)
class Run:
    """One scripted run: its scenario, team script, seed, log file, parsed log and debrief."""

    loaded: LoadedScenario
    team: str
    seed: int
    path: Path
    log: Log
    debrief: Debrief


def run_script(scenario_id: str, team: str, seed: int, out: Path) -> Run:
    """Run a bundled scenario's script headless into ``out/log.jsonl`` and build its debrief."""
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.session import Session

    loaded = load_scenario(SCENARIOS / f"{scenario_id}.yaml")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "log.jsonl"
    session = Session(loaded, seed, log=LogWriter.open(path))
    ScriptRunner(loaded.scripts[team]).run(session)
    session.close_log()
    log = read_log(path)
    return Run(loaded, team, seed, path, log, debrief_log(log, loaded, "ants", str(path)))


def sample_at(log: Log, t: float) -> dict[str, object]:
    """The last VitalsSampled payload at or before ``t``, read straight from the log."""
    found: dict[str, object] = {}
    for r in log.records:
        if r.kind == "VitalsSampled" and r.t <= t + 1e-9:
            found = dict(r.data)
    return found
