"""The patient monitor widget: traces that sweep with sim time, numerics, NIBP, prioritised alarms, audio keys.

``Monitor.update(view, ahead=driver.alpha * tick_s)`` is called once a frame with the newest
:class:`~crmsim.core.view.SessionView`; it advances the waveform rings to the view's sim time (plus ``ahead``, the
driver's fraction of a tick, so traces glide between core ticks instead of stepping ten times a second), runs the
NIBP cuff and the audio keys and, when it was given an :class:`AlarmSound`, the sounds (or a scene can feed one
itself with ``pulse_spo2``, ``pulse_due``, ``alarm_sound_held`` and ``muted``). ``Monitor.draw(surface, rect)``
draws everything into ``rect`` at any size. Drawing never changes state: two draws without an update give
identical pixels.
"""

from __future__ import annotations

import numpy as np
import pygame

from crmsim.core.view import SessionView
from crmsim.ui.assets import Fonts
from crmsim.ui.monitor.alerts import AudioControls, banner_alarms, by_priority
from crmsim.ui.monitor.audio import AlarmSound
from crmsim.ui.monitor.layout import MonitorLayout, layout
from crmsim.ui.monitor.nibp import NibpCuff
from crmsim.ui.monitor.numerics import numeric_boxes
from crmsim.ui.monitor.panels import TextCache, draw_audio_state, draw_banner, draw_box
from crmsim.ui.monitor.theme import MonitorTheme
from crmsim.ui.monitor.traces import Ring, SweepGeometry, draw_sweep
from crmsim.ui.monitor.waves import WaveInputs, WaveSynth

#: A jump back in sim time larger than this (s) means a new or rewound session: start the traces afresh.
REWIND_S = 0.5


