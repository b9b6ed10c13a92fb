"""The patient monitor: traces sweep with sim time, read right per rhythm, numerics and alarms show, NIBP cycles."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_VIDEO_DRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from collections.abc import Iterator
from typing import Any

import numpy as np
import pygame
import pytest

from crmsim.core.view import AlarmView, SessionView
from crmsim.ui.assets import Fonts
from crmsim.ui.monitor import Monitor, MonitorTheme
from crmsim.ui.monitor.alerts import alarm_line, banner_alarms
from crmsim.ui.monitor.nibp import MEASURE_S, NibpCuff

THEME = MonitorTheme()
HD = (1920, 1080)
SIZES = [(1280, 720), (3840, 2160)]
SINUS = {"hr": 60.0, "sbp": 120.0, "dbp": 70.0, "map": 87.0, "spo2": 98.0, "rr": 12.0, "etco2": 38.0,
         "temp": 36.8, "rhythm": "sinus"}  # fmt: skip
VF = {**SINUS, "rhythm": "vf", "hr": 0.0, "sbp": 12.0, "dbp": 6.0, "map": 8.0, "spo2": 44.0, "rr": 0.0, "etco2": 8.0}


def view(t: float, *, alarms: tuple[AlarmView, ...] = (), paused: bool = False, speed: int = 1,
         **vitals: Any) -> SessionView:  # fmt: skip
    """A session view at sim time ``t`` with sinus vitals, overridden by ``vitals``."""
    return SessionView(t=round(t, 6), tick=round(t * 10), paused=paused, speed=speed, ended=False, outcome=None,
                       phase="p", phase_title="", vitals={**SINUS, **vitals}, alarms=alarms, roles=(), orders=(),
                       open_concerns=(), failed_equipment=(), messages=())  # fmt: skip


def run(monitor: Monitor, start: float, end: float, step: float = 0.1, **kwargs: Any) -> None:
    """Update ``monitor`` with a view every ``step`` sim seconds from ``start`` to ``end`` inclusive."""
    for i in range(round((end - start) / step) + 1):
        monitor.update(view(start + i * step, **kwargs))


def drawn(monitor: Monitor, size: tuple[int, int] = HD) -> pygame.Surface:
    """The monitor drawn on a fresh surface of ``size``."""
    surface = pygame.Surface(size)
    monitor.draw(surface, surface.get_rect())
    return surface


def pixels(surface: pygame.Surface, rect: pygame.Rect) -> np.ndarray:
    """The RGB pixels of ``rect`` as an array indexed [x, y, channel]."""
    return pygame.surfarray.array3d(surface.subsurface(rect))


def matching(surface: pygame.Surface, rect: pygame.Rect, colour: tuple[int, int, int]) -> np.ndarray:
    """A boolean mask [x, y] of the pixels of ``rect`` that are exactly ``colour``."""
    return np.all(pixels(surface, rect) == np.array(colour), axis=-1)


class _RecordingFont:
    def __init__(self, font: pygame.font.Font, seen: list[str]) -> None:
        self._font, self._seen = font, seen

    def render(self, text: str, *args: Any, **kwargs: Any) -> pygame.Surface:
        self._seen.append(text)
        return self._font.render(text, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font, name)


class RecordingFonts(Fonts):
    """The bundled fonts, noting every text rendered with them."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def get(self, size: int, face: str = "regular") -> Any:
        return _RecordingFont(super().get(size, face), self.seen)


@pytest.fixture(autouse=True, scope="module")
def _pygame() -> Iterator[None]:
    pygame.init()
    yield


def test_ecg_sweeps_with_sim_time() -> None:
    """The ECG region holds green trace pixels, and they change when the view's sim time moves on."""
    monitor = Monitor()
    run(monitor, 0.0, 10.0)
    ecg = monitor.layout(pygame.Rect(0, 0, *HD)).traces["ecg"]
    before = drawn(monitor)
    monitor.update(view(10.5))
    after = drawn(monitor)
    assert matching(before, ecg, THEME.ecg).sum() > 500
    assert not np.array_equal(matching(before, ecg, THEME.ecg), matching(after, ecg, THEME.ecg))


def test_paused_view_draws_identical_pixels() -> None:
    """A paused session (same t, any driver fraction) gives pixel-identical frames: the traces freeze."""
    monitor = Monitor()
    run(monitor, 0.0, 8.0)
    monitor.update(view(8.0, paused=True), ahead=0.03)
    first = pygame.surfarray.array3d(drawn(monitor))
    monitor.update(view(8.0, paused=True), ahead=0.07)
    second = pygame.surfarray.array3d(drawn(monitor))
    assert np.array_equal(first, second)


