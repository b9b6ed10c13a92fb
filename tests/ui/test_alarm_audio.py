"""Alarm sounds in the style of IEC 60601-1-8, the variable-pitch pulse beep, and audio paused / audio off."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_VIDEO_DRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import numpy as np
import pygame
import pytest

from crmsim.core.view import AlarmView, SessionView
from crmsim.ui.monitor import AlarmSound, Monitor, tones

RATE = 44100
HIGH = AlarmView("spo2_critical", "spo2", 80.0, "high")
MEDIUM = AlarmView("hr_high", "hr", 125.0, "medium")
VITALS = {"hr": 60.0, "sbp": 120.0, "dbp": 70.0, "map": 87.0, "spo2": 97.0, "rr": 12.0, "etco2": 38.0,
          "temp": 36.8, "rhythm": "sinus"}  # fmt: skip


def view(t: float, alarms: tuple[AlarmView, ...] = (), **vitals: Any) -> SessionView:
    """A session view at sim time ``t`` with ``alarms`` and sinus vitals, overridden by ``vitals``."""
    return SessionView(t=round(t, 6), tick=round(t * 10), paused=False, speed=1, ended=False, outcome=None,
                       phase="p", phase_title="", vitals={**VITALS, **vitals}, alarms=alarms, roles=(), orders=(),
                       open_concerns=(), failed_equipment=(), messages=())  # fmt: skip


@pytest.fixture(scope="module")
def mixer() -> bool:
    """Whether a (dummy) mixer could start; tests that need real playback check it."""
    try:
        if not pygame.mixer.get_init():
            pygame.mixer.init(frequency=RATE, size=-16, channels=1)
    except pygame.error:
        return False
    return True


def pulse_onsets(samples: np.ndarray) -> np.ndarray:
    """Start times (s) of the tone pulses in ``samples``: where the 2 ms envelope rises above a tenth of its peak."""
    window = RATE // 500
    frames = np.abs(samples[: len(samples) // window * window]).reshape(-1, window).max(axis=1)
    on = frames > 0.1 * frames.max()
    return np.nonzero(on[1:] & ~on[:-1])[0] / 500.0 + 1 / 500.0


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency in ``samples`` (zero-padded FFT)."""
    spectrum = np.abs(np.fft.rfft(samples, n=1 << 18))
    return float(np.argmax(spectrum) * RATE / (1 << 18))


def test_high_priority_burst_has_ten_pulses_in_3_plus_2_halves() -> None:
    """A high-priority burst is 10 pulses: 3 + 2 (one pulse slot skipped), a pause, then 3 + 2 again."""
    onsets = pulse_onsets(tones.burst("high", "cardiovascular", RATE))
    assert len(onsets) == 10
    gaps = np.diff(onsets)
    step = gaps[0]
    assert gaps[:4] == pytest.approx([step, step, 2 * step, step], abs=0.005)
    assert gaps[5:] == pytest.approx([step, step, 2 * step, step], abs=0.005)
    assert 0.35 <= gaps[4] - step <= 1.3 + 0.2  # the halves 0.35-1.3 s apart


def test_medium_priority_burst_has_three_pulses() -> None:
    """A medium-priority burst is 3 pulses."""
    assert len(pulse_onsets(tones.burst("medium", "oxygen", RATE))) == 3


def test_burst_timing_and_spectrum_within_iec_60601_1_8_ranges() -> None:
    """Pulse length, spacing and repeat fall in the standard's ranges; pulses are 150-1000 Hz with ≥4 harmonics
    in 300-4000 Hz within 15 dB of the fundamental."""
    high, medium = tones.TIMINGS["high"], tones.TIMINGS["medium"]
    assert 0.075 <= high.pulse <= 0.2 and 0.05 <= high.spacing <= 0.125 and 2.5 <= high.interburst <= 15
    assert 0.35 <= high.half_gap <= 1.3
    assert 0.125 <= medium.pulse <= 0.25 and 0.125 <= medium.spacing <= 0.25 and 2.5 <= medium.interburst <= 30
    for note, freq in tones.NOTES.items():
        assert 150 <= freq <= 1000, note
        spectrum = np.abs(np.fft.rfft(tones.tone(freq, 0.2, RATE), n=1 << 18))
        level = lambda f: spectrum[round(f * (1 << 18) / RATE)]  # noqa: E731
        harmonics = [k * freq for k in range(2, 16) if 300 <= k * freq <= 4000]
        strong = [f for f in harmonics if 20 * np.log10(level(f) / level(freq)) >= -15]
        assert len(strong) >= 4, note
    assert tones.burst_notes("high", "ventilation")[:5] == ["c", "a", "f", "a", "f"]


