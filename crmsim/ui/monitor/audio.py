"""The monitor's sounds through ``pygame.mixer``: the looping alarm burst of the most urgent alarm and the pulse beep.

Sounds are synthesised (see :mod:`crmsim.ui.monitor.tones`) the first time they are needed, in the mixer's own
format, and cached. When the mixer is not available (no sound card, or its start-up failed) everything here runs
and keeps its state, silently, so a headless run or a test behaves like a real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pygame

from crmsim.core.view import AlarmView
from crmsim.ui.monitor import tones
from crmsim.ui.monitor.alerts import by_priority

if TYPE_CHECKING:
    from crmsim.ui.monitor.monitor import Monitor


class AlarmSound:
    """Plays the alarm burst of the most urgent active alarm, looped, and one pulse beep per pulse."""

    def __init__(self, mixer_available: bool) -> None:
        self._format: tuple[int, int, int] | None = None
        if mixer_available:
            try:
                init = pygame.mixer.get_init()
            except pygame.error:
                init = None
            self._format = (int(init[0]), int(init[1]), int(init[2])) if init else None
        self._sounds: dict[Any, pygame.mixer.Sound] = {}
        self._channel: pygame.mixer.Channel | None = None
        #: What is sounding: ``(priority, category)`` of the looping burst, or None.
        self.playing: tuple[str, str] | None = None
        #: The pitch (Hz) of the last pulse beep, and how many beeps have been played.
        self.last_beep_hz: float | None = None
        self.beeps = 0

    @property
    def audible(self) -> bool:
        """Whether sounds really reach the mixer."""
        return self._format is not None

    @staticmethod
    def choose(alarms: Sequence[AlarmView]) -> tuple[str, str] | None:
        """The burst for these alarms: the most urgent priority, in the Annex F category of that alarm's vital."""
        ranked = [a for a in by_priority(alarms) if a.priority in tones.TIMINGS]
        if not ranked:
            return None
        top = ranked[0]
        return top.priority, tones.CATEGORY_OF_VITAL.get(top.vital, "general")

    def update(self, alarms: Sequence[AlarmView], spo2: float | None, pulse_due: bool, silenced: bool,
               muted: bool) -> None:  # fmt: skip
        """Bring the sound in line with the alarms; beep once if a pulse is due (not when muted or unreadable)."""
        wanted = None if silenced or muted else self.choose(alarms)
        if wanted != self.playing:
            self._stop_burst()
            if wanted is not None:
                self._start_burst(wanted)
            self.playing = wanted
        if pulse_due and not muted and spo2 is not None:
            self._beep(spo2)

    def follow(self, monitor: Monitor) -> None:
        """Sound what ``monitor`` shows after its latest update (for a scene that keeps the sound itself)."""
        alarms = monitor.view.alarms if monitor.view is not None else ()
        self.update(alarms, monitor.pulse_spo2, monitor.pulse_due, monitor.alarm_sound_held, monitor.muted)

    def stop(self) -> None:
        """Silence everything now."""
        self._stop_burst()
        self.playing = None
        if self._format is not None:
            try:
                for key, sound in self._sounds.items():
                    if key[0] == "pulse":
                        sound.stop()
            except pygame.error:
                self._format = None

    def _sound(self, key: tuple[Any, ...]) -> pygame.mixer.Sound | None:
        if self._format is None:
            return None
        sound = self._sounds.get(key)
        if sound is None:
            rate, size, channels = self._format
            samples = tones.pulse_tone(key[1], rate) if key[0] == "pulse" else tones.burst(key[0], key[1], rate)
            try:
                sound = pygame.sndarray.make_sound(tones.to_pcm(samples, size, channels))
            except (pygame.error, ValueError):
                self._format = None  # the mixer is not what it said: go silent rather than fail every frame
                return None
            self._sounds[key] = sound
        return sound

    def _start_burst(self, wanted: tuple[str, str]) -> None:
        sound = self._sound(wanted)
        if sound is not None:
            try:
                self._channel = sound.play(loops=-1)
            except pygame.error:  # the mixer went away (pygame.quit): carry on silently
                self._format = None

    def _stop_burst(self) -> None:
        if self.playing is not None and self._format is not None:
            sound = self._sounds.get(self.playing)
            if sound is not None:
                try:
                    sound.stop()
                except pygame.error:
                    self._format = None
        self._channel = None

    def _beep(self, spo2: float) -> None:
        level = round(min(100.0, max(tones.PULSE_FLOOR_SPO2, spo2)))
        self.last_beep_hz = tones.pulse_pitch(level)
        self.beeps += 1
        sound = self._sound(("pulse", level))
        if sound is not None:
            try:
                sound.play()
            except pygame.error:
                self._format = None

    @property
    def busy(self) -> bool:
        """Whether the alarm burst's channel is sounding now (False without a mixer)."""
        try:
            return self._channel is not None and self._channel.get_busy()
        except pygame.error:
            return False