def test_sweep_follows_sim_time_not_frames() -> None:
    """One update to t=12 gives the same traces as 120 updates on the way there (×4 speed just sweeps faster)."""
    stepped, jumped = Monitor(seed=3), Monitor(seed=3)
    run(stepped, 0.0, 12.0, rhythm="af", hr=120.0)
    jumped.update(view(0.0, rhythm="af", hr=120.0))
    jumped.update(view(12.0, rhythm="af", hr=120.0, speed=4))
    for name in ("ecg", "pleth", "co2"):
        assert stepped.rings[name].last == jumped.rings[name].last == int(12.0 * stepped.rings[name].rate)
        assert np.allclose(stepped.rings[name].values, jumped.rings[name].values)


def test_traces_glide_between_ticks_and_flashing_keeps_real_pace() -> None:
    """``ahead`` (the driver's fraction of a tick) moves the sweep between core ticks; at ×4 the alarm flash
    still follows screen time (sim time / speed), so it does not flicker four times faster."""
    monitor = Monitor()
    run(monitor, 0.0, 5.0)
    ecg = monitor.rings["ecg"]
    last = ecg.last
    monitor.update(view(5.0), ahead=0.05)
    assert ecg.last == last + round(0.05 * ecg.rate)
    before = monitor.screen_time
    run(monitor, 5.1, 9.1, speed=4)
    assert monitor.screen_time - before == pytest.approx((9.1 - 5.05) / 4)


def test_waveforms_come_from_the_seed() -> None:
    """AF's irregularity comes from the monitor's seed: same seed same trace, another seed another trace."""
    traces = []
    for seed in (1, 1, 2):
        monitor = Monitor(seed=seed)
        run(monitor, 0.0, 6.0, rhythm="af", hr=130.0)
        traces.append(monitor.rings["ecg"].values.copy())
    assert np.array_equal(traces[0], traces[1])
    assert not np.allclose(traces[0], traces[2])


def test_pleth_flat_in_vf_and_pulsing_in_sinus() -> None:
    """Without a pulse (VF) the pleth is a flat line; in sinus rhythm it swings across much of its row."""
    width = THEME.px(THEME.trace_width, HD[1], 2)
    spans = {}
    for name, vitals in (("vf", VF), ("sinus", SINUS)):
        monitor = Monitor()
        run(monitor, 0.0, 8.0, **vitals)
        pleth = monitor.layout(pygame.Rect(0, 0, *HD)).traces["pleth"]
        rows = np.nonzero(matching(drawn(monitor), pleth, THEME.pleth).any(axis=0))[0]
        assert len(rows) > 0, name
        spans[name] = (rows.max() - rows.min() + 1) / pleth.height
        if name == "vf":
            assert rows.max() - rows.min() <= width + 1
            assert not monitor.rings["pleth"].values.any()
    assert spans["sinus"] > 0.5


def test_capnogram_plateau_is_the_etco2_and_flat_without_co2() -> None:
    """The capnogram's plateau reaches the EtCO2 at the RR; with no exhaled CO2 it is flat at zero."""
    monitor = Monitor()
    run(monitor, 0.0, 20.0, etco2=38.0, rr=12.0)
    co2 = monitor.rings["co2"].values
    assert 0.97 * 38.0 <= co2.max() <= 38.0 + 1e-9 and co2.min() < 1.0
    breaths = np.count_nonzero(np.diff((co2 > 19.0).astype(int)) == 1)
    assert 3 <= breaths <= 5  # 12 per minute across a 20 s sweep
    flat = Monitor()
    run(flat, 0.0, 25.0, etco2=0.0, rr=0.0)
    assert not flat.rings["co2"].values.any()


def _r_peaks(ecg: np.ndarray, rate: float) -> np.ndarray:
    above = np.nonzero((ecg > 0.6) & (ecg >= np.roll(ecg, 1)) & (ecg >= np.roll(ecg, -1)))[0]
    keep = [i for n, i in enumerate(above) if n == 0 or i - above[n - 1] > 0.15 * rate]
    return np.asarray(keep) / rate


def _ecg(rhythm: str, hr: float, seconds: float = 30.0) -> tuple[np.ndarray, float]:
    monitor = Monitor(seed=5)
    ring = monitor.rings["ecg"]
    run(monitor, 0.0, seconds, rhythm=rhythm, hr=hr)
    return ring.newest(ring.size), ring.rate


