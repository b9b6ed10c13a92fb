"""Crash safety: a headless run killed with SIGKILL at a random moment loses at most the record being written, and
``crmsim run --resume`` finishes it byte-identical to a run that was never interrupted.

Each kill starts ``crmsim run`` as a separate process and kills it when its log file has grown to a random size
(polling the file's size, so the moment is set by the run's progress, not by the wall clock). CI kills 5 runs;
``CRMSIM_HARDENING_RUNS=50`` (or ``CRMSIM_HARDENING=full``) kills 50.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hardening_support import ROOT, SCENARIOS, sized

from crmsim.core.log import read_log

SCENARIO = SCENARIOS / "anaphylaxis-ga.yaml"
TEAM = "novice"
SEED = "11"


def kills() -> int:
    return int(os.environ.get("CRMSIM_HARDENING_RUNS") or sized(5, 50))


def run_args(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crmsim", "run", str(SCENARIO), "--team", TEAM, "--seed", SEED, "--out", str(out),
            *extra]  # fmt: skip


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("whole")
    subprocess.run(run_args(out), check=True, capture_output=True, env=environment())
    return (out / "log.jsonl").read_bytes()


def run_and_kill(out: Path, at_size: int) -> bool:
    """Start a run and SIGKILL it once its log holds ``at_size`` bytes; False if it finished first."""
    log = out / "log.jsonl"
    process = subprocess.Popen(run_args(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment())
    try:
        while process.poll() is None:
            try:
                if log.stat().st_size >= at_size:
                    process.send_signal(signal.SIGKILL)
                    break
            except FileNotFoundError:
                pass
    finally:
        killed = process.wait() == -signal.SIGKILL
    return killed


def test_killed_runs_keep_their_log_and_resume_to_the_same_bytes(uninterrupted: bytes, tmp_path: Path) -> None:
    """SIGKILL at a random point: the log still reads (a torn last line is dropped), every complete line is the
    uninterrupted run's own, and `crmsim run --resume` ends with exactly the uninterrupted run's bytes."""
    chooser = random.Random(20240611)
    header_end = uninterrupted.index(b"\n") + 1
    killed = 0
    for attempt in range(kills()):
        out = tmp_path / f"kill-{attempt}"
        at_size = chooser.randrange(header_end, len(uninterrupted) - 1)
        if not run_and_kill(out, at_size):
            continue  # it finished before the kill landed: nothing to check about a crash
        killed += 1
        on_disk = (out / "log.jsonl").read_bytes()
        assert uninterrupted.startswith(on_disk), f"kill {attempt}: the file is not a prefix of the real run's"
        complete = on_disk[: on_disk.rfind(b"\n") + 1]
        tail = on_disk[len(complete):]  # the record being written, if the kill cut it
        log = read_log(out / "log.jsonl")
        whole_lines = complete.count(b"\n") - 1
        assert len(log.records) == whole_lines + (1 if tail and not log.torn else 0)
        assert log.torn == (bool(tail) and len(log.records) == whole_lines)
        resumed = subprocess.run(run_args(out, "--resume"), capture_output=True, text=True, env=environment())
        assert resumed.returncode == 0, resumed.stderr
        assert (out / "log.jsonl").read_bytes() == uninterrupted, f"kill {attempt} at {at_size} bytes"
    assert killed >= kills() // 2, f"only {killed} of {kills()} runs were killed before they finished"
