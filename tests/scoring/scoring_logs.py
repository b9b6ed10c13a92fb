"""Logs for the scoring tests: hand-built ones (a few records, no simulation) and scripted runs of the bundled
scenarios; plus log variants for the property tests (an action's records shifted later, a read-back dropped)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crmsim.core.log import FORMAT, FORMAT_VERSION, Log, LogWriter, Record, read_log
from crmsim.core.matching import ACTION_KINDS
from crmsim.schema.catalogue import bundled_scenario_dir, find_scenario_files
from crmsim.schema.load import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
ANAPHYLAXIS = ROOT / "scenarios" / "anaphylaxis-ga.yaml"
TEAM = (("p1", "anaesthetist"), ("p2", "odp"), ("p3", "theatre_nurse"), ("p4", "second_anaesthetist"))

Step = tuple[float, str, str, Mapping[str, Any]]


def make_log(*steps: Step, end: float | None = None, participants: Iterable[tuple[str, str]] = TEAM,
             insult_at: float | None = 0.0) -> Log:  # fmt: skip
    """A log of the given (t, kind, source, data) steps, with a start, an insult at ``insult_at`` and an end."""
    items: list[Step] = [(0.0, "SessionStarted", "system", {"scenario": "test", "seed": 1})]
    if insult_at is not None:
        items.append((insult_at, "InsultStarted", "scenario", {"insult": "test", "severity": 1.0, "ramp": 0.0}))
    items += list(steps)
    last = max(t for t, *_ in items)
    items.append((end if end is not None else last + 1.0, "SessionEnded", "system",
                  {"outcome": "resolved", "summary": None, "phase": "end"}))  # fmt: skip
    items.sort(key=lambda s: s[0])
    records = tuple(Record(i, int(round(t * 10)), t, kind, source, dict(data))
                    for i, (t, kind, source, data) in enumerate(items))  # fmt: skip
    header = {"format": FORMAT, "format_version": FORMAT_VERSION,
              "participants": [{"id": p, "name": "", "role": r} for p, r in participants],
              "scenario": {"id": "test", "path": str(ANAPHYLAXIS), "sha256": "", "version": "1"}}  # fmt: skip
    return Log(header, records, False, "<test>")


def order(t: float, oid: str, by: str, role: str, action: str, to: str | None, **extra: Any) -> Step:
    return (t, "OrderGiven", by, {"order": oid, "role": role, "to": to, "action": action, "directed": to is not None,
                                  **extra})  # fmt: skip


def ack(t: float, oid: str, by: str, role: str, action: str, read_back: bool = True) -> Step:
    return (t, "OrderAcknowledged", by, {"order": oid, "role": role, "read_back": read_back, "action": action})


def done(t: float, oid: str, by: str, role: str, action: str) -> Step:
    return (t, "OrderDone", by, {"order": oid, "action": action, "role": role})


def drug(t: float, by: str, role: str, action: str, dose: float, **extra: Any) -> Step:
    return (t, "DrugGiven", by, {"action": action, "role": role, "route": "iv", "dose": dose,
                                 "dose_text": f"{dose} mcg", "unit": "mcg", **extra})  # fmt: skip


def performed(t: float, by: str, role: str, action: str, kind: str = "procedure", succeeded: bool = True) -> Step:
    return (t, "InterventionPerformed", by, {"action": action, "role": role, "kind": kind, "succeeded": succeeded,
                                             "ongoing": False})  # fmt: skip


def said(t: float, kind: str, by: str, role: str, **data: Any) -> Step:
    return (t, kind, by, {"role": role, **data})


@dataclass(frozen=True)
class Run:
    """A scripted run of a bundled scenario."""

    scenario: LoadedScenario
    team: str
    path: Path
    log: Log


def bundled_scenarios() -> list[Path]:
    """Every bundled scenario file (the ones being written land here too)."""
    return find_scenario_files([bundled_scenario_dir()])


def run_script(scenario_path: Path, team: str, out: Path) -> Run:
    """Run a scenario's script headless into ``out/log.jsonl``, as `crmsim run` does."""
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.session import Session

    loaded = load_scenario(scenario_path)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "log.jsonl"
    session = Session(loaded, 1, log=LogWriter.open(path))
    ScriptRunner(loaded.scripts[team]).run(session)
    session.close_log()
    return Run(loaded, team, path, read_log(path))


def renumbered(log: Log, records: Iterable[Record]) -> Log:
    """A log with these records sorted by time (stable) and their seqs and ticks made consecutive again."""
    ordered = sorted(records, key=lambda r: (r.t, r.seq))
    fixed = tuple(Record(i, int(round(r.t * 10)), r.t, r.kind, r.source, r.data) for i, r in enumerate(ordered))
    return Log(log.header, fixed, False, log.path)


def action_records(log: Log, first: Record) -> list[Record]:
    """The records of one action: its DrugGiven/InterventionPerformed/InfusionStarted, the ActionStarted before it
    (same action and role) and the OrderDone of its order."""
    started = [r for r in log.records if r.kind == "ActionStarted" and r.seq < first.seq
               and r.data.get("action") == first.data.get("action") and r.data.get("role") == first.data.get("role")]  # fmt: skip
    found = [first] + started[-1:]
    oid = first.data.get("order")
    if oid:
        found += [r for r in log.records if r.kind == "OrderDone" and r.data.get("order") == oid]
    return found


def delayed(log: Log, first: Record, by: float) -> Log | None:
    """The log with one action's records moved ``by`` seconds later; None if that would pass the end."""
    moving = {r.seq for r in action_records(log, first)}
    end = log.records[-1].t
    if any(r.t + by >= end for r in log.records if r.seq in moving):
        return None
    moved = (replace(r, t=r.t + by) if r.seq in moving else r for r in log.records)
    return renumbered(log, moved)


def without_read_back(log: Log, seq: int, drop: bool) -> Log:
    """The log with one OrderAcknowledged dropped (``drop``) or its read-back set to false."""
    changed = []
    for r in log.records:
        if r.seq != seq:
            changed.append(r)
        elif not drop:
            changed.append(replace(r, data={**r.data, "read_back": False}))
    return renumbered(log, changed)


def is_action(record: Record) -> bool:
    return record.kind in ACTION_KINDS
