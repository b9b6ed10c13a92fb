"""``python -m benchmarks [--quick] [--only NAME,...]``: every figure of crmsim's speed, scale and memory targets.

Runs each benchmark module in a fresh process (headless, batch, frames, scoring, startup, soak), prints one JSON
summary — the machine, then every figure with its target and whether it passes — and writes it to
``benchmarks/results/latest.json``. Exit status 0 when every figure meets its target, 1 otherwise. crmsim's
modules are byte-compiled first, as ``pip install`` does, so that a source file edited since the last run does not
charge its compilation to the first figure that imports it.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import ROOT, load_average, machine

MODULES = ("headless", "scoring", "startup", "batch", "frames", "soak")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about two minutes in all)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(MODULES)}")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    args = parser.parse_args()
    asked = [name for name in args.only.split(",") if name]
    unknown = [name for name in asked if name not in MODULES]
    if unknown:  # before anything runs: a typo must not overwrite the results file with an empty run
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(MODULES)}")
    chosen = [m for m in MODULES if not asked or m in asked]
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}  # fmt: skip
    summary: dict = {"command": " ".join(["python -m benchmarks", *sys.argv[1:]]), "quick": args.quick,
                     "machine": machine(), "load_average_start": load_average(), "figures": [], "errors": {}}
    compileall.compile_dir(ROOT / "crmsim", quiet=1)
    start = time.perf_counter()
    for name in chosen:
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *(["--quick"] if args.quick else [])],
                              cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            summary["errors"][name] = (done.stderr.strip().splitlines() or ["no output"])[-1]
        else:
            summary["figures"].extend(json.loads(lines[-1]))
        print(f"{name}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    summary["load_average_end"] = load_average()
    summary["wall_s"] = round(time.perf_counter() - start, 1)
    summary["passed"] = sum(f["pass"] for f in summary["figures"])
    summary["failed"] = [f["id"] for f in summary["figures"] if not f["pass"]]
    text = json.dumps(summary, indent=2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if not summary["failed"] and not summary["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