def test_pulse_tone_pitch_falls_with_saturation() -> None:
    """The pulse beep is lower at SpO2 85 than at 99, at the pitch the scale gives (a semitone per %)."""
    at_99, at_85 = dominant_hz(tones.pulse_tone(99, RATE)), dominant_hz(tones.pulse_tone(85, RATE))
    assert at_85 < at_99
    assert at_99 == pytest.approx(tones.pulse_pitch(99), rel=0.01)
    assert at_85 == pytest.approx(tones.pulse_pitch(85), rel=0.01)
    assert tones.pulse_pitch(100) == pytest.approx(880.0)
    assert tones.pulse_pitch(99) / tones.pulse_pitch(100) == pytest.approx(2 ** (-1 / 12))


def test_pcm_matches_the_mixer_format() -> None:
    """Samples become the mixer's format: signed 16-bit mono, or one column per channel."""
    pcm = tones.to_pcm(np.array([0.0, 1.0, -1.0, 2.0]), -16, 1)
    assert pcm.dtype == np.int16 and pcm.tolist() == [0, 32767, -32767, 32767]
    assert tones.to_pcm(np.zeros(5), -16, 2).shape == (5, 2)


def test_most_urgent_alarm_sounds_and_loops(mixer: bool) -> None:
    """With high and medium alarms the high-priority burst plays (in the category of its vital), looping."""
    sound = AlarmSound(mixer)
    sound.update((MEDIUM, HIGH), 97.0, pulse_due=False, silenced=False, muted=False)
    assert sound.playing == ("high", "oxygen")
    if sound.audible:
        assert sound.busy
    sound.update((MEDIUM,), 97.0, pulse_due=False, silenced=False, muted=False)
    assert sound.playing == ("medium", "cardiovascular")
    sound.update((), 97.0, pulse_due=False, silenced=False, muted=False)
    assert sound.playing is None and not sound.busy


def test_silence_stops_alarms_but_not_the_pulse_and_mute_stops_both(mixer: bool) -> None:
    """Audio paused stops the alarm burst and keeps the pulse beep; audio off stops both."""
    sound = AlarmSound(mixer)
    sound.update((HIGH,), 97.0, pulse_due=True, silenced=True, muted=False)
    assert sound.playing is None and not sound.busy and sound.beeps == 1
    sound.update((HIGH,), 97.0, pulse_due=False, silenced=False, muted=False)
    assert sound.playing is not None
    sound.update((HIGH,), 97.0, pulse_due=True, silenced=False, muted=True)
    assert sound.playing is None and not sound.busy and sound.beeps == 1


def test_runs_silently_without_a_mixer() -> None:
    """Without a mixer the sound keeps its state and plays nothing (headless runs, machines without sound)."""
    sound = AlarmSound(False)
    sound.update((HIGH,), 90.0, pulse_due=True, silenced=False, muted=False)
    assert not sound.audible and sound.playing == ("high", "oxygen") and not sound.busy
    assert sound.last_beep_hz == pytest.approx(tones.pulse_pitch(90))


def test_monitor_beeps_per_pulse_and_its_silence_and_mute_stop_the_alarm(mixer: bool) -> None:
    """The monitor beeps once per pulse at the SpO2's pitch; silence ends the alarm sound, a new alarm brings it
    back, mute stops everything; no pulse (VF) means no beep."""
    sound = AlarmSound(mixer)
    monitor = Monitor(sound=sound)
    for i in range(101):  # 10 s at HR 60
        monitor.update(view(i / 10, (MEDIUM,), spo2=93.0))
    assert 9 <= sound.beeps <= 11 and sound.last_beep_hz == pytest.approx(tones.pulse_pitch(93))
    assert sound.playing == ("medium", "cardiovascular")
    monitor.silence()
    monitor.update(view(10.1, (MEDIUM,)))
    assert sound.playing is None
    monitor.update(view(10.2, (MEDIUM, HIGH)))
    assert sound.playing == ("high", "oxygen")
    monitor.toggle_mute()
    beeps = sound.beeps
    for i in range(103, 200):
        monitor.update(view(i / 10, (MEDIUM, HIGH)))
    assert sound.playing is None and sound.beeps == beeps
    monitor.toggle_mute()
    for i in range(200, 300):
        monitor.update(view(i / 10, (HIGH,), rhythm="vf", hr=0.0, map=8.0))
    assert sound.beeps == beeps and sound.playing == ("high", "oxygen")


def test_a_scene_can_keep_the_sound_and_have_it_follow_the_monitor(mixer: bool) -> None:
    """``AlarmSound.follow(monitor)`` after each ``Monitor.update`` sounds what the monitor shows."""
    sound, monitor = AlarmSound(mixer), Monitor()
    for i in range(31):
        monitor.update(view(i / 10, (HIGH,)))
        sound.follow(monitor)
    assert sound.playing == ("high", "oxygen") and sound.beeps >= 2
    monitor.silence()
    monitor.update(view(3.1, (HIGH,)))
    sound.follow(monitor)
    assert sound.playing is None