def test_ecg_shapes_follow_the_rhythm() -> None:
    """Sinus: regular R waves at the HR; AF: irregular; VT: wide complexes; VF: coarse chaos; asystole: flat."""
    sinus, rate = _ecg("sinus", 60.0)
    beats = _r_peaks(sinus, rate)
    assert 5 <= len(beats) <= 7 and np.std(np.diff(beats)) < 0.01
    af, _ = _ecg("af", 110.0)
    intervals = np.diff(_r_peaks(af, rate))
    assert np.std(intervals) / np.mean(intervals) > 0.1
    vt, _ = _ecg("vt", 170.0)
    assert np.mean(np.abs(vt) > 0.3) > 3 * np.mean(np.abs(sinus) > 0.3)
    vf, _ = _ecg("vf", 0.0)
    assert np.ptp(vf) > 0.4 and np.mean(np.abs(vf) < 0.05) < 0.5 * np.mean(np.abs(sinus) < 0.05)  # no baseline
    asystole, _ = _ecg("asystole", 0.0)
    assert np.ptp(asystole) < 0.15


@pytest.mark.parametrize("size", SIZES)
def test_monitor_fills_720p_and_4k(size: tuple[int, int]) -> None:
    """At 1280×720 and 3840×2160 every trace and the HR and SpO2 numbers are drawn inside their regions."""
    monitor = Monitor()
    run(monitor, 0.0, 10.0)
    surface = drawn(monitor, size)
    laid = monitor.layout(pygame.Rect(0, 0, *size))
    for name, colour in (("ecg", THEME.ecg), ("pleth", THEME.pleth), ("co2", THEME.co2)):
        assert matching(surface, laid.traces[name], colour).any(), name
    for key, colour in (("hr", THEME.ecg), ("spo2", THEME.pleth)):
        box = laid.boxes[key]
        assert laid.outer.contains(box)
        assert matching(surface, box, colour).mean() > 0.03, key  # a big number, not a speck


def test_hr_and_spo2_are_the_largest_numbers() -> None:
    """HR and SpO2 are drawn larger than every other number (readable from three metres)."""
    fonts = RecordingFonts()
    sizes: dict[str, int] = {}
    original = fonts.get

    def get(size: int, face: str = "regular") -> Any:
        font = original(size, face)
        real_render = font.render

        def render(text: str, *args: Any, **kwargs: Any) -> pygame.Surface:
            sizes[text] = max(size, sizes.get(text, 0))
            return real_render(text, *args, **kwargs)

        font.render = render
        return font

    fonts.get = get  # type: ignore[method-assign]
    monitor = Monitor(fonts=fonts)
    run(monitor, 0.0, 40.0, hr=72.0, spo2=97.0, etco2=35.0, rr=14.0, temp=36.6)
    drawn(monitor)
    assert min(sizes["72"], sizes["97"]) > max(sizes["35"], sizes["14"], sizes["36.6"], sizes["120/70"])


def test_alarms_show_marker_and_text_not_colour_alone() -> None:
    """A high alarm reads '!!! …' and a medium one '!! …', in the banner and on the number's box, in every phase."""
    alarms = (AlarmView("spo2_critical", "spo2", 82.0, "high"), AlarmView("etco2_low", "etco2", 25.0, "medium"))
    assert [alarm_line(a) for a in alarms] == ["!!! SpO2 82 < 85", "!! etCO2 25 < 30"]
    phases = []
    for end in (10.0, 10.3):  # the high-priority flash (2 Hz) lit, then dark
        fonts = RecordingFonts()
        monitor = Monitor(fonts=fonts)
        run(monitor, 0.0, end, alarms=alarms, spo2=82.0, etco2=25.0)
        surface = drawn(monitor)
        phases.append(monitor.flash()["high"])
        assert {"!!! SpO2 82 < 85", "!! etCO2 25 < 30", "!!!", "!!"} <= set(fonts.seen)
        banner = monitor.layout(surface.get_rect()).alarms
        assert matching(surface, banner, THEME.alarm_high).any() and matching(surface, banner, THEME.alarm_medium).any()
    assert phases == [True, False]


def test_banner_lists_the_worst_alarm_per_vital_with_its_value_now() -> None:
    """MAP critical and MAP low show once, as the high one; the number is the value now, not at raising."""
    alarms = (AlarmView("map_low", "map", 57.0, "medium"), AlarmView("hr_high", "hr", 122.0, "medium"),
              AlarmView("map_critical", "map", 48.5, "high"), AlarmView("rhythm_lethal", "rhythm", "pea", "high"))
    shown = banner_alarms(alarms)
    assert [a.id for a in shown] == ["rhythm_lethal", "map_critical", "hr_high"]  # a lethal rhythm leads
    assert alarm_line(shown[1], {"map": 44.9}) == "!!! MAP 45 < 50"


