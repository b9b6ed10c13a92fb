"""Finding the scenario a log was made with: the path in its header, else the bundled scenario of its id.

Replay and scoring both need it; this module imports neither the session nor the physiology, so the scoring
layer may use it.
"""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from crmsim.core.log import Log, LogError
from crmsim.core.records import Shape, first_payload_problem
from crmsim.schema.catalogue import bundled_scenario_dir
from crmsim.schema.load import LoadedScenario, load_scenario


def scenario_for_log(log: Log, override: Path | None, error: type[Exception],
                     cache: ScenarioCache | None = None) -> LoadedScenario:  # fmt: skip
    """The scenario a log was made with, checked against the sha256 in its header; raises ``error`` otherwise.

    With a ``cache``, a scenario file is loaded once however many logs name it (what rescoring a cohort needs).
    A record whose payload breaks the record-kind table (``crmsim.core.records``), or that is later than the
    scenario lets a session run, is refused here too with its line (``LogError``: the log is bad, not the scenario
    missing), so that no reader of a log from elsewhere trips over it.
    """
    fault = first_payload_problem(log.records, cache.checked_shapes if cache is not None else None)
    if fault is not None:
        raise LogError(f"{log.path}:{fault}")
    info = log.header.get("scenario", {})
    if not isinstance(info, dict):
        info = {}
    path = override or Path(str(info.get("path", "")))
    if override is None and not path.is_file():
        bundled = bundled_scenario_dir() / f"{info.get('id', '')}.yaml"
        path = bundled if bundled.is_file() else path
    if not path.is_file():
        raise error(f"{log.path}: the scenario file '{path}' is not there; pass --scenario PATH")
    loaded = cache.load(path) if cache is not None else load_scenario(path)
    if loaded.sha256 != info.get("sha256"):
        raise error(f"{log.path}: the scenario file '{path}' has changed since this log was written")
    fault = time_fault(log, loaded)
    if fault is not None:
        raise LogError(f"{log.path}:{fault}")
    return loaded


#: How far past its scenario's time limit a record may be (the last step ends on or just past the limit).
TIME_LIMIT_SLACK_S = 1.0


def time_fault(log: Log, loaded: LoadedScenario) -> str | None:
    """``LINE: problem`` for the first record later than a session of ``loaded`` can run, or None. A session ends
    at its scenario's time limit, so a later time is a damaged or made-up log (and would stretch every clock,
    chart and timestamp drawn from it)."""
    limit = loaded.scenario.duration_limit + TIME_LIMIT_SLACK_S
    records = log.records
    if not records or records[-1].t <= limit:
        return None
    record = records[bisect.bisect_right(records, limit, key=lambda r: r.t)]
    return (f"{record.seq + 2}: t {record.t:.6g} s is past the scenario's time limit of "
            f"{loaded.scenario.duration_limit:g} s, which a session cannot run beyond")


class ScenarioCache:
    """Scenarios already loaded, by file (its absolute path, size and modification time, so an edit is reloaded),
    and the record shapes already checked, for reading many logs."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, int, int], LoadedScenario] = {}
        self.checked_shapes: set[Shape] = set()
        """record shapes (kind, keys, value types) already found to match the record-kind table"""

    def load(self, path: Path) -> LoadedScenario:
        """``load_scenario(path)``, or what it gave last time for the same unchanged file."""
        info = path.stat()
        key = (os.path.abspath(path), info.st_size, info.st_mtime_ns)
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = load_scenario(path)
        return found
