"""Where scenario files are: the bundled ones, the user's folder, and files named on the command line."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

SCRIPT_SUFFIX = ".script.yaml"


def is_scenario_file(path: Path) -> bool:
    """A YAML file that is not a script kept beside a scenario."""
    return path.suffix in (".yaml", ".yml") and not path.name.endswith((SCRIPT_SUFFIX, ".script.yml"))


def find_scenario_files(paths: Iterable[Path]) -> list[Path]:
    """The scenario files named, and those found (recursively, sorted) in the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_scenario_file(p)))
        else:
            found.append(path)
    return found


def bundled_scenario_dir() -> Path:
    """The folder of scenarios shipped with crmsim (inside the wheel, or ``scenarios/`` in a checkout)."""
    packaged = Path(str(resources.files("crmsim"))) / "_bundled" / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"
