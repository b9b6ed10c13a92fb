"""Finding the scenario a log was made with: the path in its header, else the bundled scenario of its id.

Replay and scoring both need it; this module imports neither the session nor the physiology, so the scoring
layer may use it.
"""

from __future__ import annotations

from pathlib import Path

from crmsim.core.log import Log
from crmsim.schema.catalogue import bundled_scenario_dir
from crmsim.schema.load import LoadedScenario, load_scenario


def scenario_for_log(log: Log, override: Path | None, error: type[Exception]) -> LoadedScenario:
    """The scenario a log was made with, checked against the sha256 in its header; raises ``error`` otherwise."""
    info = log.header.get("scenario", {})
    if not isinstance(info, dict):
        info = {}
    path = override or Path(str(info.get("path", "")))
    if override is None and not path.is_file():
        bundled = bundled_scenario_dir() / f"{info.get('id', '')}.yaml"
        path = bundled if bundled.is_file() else path
    if not path.is_file():
        raise error(f"{log.path}: the scenario file '{path}' is not there; pass --scenario PATH")
    loaded = load_scenario(path)
    if loaded.sha256 != info.get("sha256"):
        raise error(f"{log.path}: the scenario file '{path}' has changed since this log was written")
    return loaded
