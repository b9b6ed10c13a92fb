"""Where the game finds scenarios and keeps session logs, and how it starts or resumes a session.

Each played session writes ``SESSIONS/<start>-<scenario>/log.jsonl`` as it goes (a flush per record), so a crash
or a closed window loses nothing: a log without a ``SessionEnded`` record is offered for resuming. The session is
also recorded in the session store of the data folder (``SESSIONS/..``) when it starts, so a crashed one is listed,
and again when its log is closed (with its ratings once it has ended). The team's names go to the store only; the
log carries pseudonymous ids (``p1``, ``p2``, …).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO, cast

from crmsim.core.log import LogError, LogWriter, read_log
from crmsim.core.replay import ReplayError, resume, scenario_for
from crmsim.core.session import Session
from crmsim.core.team import Participant
from crmsim.schema.catalogue import bundled_scenario_dir, find_scenario_files
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.problems import Problem, ProblemsError
from crmsim.store import StoreError, open_store
from crmsim.store.home import data_home
from crmsim.store.record import record_log


def record_session(home: Path, log_path: Path, names: Mapping[str, str] | None = None) -> str | None:
    """Record the log at ``log_path`` in the store in ``home``; its id, or ``None`` if the store failed.

    A store that cannot be written never stops the game: the log stays on disk and ``crmsim import`` adds it later.
    """
    try:
        text = log_path.read_text(encoding="utf-8")
        with open_store(home) as store:
            return record_log(store, text, names=names, source="play")
    except (StoreError, OSError, UnicodeDecodeError):
        return None


class RecordingLogWriter(LogWriter):
    """A log file writer that records its session in the store when it is closed."""

    def __init__(self, stream: TextIO, *, fsync: bool = True) -> None:
        super().__init__(stream, fsync=fsync)
        self.store_home: Path | None = None
        self.names: dict[str, str] = {}

    @classmethod
    def create(cls, path: Path, *, resume: bool = False) -> RecordingLogWriter:
        """``LogWriter.open`` for this class: a new log file, or with ``resume`` an existing one continued."""
        return cast(RecordingLogWriter, cls.open(path, resume=resume))

    def close(self) -> None:
        home, self.store_home = self.store_home, None
        super().close()
        if home is not None and self.path is not None:
            record_session(home, Path(self.path), self.names)


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario file on the picker: loaded, or with the problems that stop it loading."""

    path: Path
    loaded: LoadedScenario | None
    problems: tuple[Problem, ...] = ()

    @property
    def title(self) -> str:
        return self.loaded.scenario.title if self.loaded else self.path.name


def scenario_folders(home: Path) -> list[Path]:
    """The bundled scenarios and the user's own folder (``HOME/scenarios``)."""
    return [bundled_scenario_dir(), home / "scenarios"]


def list_scenarios(folders: Sequence[Path]) -> list[ScenarioEntry]:
    """Every scenario file in ``folders`` that exist, loaded or with its problems."""
    entries = []
    for path in find_scenario_files([f for f in folders if f.is_dir()]):
        entries.append(open_scenario(path))
    return entries


def open_scenario(path: Path) -> ScenarioEntry:
    """Load one scenario file, keeping its problems instead of raising."""
    try:
        return ScenarioEntry(path, load_scenario(path))
    except ProblemsError as exc:
        return ScenarioEntry(path, None, tuple(exc.problems))
    except OSError as exc:
        return ScenarioEntry(path, None, (Problem(str(path), 0, 0, f"cannot read the file: {exc.strerror}"),))


def start_session(loaded: LoadedScenario, names: Sequence[str], sessions_dir: Path, seed: int) -> Session:
    """A new session playing ``loaded`` with one participant per role, logging to a new folder.

    The names are kept in the store of ``sessions_dir``'s parent (the data folder), never in the log.
    """
    now = datetime.now(timezone.utc)
    folder = sessions_dir / f"{now:%Y%m%d-%H%M%S}-{loaded.scenario.id}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = sessions_dir / f"{now:%Y%m%d-%H%M%S}-{loaded.scenario.id}-{suffix}"
    folder.mkdir(parents=True)
    participants = [Participant(f"p{i + 1}", role.id) for i, role in enumerate(loaded.scenario.team.roles)]
    named = {p.id: names[i].strip() for i, p in enumerate(participants) if i < len(names) and names[i].strip()}
    writer = RecordingLogWriter.create(folder / "log.jsonl")
    session = Session(loaded, seed, participants, started_at=now.isoformat(timespec="seconds"), log=writer)
    writer.sync()
    writer.store_home, writer.names = sessions_dir.parent, named
    record_session(sessions_dir.parent, folder / "log.jsonl", named)
    return session


@dataclass(frozen=True)
class Unfinished:
    """A session log that stopped before its end."""

    path: Path
    scenario_title: str
    t: float


def unfinished_sessions(sessions_dir: Path) -> list[Unfinished]:
    """Logs in ``sessions_dir`` without a ``SessionEnded`` record, newest first."""
    found = []
    for path in sorted(sessions_dir.glob("*/log.jsonl"), reverse=True):
        try:
            log = read_log(path)
        except LogError:
            continue
        if log.records and log.records[-1].kind != "SessionEnded":
            title = str(log.header.get("scenario", {}).get("id", "?"))
            found.append(Unfinished(path, title, log.records[-1].t))
    return found


def resume_session(path: Path, home: Path | None = None) -> Session:
    """Rebuild an unfinished session from its log; raises ``ReplayError``/``LogError`` with a one-line reason.

    The session is recorded again in the store of ``home`` (default: the data folder holding ``path``'s sessions
    folder, ``path.parents[2]``) now and when its log is closed.
    """
    log = read_log(path)
    loaded = scenario_for(log)
    session, _ = resume(path, loaded)
    session.close_log()
    writer = RecordingLogWriter.create(path, resume=True)
    session.attach_log(writer, skip=len(session.records))
    writer.store_home = home if home is not None else path.parents[2]
    record_session(writer.store_home, path)
    return session


__all__ = ["LogError", "RecordingLogWriter", "ReplayError", "ScenarioEntry", "Unfinished", "data_home", "list_scenarios",
           "open_scenario", "record_session", "resume_session", "scenario_folders", "start_session",
           "unfinished_sessions"]  # fmt: skip
