"""Start-up to the first frame, and what is imported on the way.

``crmsim play --headless --screenshots DIR`` is started as a fresh process (as a user types it, 1280x720, with a
temporary ``CRMSIM_HOME``); the clock runs from just before the process is launched until the first screenshot —
the title screen, with the bundled scenarios loaded for its picker — is on disk (the PNG's encoding included), after
which the process is stopped. Best of three (one with ``--quick``). A second run under ``python -X importtime``
lists every module imported up to the end of that run: none of the heavy ones (matplotlib, jinja2, scipy, pandas,
PIL, IPython) may be among them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Figure, main

TARGET_S = 1.5
HEAVY = ("matplotlib", "jinja2", "scipy", "pandas", "PIL", "IPython")


def _command(shots: Path) -> list[str]:
    return [sys.executable, "-m", "crmsim", "play", "--headless", "--screenshots", str(shots)]


def first_frame_s(folder: Path) -> float:
    """Seconds from launching ``crmsim play --headless`` to its first screenshot on disk."""
    shots = folder / "shots"
    env = {**os.environ, "CRMSIM_HOME": str(folder / "home"), "SDL_AUDIODRIVER": "dummy"}
    start = time.perf_counter()
    process = subprocess.Popen(_command(shots), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not any(shots.glob("01-*.png")):
            if process.poll() is not None:
                raise RuntimeError(f"crmsim play exited with {process.returncode} before its first frame")
            time.sleep(0.002)  # polling a file, not timing anything by sleeping
        elapsed = time.perf_counter() - start
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()
    return elapsed


def imports(folder: Path) -> tuple[list[str], float, list[tuple[str, float]]]:
    """Modules imported by a whole headless screenshot run: (top-level names, total import seconds, slowest five)."""
    env = {**os.environ, "CRMSIM_HOME": str(folder / "home2"), "SDL_AUDIODRIVER": "dummy"}
    done = subprocess.run([sys.executable, "-X", "importtime", *_command(folder / "shots2")[1:]], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
            rows.append((name.strip(), int(cumulative) / 1e6))
    top = sorted({name.split(".")[0] for name, _ in rows})
    roots = [(name, seconds) for name, seconds in rows if "." not in name]
    return top, sum(s for _, s in roots), sorted(roots, key=lambda r: -r[1])[:5]


def run(quick: bool) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        times = [first_frame_s(Path(folder) / f"run{i}") for i in range(1 if quick else 3)]
        modules, import_s, slowest = imports(Path(folder))
    heavy = [m for m in HEAVY if m in modules]
    return [
        Figure("startup_first_frame_s", "start-up to the first frame: `crmsim play --headless --screenshots` to the "
               "title screen's PNG", min(times), "s", "<=", TARGET_S, {"runs_s": [round(t, 3) for t in times]}),
        Figure("startup_heavy_imports", f"heavy modules imported on the way ({', '.join(HEAVY)})", len(heavy),
               "modules", "==", 0, {"found": heavy, "import_s": round(import_s, 3),
                                    "slowest_imports_s": [[n, round(s, 3)] for n, s in slowest],
                                    "top_level_modules": len(modules)}),
    ]  # fmt: skip


if __name__ == "__main__":
    main(run)