def test_nibp_changes_only_after_a_cycle_or_a_request() -> None:
    """The cuff shows its last reading: a new one ~30 s after the auto-cycle or a request, never in between."""
    monitor = Monitor(nibp_interval=180.0)
    run(monitor, 0.0, MEASURE_S + 0.5, step=0.5, sbp=120.0, dbp=70.0, map=87.0)
    first = monitor.nibp.reading
    assert first is not None and (first.sys, first.dia) == (120, 70)
    run(monitor, 31.0, 100.0, step=0.5, sbp=90.0, dbp=50.0, map=63.0)
    assert monitor.nibp.reading == first  # the pressure fell, the screen still shows the old cuff reading
    monitor.request_nibp()
    run(monitor, 100.5, 100.0 + MEASURE_S - 1.0, step=0.5, sbp=90.0, dbp=50.0, map=63.0)
    assert monitor.nibp.measuring and monitor.nibp.reading == first
    run(monitor, 100.0 + MEASURE_S, 150.0, step=0.5, sbp=90.0, dbp=50.0, map=63.0)
    second = monitor.nibp.reading
    assert second is not None and (second.sys, second.dia, second.map) == (90, 50, 63)
    run(monitor, 150.5, 100.0 + 180.0 + MEASURE_S + 1.0, step=0.5, sbp=80.0, dbp=45.0, map=57.0)
    assert monitor.nibp.reading is not None and monitor.nibp.reading.sys == 80  # auto-cycle 3 min after the last


def test_nibp_fails_without_a_pulse_and_can_be_manual_only() -> None:
    """In VF the cuff finds no pressure; with no interval it measures only on request."""
    cuff = NibpCuff(None)
    cuff.update(0.0, VF)
    assert not cuff.measuring
    cuff.request()
    cuff.update(1.0, VF)
    cuff.update(1.0 + MEASURE_S, VF)
    assert cuff.reading is not None and cuff.reading.failed


def test_silence_pauses_alarm_audio_for_two_minutes_and_mute_shows_audio_off() -> None:
    """Audio paused lasts 120 s of sim time or until a new alarm; audio off stays and is shown on screen."""
    spo2 = AlarmView("spo2_low", "spo2", 88.0, "medium")
    hr = AlarmView("hr_high", "hr", 125.0, "medium")
    monitor = Monitor()
    run(monitor, 0.0, 10.0, alarms=(spo2,))
    monitor.silence()
    assert monitor.silenced_until == pytest.approx(130.0) and monitor.audio_paused
    run(monitor, 10.1, 20.0, alarms=(spo2,))
    assert monitor.audio_paused
    monitor.update(view(20.1, alarms=(spo2, hr)))
    assert not monitor.audio_paused  # a new alarm condition ends audio paused
    monitor.silence()
    monitor.update(view(80.0, alarms=(spo2, hr)))
    assert monitor.audio_paused
    monitor.update(view(140.2, alarms=(spo2, hr)))
    assert not monitor.audio_paused and monitor.silenced_until is None
    fonts = RecordingFonts()
    shown = Monitor(fonts=fonts)
    shown.update(view(5.0))
    assert shown.toggle_mute() and shown.muted
    drawn(shown)
    assert "AUDIO OFF" in fonts.seen


def test_rewound_session_restarts_the_monitor() -> None:
    """A view earlier than the last one (a new or rewound session) restarts traces and the cuff."""
    monitor = Monitor()
    run(monitor, 0.0, 40.0, step=0.5)
    assert monitor.nibp.reading is not None
    monitor.update(view(2.0))
    assert monitor.nibp.reading is None and monitor.time == pytest.approx(2.0)
    assert monitor.rings["ecg"].last == int(2.0 * monitor.rings["ecg"].rate)


def test_monitor_follows_a_real_session() -> None:
    """Driven by a real session (bundled anaphylaxis scenario), the monitor shows its vitals and takes a reading."""
    from crmsim.core.session import Session
    from crmsim.schema.load import load_scenario

    session = Session(load_scenario("scenarios/anaphylaxis-ga.yaml"), 1)
    monitor = Monitor()
    for _ in range(400):  # 40 s of sim time, one view per tick
        session.step()
        monitor.update(session.view())
    surface = drawn(monitor)
    laid = monitor.layout(surface.get_rect())
    assert matching(surface, laid.traces["ecg"], THEME.ecg).any()
    assert matching(surface, laid.boxes["hr"], THEME.ecg).mean() > 0.03
    reading = monitor.nibp.reading
    assert reading is not None and reading.at == pytest.approx(MEASURE_S + session.clock.tick_s)
