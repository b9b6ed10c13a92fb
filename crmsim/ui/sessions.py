"""Where the game finds scenarios and keeps session logs, and how it starts or resumes a session.

Each played session writes ``SESSIONS/<start>-<scenario>/log.jsonl`` as it goes (a flush per record), so a crash
or a closed window loses nothing: a log without a ``SessionEnded`` record is offered for resuming.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from crmsim.core.log import LogError, LogWriter, read_log
from crmsim.core.replay import ReplayError, resume, scenario_for
from crmsim.core.session import Session
from crmsim.core.team import Participant
from crmsim.schema.catalogue import bundled_scenario_dir, find_scenario_files
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.problems import Problem, ProblemsError


def data_home() -> Path:
    """crmsim's data folder: ``CRMSIM_HOME`` if set, else the user data folder."""
    override = os.environ.get("CRMSIM_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("crmsim", appauthor=False))


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
    """A new session playing ``loaded`` with one participant per role, logging to a new folder."""
    now = datetime.now(timezone.utc)
    folder = sessions_dir / f"{now:%Y%m%d-%H%M%S}-{loaded.scenario.id}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = sessions_dir / f"{now:%Y%m%d-%H%M%S}-{loaded.scenario.id}-{suffix}"
    folder.mkdir(parents=True)
    participants = [Participant(f"p{i + 1}", role.id, names[i] if i < len(names) else "")
                    for i, role in enumerate(loaded.scenario.team.roles)]  # fmt: skip
    writer = LogWriter.open(folder / "log.jsonl")
    return Session(loaded, seed, participants, started_at=now.isoformat(timespec="seconds"), log=writer)


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


def resume_session(path: Path) -> Session:
    """Rebuild an unfinished session from its log; raises ``ReplayError``/``LogError`` with a one-line reason."""
    log = read_log(path)
    loaded = scenario_for(log)
    session, _ = resume(path, loaded)
    return session


__all__ = ["LogError", "ReplayError", "ScenarioEntry", "Unfinished", "data_home", "list_scenarios", "open_scenario",
           "resume_session", "scenario_folders", "start_session", "unfinished_sessions"]  # fmt: skip
