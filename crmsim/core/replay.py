"""Re-run a session from its log: verify a log byte for byte, restore the state at a time, resume after a crash.

A log's header names the scenario (with its sha256), the seed, the tick and the participants; its
``CommandIssued`` records are the whole input. Feeding them back at their ticks reproduces every record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crmsim.core.log import Log, LogWriter, Record, read_log
from crmsim.core.session import Issued, Session
from crmsim.core.team import Participant
from crmsim.core.provenance import scenario_for_log
from crmsim.schema.load import LoadedScenario


class ReplayError(Exception):
    """The log cannot be re-run: its scenario is missing or changed, or the re-run differs."""


def scenario_for(log: Log, override: Path | None = None) -> LoadedScenario:
    """The scenario a log was made with, checked against its sha256."""
    return scenario_for_log(log, override, ReplayError)


def session_for(log: Log, loaded: LoadedScenario) -> Session:
    """A fresh session with the log's seed, tick, participants and start time."""
    h = log.header
    if "seed" not in h:
        raise ReplayError(f"{log.path}:1: the header has no seed, so the session cannot be re-run")
    participants = [Participant(p["id"], p["role"], p.get("name", "")) for p in h.get("participants", [])]
    try:
        return Session(loaded, int(h["seed"]), participants, started_at=str(h.get("started_at", "")),
                       tick_s=float(h.get("tick_s", 0.1)))  # fmt: skip
    except ValueError as exc:  # e.g. a participant whose role the scenario does not have
        raise ReplayError(f"{log.path}:1: the header does not fit its scenario: {exc}") from None


def _batches(records: tuple[Record, ...]) -> Iterator[tuple[int, int, list[Issued]]]:
    """Commands grouped as the steps that applied them, by tick and split after each pause: (tick, the log line of
    the batch's first command, the commands)."""
    batch: list[Issued] = []
    tick, line = None, 0
    for i, record in enumerate(records):
        if record.kind != "CommandIssued":
            continue
        if tick is not None and record.tick != tick and batch:
            yield tick, line, batch
            batch = []
        tick = record.tick
        if not batch:
            line = record.seq + 2
        try:
            issued = Issued.from_data(dict(record.data))
        except (ValueError, KeyError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            raise ReplayError(f"line {record.seq + 2}: a command that cannot be re-run: "
                              f"{' '.join(str(exc).split())[:200]}") from None
        batch.append(issued)
        if issued.command.do == "pause" and i + 1 < len(records) and records[i + 1].kind == "Paused":
            yield tick, line, batch  # a pause that took effect: what follows was applied by the next step
            batch = []
    if batch and tick is not None:
        yield tick, line, batch


def drive(session: Session, log: Log, until: Callable[[Session], bool]) -> None:
    """Step the session, feeding the log's commands at their ticks, until ``until`` says stop or it ends."""
    pending = list(_batches(log.records))
    while not session.ended and not until(session):
        upcoming = session.tick if session.paused else session.tick + 1
        if pending and pending[0][0] == upcoming:
            for issued in pending.pop(0)[2]:
                session.submit(issued)
        elif session.paused and not pending:
            break
        elif session.paused:  # time stands still while paused: a command logged at another tick cannot come
            tick, line, _ = pending[0]
            raise ReplayError(f"line {line}: a command at tick {tick} while the session was paused at tick "
                              f"{session.tick}; a session cannot have logged that")  # fmt: skip
        session.step()


@dataclass(frozen=True)
class Difference:
    """Where a re-run first differs from the log."""

    line: int
    expected: str
    got: str


def verify(log: Log, loaded: LoadedScenario) -> Difference | None:
    """Re-simulate the log; None when every record is identical, else the first difference."""
    session = session_for(log, loaded)
    count = len(log.records)
    drive(session, log, lambda s: len(s.records) >= count and s.tick >= (log.records[-1].tick if count else 0))
    for i, (a, b) in enumerate(zip(log.records, session.records, strict=False)):
        if a.to_json() != b.to_json():
            return Difference(i + 2, a.to_json(), b.to_json())
    if len(session.records) < count:
        return Difference(len(session.records) + 2, log.records[len(session.records)].to_json(), "(nothing)")
    if session.ended and len(session.records) > count and not log.torn:
        return Difference(count + 2, "(end of log)", session.records[count].to_json())
    return None


def state_at(log: Log, loaded: LoadedScenario, t: float) -> Session:
    """The session as it stood at sim time ``t``."""
    session = session_for(log, loaded)
    drive(session, log, lambda s: s.now >= t - 1e-9)
    return session


def resume(path: Path, loaded: LoadedScenario | None = None) -> tuple[Session, int]:
    """Rebuild a crashed session from its log file and reattach the file; returns it and how many commands it had.

    The logged commands are re-run through the last tick in the file, so the state is exactly what it was; that
    tick may have been cut short (or its last line torn), so the re-run's records must start with the file's, and
    whatever the crash kept from being written is written now. Nothing the file holds is dropped.
    """
    log = read_log(path)
    loaded = loaded or scenario_for(log)
    records = log.records
    session = session_for(log, loaded)
    target = records[-1].tick if records else 0
    drive(session, log, lambda s: s.tick >= target)
    for i, a in enumerate(records):
        b = session.records[i] if i < len(session.records) else None
        if b is None or a.to_json() != b.to_json():
            raise ReplayError(f"{path}:{i + 2}: the log does not match a re-run of its commands; it cannot be resumed")
    writer = LogWriter.open(path, resume=True)
    session.attach_log(writer, skip=len(records))
    commands = sum(1 for r in records if r.kind == "CommandIssued")
    return session, commands