class Monitor:
    """A bedside patient monitor drawn from session views."""

    def __init__(self, theme: MonitorTheme | None = None, *, nibp_interval: float | None = 180.0,
                 sound: AlarmSound | None = None, fonts: Fonts | None = None, seed: int = 0) -> None:  # fmt: skip
        self.theme = theme or MonitorTheme()
        self.nibp = NibpCuff(nibp_interval)
        self.controls = AudioControls()
        self.sound = sound
        self._fonts = fonts
        self._text: TextCache | None = None
        self._seed = seed
        self._synth = WaveSynth(np.random.default_rng(seed))
        th = self.theme
        self.rings = {"ecg": Ring(th.ecg_rate, th.ecg_window), "pleth": Ring(th.pleth_rate, th.pleth_window),
                      "co2": Ring(th.co2_rate, th.co2_window)}  # fmt: skip
        self._window = max(th.ecg_window, th.pleth_window, th.co2_window)
        self.time: float | None = None  # sim time the traces have reached
        self.screen_time = 0.0  # sim time divided by speed: what alarm flashing follows
        self.view: SessionView | None = None
        self.inputs = WaveInputs()
        self.pulse_due = False
        self.co2_scale = 50.0
        self._layouts: dict[tuple[int, int, int, int], tuple[MonitorLayout, dict[str, SweepGeometry]]] = {}

    # ------------------------------------------------------------------ controls

    def request_nibp(self) -> None:
        """Start a blood-pressure measurement (the reading appears about 30 s of sim time later)."""
        self.nibp.request()

    @property
    def nibp_interval(self) -> float | None:
        """Seconds between automatic NIBP measurements (None: manual only)."""
        return self.nibp.interval

    @nibp_interval.setter
    def nibp_interval(self, seconds: float | None) -> None:
        self.nibp.interval = seconds if seconds and seconds > 0 else None

    def silence(self, seconds: float = 120.0) -> None:
        """Audio paused: alarm sounds stop for ``seconds`` of sim time (a new alarm ends it); visuals stay."""
        now = self.view.t if self.view is not None else 0.0
        self.controls.silence(now, seconds, [a.id for a in self.view.alarms] if self.view is not None else [])

    def unsilence(self) -> None:
        """End audio paused early."""
        self.controls.unsilence()

    @property
    def silenced_until(self) -> float | None:
        """Sim time at which audio paused ends, or None."""
        return self.controls.silenced_until

    @property
    def audio_paused(self) -> bool:
        """Whether alarm sounds are paused now."""
        return self.view is not None and self.controls.paused(self.view.t)

    @property
    def muted(self) -> bool:
        """Whether all audio is off (shown on screen as AUDIO OFF)."""
        return self.controls.muted

    def toggle_mute(self) -> bool:
        """Switch all audio off or back on; returns whether it is now off."""
        return self.controls.toggle_mute()

    # ------------------------------------------------------------------ time

    def update(self, view: SessionView, *, ahead: float = 0.0) -> None:
        """Advance to ``view`` (``ahead``: sim seconds past ``view.t`` already elapsed, e.g. alpha × tick)."""
        t = view.t + (0.0 if view.paused else max(0.0, ahead))
        inputs = WaveInputs.from_vitals(view.vitals, compressions=view.compressions)
        previous = self.time
        if previous is None or t < previous - REWIND_S or t - previous > self._window:
            self._restart(t, inputs, rewound=previous is not None and t < previous)
            previous = t
        t = max(t, previous)
        self._synth.advance(t, inputs)
        for name, ring in self.rings.items():
            ks = ring.due(t)
            if len(ks):
                ring.write(ks, getattr(self._synth, name)(ks / ring.rate, inputs))
        self.pulse_due = t > previous and self._synth.pulses_between(previous, t, inputs) > 0
        self.screen_time += (t - previous) / max(1, view.speed)
        self.time, self.view, self.inputs = t, view, inputs
        if inputs.etco2 > 48.0:
            self.co2_scale = 100.0
        elif inputs.etco2 < 40.0:
            self.co2_scale = 50.0
        self.nibp.update(view.t, view.vitals)
        self.controls.update(view.t, [a.id for a in view.alarms])
        if self.sound is not None:
            self.sound.update(view.alarms, self.pulse_spo2, self.pulse_due, silenced=self.alarm_sound_held,
                              muted=self.muted)  # fmt: skip

    @property
    def pulse_spo2(self) -> float | None:
        """The saturation the pulse beep sounds at, or None when the oximeter finds no pulse."""
        return self.inputs.spo2 if self.view is not None and self.inputs.perfusion > 0.0 else None

    @property
    def alarm_sound_held(self) -> bool:
        """Whether alarm sounds should be quiet now: audio paused, or the session paused or ended."""
        view = self.view
        return view is None or self.audio_paused or view.paused or view.ended

    def _restart(self, t: float, inputs: WaveInputs, *, rewound: bool) -> None:
        """Fill the traces with the last window before ``t`` at the current vitals, as if monitoring all along."""
        self._synth = WaveSynth(np.random.default_rng(self._seed)) if rewound else self._synth
        self._synth.reset(t - self._window, inputs)
        for ring in self.rings.values():
            ring.restart(t)
        if rewound:
            self.nibp.reset()
            self.controls = AudioControls()

    # ------------------------------------------------------------------ drawing

    def flash(self) -> dict[str, bool]:
        """Whether each priority's indicator is in its lit phase now."""
        th, s = self.theme, self.screen_time
        return {"high": (s * th.flash_high) % 1.0 < 0.5, "medium": (s * th.flash_medium) % 1.0 < 0.5}

    def _geometry(self, rect: pygame.Rect) -> tuple[MonitorLayout, dict[str, SweepGeometry]]:
        key = (rect.x, rect.y, rect.width, rect.height)
        found = self._layouts.get(key)
        if found is None:
            laid = layout(rect, self.theme)
            sweeps = {name: SweepGeometry(laid.traces[name], ring.size, self.theme.erase_gap)
                      for name, ring in self.rings.items()}  # fmt: skip
            found = self._layouts[key] = (laid, sweeps)
            if len(self._layouts) > 8:
                del self._layouts[next(iter(self._layouts))]
        return found

    def layout(self, rect: pygame.Rect) -> MonitorLayout:
        """Where each part of the monitor goes when drawn into ``rect`` (for hit-testing and tests)."""
        return self._geometry(pygame.Rect(rect))[0]

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Draw the whole monitor into ``rect`` of ``surface``, scaled to its size."""
        if not pygame.font.get_init():
            pygame.font.init()
        if self._text is None:
            self._text = TextCache(self._fonts or Fonts())
        rect = pygame.Rect(rect)
        laid, sweeps = self._geometry(rect)
        th, text, h = self.theme, self._text, rect.height
        clip = surface.get_clip()
        surface.set_clip(rect.clip(clip))
        surface.fill(th.background, rect)
        width = th.px(th.trace_width, h, 2)
        scale = self.co2_scale
        mappings = {"ecg": lambda v: 0.62 - 0.45 * v, "pleth": lambda v: 0.9 - 0.78 * v,
                    "co2": lambda v: 1.0 - v / scale}  # fmt: skip
        colours = {"ecg": th.ecg, "pleth": th.pleth, "co2": th.co2}
        labels = {"ecg": "II  x1", "pleth": "Pleth", "co2": f"CO2  0-{scale:.0f} mmHg"}
        label_px = th.px(th.label_text, h, 10)
        for name, ring in self.rings.items():
            if self.time is not None:
                draw_sweep(surface, sweeps[name], ring, colours[name], width, mappings[name])
            row = laid.rows[name]
            label = text.render(labels[name], label_px, colours[name])
            surface.blit(label, (row.x + laid.padding, row.y + laid.padding))
        view = self.view
        vitals = view.vitals if view is not None else {}
        alarms = by_priority(view.alarms) if view is not None else []
        flash = self.flash()
        boxes = numeric_boxes(vitals, alarms, self.nibp, view.t if view is not None else 0.0, th)
        for key, box in boxes.items():
            draw_box(surface, laid.boxes[key], box, th, text, flash.get(box.alarm or "", False), h)
        draw_banner(surface, laid.alarms, banner_alarms(alarms), th, text, flash, h, vitals)
        clock = f"{int(view.t) // 60:02d}:{int(view.t) % 60:02d}" if view is not None and th.show_clock else ""
        draw_audio_state(surface, laid.audio, self._audio_label(), clock, th, text, h)
        surface.set_clip(clip)

    def _audio_label(self) -> str:
        if self.muted:
            return "AUDIO OFF"
        if self.audio_paused and self.view is not None:
            left = int(self.controls.remaining(self.view.t) + 0.999)
            return f"AUDIO PAUSED {left // 60}:{left % 60:02d}"
        return ""
