"""Chest compressions on the monitor: the view says when they run; the ECG shows their artefact and the pleth
their pulses while they do, and neither once they stop."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path

import numpy as np

from crmsim.core.headless import ScriptRunner
from crmsim.core.session import Session
from crmsim.core.view import SessionView
from crmsim.schema.load import load_scenario
from crmsim.ui.monitor import Monitor
from crmsim.ui.monitor.waves import COMPRESSION_RATE

ROOT = Path(__file__).resolve().parents[2]
ASYSTOLE = {"hr": 0.0, "sbp": 10.0, "dbp": 5.0, "map": 7.0, "spo2": 45.0, "rr": 0.0, "etco2": 15.0,
            "temp": 36.5, "rhythm": "asystole"}  # fmt: skip


def _view(t: float, compressions: bool) -> SessionView:
    return SessionView(t=round(t, 6), tick=round(t * 10), paused=False, speed=1, ended=False, outcome=None,
                       phase="p", phase_title="", vitals=ASYSTOLE, alarms=(), roles=(), orders=(),
                       open_concerns=(), failed_equipment=(), messages=(), compressions=compressions)  # fmt: skip


def _traces(compressions: bool, seconds: float = 12.0) -> tuple[np.ndarray, np.ndarray, float]:
    monitor = Monitor(seed=3)
    for i in range(round(seconds * 10) + 1):
        monitor.update(_view(i / 10, compressions))
    ecg, pleth = monitor.rings["ecg"], monitor.rings["pleth"]
    newest = round(8.0 * ecg.rate)  # the last 8 s, well after compressions began
    return ecg.newest(newest), pleth.newest(round(8.0 * pleth.rate)), ecg.rate


def _dominant_hz(samples: np.ndarray, rate: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples - samples.mean()))
    return float(np.fft.rfftfreq(len(samples), 1.0 / rate)[int(np.argmax(spectrum))])


def test_compressions_put_their_artefact_on_the_ecg_at_their_rate() -> None:
    """In asystole the ECG is nearly flat; with compressions it swings by more than half a millivolt at the
    compression rate (100–120 per minute), as on a real monitor during CPR."""
    flat, _, rate = _traces(False)
    busy, _, _ = _traces(True)
    assert np.ptp(flat) < 0.15
    assert np.ptp(busy) > 0.5
    assert abs(_dominant_hz(busy, rate) - COMPRESSION_RATE / 60.0) < 0.15


def test_compressions_make_small_pleth_pulses_without_a_pulse() -> None:
    """Without a pulse the pleth is flat; compressions make pulses smaller than a perfusing beat's."""
    _, flat, _ = _traces(False)
    _, busy, _ = _traces(True)
    assert not flat.any()
    assert 0.15 < busy.max() < 0.6


def test_the_view_says_while_someone_gives_compressions() -> None:
    """A session's view reports compressions exactly while a role is busy with a compression cycle (vf-arrest
    reference team: compressions start at 10 s and the first cycle lasts two minutes)."""
    loaded = load_scenario(ROOT / "scenarios" / "vf-arrest.yaml")
    session = Session(loaded, 1)
    feeder = ScriptRunner(loaded.scripts["reference"]).feeder()
    seen: dict[int, bool] = {}
    while session.tick < 150:  # 15 s
        feeder.feed(session)
        session.step()
        seen[session.tick] = session.view().compressions
    assert not seen[50]  # 5 s: nobody compressing yet
    assert seen[140]  # 14 s: the ward nurse is compressing
