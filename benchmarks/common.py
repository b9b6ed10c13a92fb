"""What every benchmark shares: a figure with its target, the machine it ran on, percentiles, the bundled scenarios.

A benchmark module exposes ``run(quick: bool) -> list[Figure]``; run as ``python -m benchmarks.NAME [--quick]`` it
prints its figures as one JSON line, which is how ``python -m benchmarks`` collects them (each in a fresh process,
so that imports, caches and memory of one benchmark never flatter another).
"""

from __future__ import annotations

import argparse
import json
import math
import operator
import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
#: The bundled scenarios, by id, in the order the figures list them.
SCENARIO_IDS = ("anaphylaxis-ga", "cico", "last", "malignant-hyperthermia", "postpartum-haemorrhage", "vf-arrest")
#: The scenario whose reference run logs the most records per simulated second (measured: see frames.busiest).
BUSIEST = "vf-arrest"

_OPS: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge, "<": operator.lt,
                                                   ">": operator.gt, "==": operator.eq}  # fmt: skip


@dataclass
class Figure:
    """One measured figure, its unit, its target (``op`` and ``bound``) and whether it meets it."""

    id: str
    title: str
    value: float
    unit: str
    op: str
    bound: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return math.isfinite(self.value) and _OPS[self.op](self.value, self.bound)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = round(self.value, 4) if math.isfinite(self.value) else None
        data["target"] = f"{self.op} {self.bound:g} {self.unit}"
        data["pass"] = self.passed
        return data


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def spread(values: Sequence[float]) -> dict[str, float]:
    """Minimum, quartiles, maximum and mean, rounded for the report."""
    if not values:
        return {}
    return {name: round(value, 3) for name, value in (
        ("min", min(values)), ("p25", percentile(values, 0.25)), ("p50", percentile(values, 0.5)),
        ("p75", percentile(values, 0.75)), ("max", max(values)), ("mean", sum(values) / len(values)))}  # fmt: skip


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or what platform says elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> list[float]:
    """The 1, 5 and 15-minute load averages (other work on the machine slows wall-clock figures)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import yaml

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    memory = ""
    try:
        total = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f"{int(total.split()[1]) // 1024} MiB"
    except (OSError, StopIteration):
        pass
    return {"nproc": cores, "cpu": cpu_model(), "memory": memory, "python": platform.python_version(),
            "platform": platform.platform(), "libyaml": bool(yaml.__with_libyaml__)}  # fmt: skip


def main(run: Callable[[bool], list[Figure]]) -> None:
    """Run one benchmark module from the command line; print its figures as one JSON line."""
    parser = argparse.ArgumentParser(description=sys.modules[run.__module__].__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a quick look")
    args = parser.parse_args()
    figures = run(args.quick)
    print(json.dumps([f.as_json() for f in figures]))
