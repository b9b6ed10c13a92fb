"""Alarm and pulse tones synthesised with numpy: IEC 60601-1-8 style bursts and the variable-pitch SpO2 beep.

Bursts follow the auditory alarm signal of IEC 60601-1-8 (tables 3 and 4 of the 2006 edition, as summarised by the
Sydney alarm-sound pages of Block and Thompson and by open generators of conforming sounds):

* high priority — 10 pulses: two halves of 3 + 2 pulses (the slot between the 3rd and 4th left empty, i.e. a
  spacing of 2·t_s + t_d), the halves 0.35-1.3 s apart, pulse duration t_d 75-200 ms, spacing t_s 50-125 ms,
  repeated after 2.5-15 s;
* medium priority — 3 pulses, t_d 125-250 ms, t_s 125-250 ms, repeated after 2.5-30 s;
* each pulse a fundamental of 150-1000 Hz with at least four harmonics in 300-4000 Hz within 15 dB of it, rising
  over 10-20 % of t_d.

The pitches are the informative melodies of the standard's Annex F (category × priority, e.g. cardiovascular
``c e g – g C``, oxygen ``C b a – g f``, ventilation ``c a f – a f``; the general alarm is a fixed ``c``);
``c`` is C4, 261.6 Hz. The 2020 amendment replaced Annex F by auditory icons, which are recordings; we keep the
melodies, which can be synthesised.

The pulse-oximeter beep follows the variable-pitch tone introduced by Nellcor in 1983 (Schulte and Block, J Clin
Monit 1992): one beep per pulse whose pitch falls as the saturation falls. Manufacturers' scales differ (Santamore
and Cleaver, J Clin Monit Comput 2004); we use a logarithmic scale, which anaesthetists judge more accurately
than a linear one (Brown et al., Appl Ergon 2015): 880 Hz at 100 %, one semitone lower per 1 %, down to 70 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOTES = {"c": 261.63, "d": 293.66, "e": 329.63, "f": 349.23, "f#": 369.99, "g": 392.00, "a": 440.00,
         "b": 493.88, "C": 523.25}  # fmt: skip
#: Annex F melodies: (first three pulses, last two pulses of a high-priority half burst).
MELODIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "general": (("c", "c", "c"), ("c", "c")),
    "cardiovascular": (("c", "e", "g"), ("g", "C")),
    "oxygen": (("C", "b", "a"), ("g", "f")),
    "ventilation": (("c", "a", "f"), ("a", "f")),
    "temperature": (("c", "d", "e"), ("f", "g")),
}
CATEGORY_OF_VITAL = {"hr": "cardiovascular", "rhythm": "cardiovascular", "map": "cardiovascular",
                     "sbp": "cardiovascular", "dbp": "cardiovascular", "spo2": "oxygen", "etco2": "ventilation",
                     "rr": "ventilation", "temp": "temperature"}  # fmt: skip
#: Relative amplitudes of the fundamental and its harmonics (all within 15 dB of the fundamental).
HARMONICS = (1.0, 0.7, 0.55, 0.45, 0.35)
PULSE_TOP_HZ = 880.0
SEMITONES_PER_PERCENT = 1.0
PULSE_FLOOR_SPO2 = 70.0
PULSE_TONE_S = 0.07


@dataclass(frozen=True)
class BurstTiming:
    """Seconds: pulse duration t_d, pulse spacing t_s, gap between half bursts, silence before the repeat."""

    pulse: float
    spacing: float
    half_gap: float
    interburst: float


TIMINGS = {"high": BurstTiming(0.15, 0.095, 1.0, 3.0), "medium": BurstTiming(0.2, 0.2, 0.0, 5.0)}


def burst_onsets(priority: str) -> list[float]:
    """Start times (s) of the pulses of one burst: 10 for high priority, 3 for medium."""
    timing = TIMINGS[priority]
    step = timing.pulse + timing.spacing
    if priority != "high":
        return [0.0, step, 2 * step]
    half = [0.0, step, 2 * step, 4 * step, 5 * step]  # slot 3 left empty: 3 + 2
    second = 5 * step + timing.pulse + timing.half_gap
    return half + [second + s for s in half]


def burst_notes(priority: str, category: str = "general") -> list[str]:
    """The note of each pulse of a burst, from the Annex F melody of ``category``."""
    first, last = MELODIES.get(category, MELODIES["general"])
    return list(first + last) * 2 if priority == "high" else list(first)


def tone(freq: float, duration: float, rate: int, harmonics: tuple[float, ...] = HARMONICS,
         ramp: float = 0.15) -> np.ndarray:  # fmt: skip
    """One pulse: ``freq`` with ``harmonics`` under a raised-cosine rise and fall of ``ramp`` × duration."""
    n = max(2, round(duration * rate))
    t = np.arange(n) / rate
    wave = sum(a * np.sin(2 * np.pi * freq * (k + 1) * t) for k, a in enumerate(harmonics))
    edge = max(1, round(ramp * n))
    envelope = np.ones(n)
    shape = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, edge))
    envelope[:edge] = shape
    envelope[-edge:] = shape[::-1]
    wave = wave * envelope
    return wave / max(1e-9, float(np.max(np.abs(wave))))


def burst(priority: str, category: str = "general", rate: int = 44100, volume: float = 0.6) -> np.ndarray:
    """One burst of ``priority`` followed by its silence before the repeat, as floats in -1…1 (loop it)."""
    timing = TIMINGS[priority]
    onsets = burst_onsets(priority)
    out = np.zeros(round((onsets[-1] + timing.pulse + timing.interburst) * rate))
    for onset, note in zip(onsets, burst_notes(priority, category), strict=True):
        pulse = tone(NOTES[note], timing.pulse, rate)
        start = round(onset * rate)
        out[start : start + len(pulse)] += pulse
    return volume * out


def pulse_pitch(spo2: float) -> float:
    """The beep's frequency (Hz) at saturation ``spo2`` (%)."""
    shown = min(100.0, max(PULSE_FLOOR_SPO2, float(spo2)))
    return PULSE_TOP_HZ * 2.0 ** (-(100.0 - shown) * SEMITONES_PER_PERCENT / 12.0)


def pulse_tone(spo2: float, rate: int = 44100, volume: float = 0.45) -> np.ndarray:
    """One pulse-oximeter beep at the pitch for ``spo2``, as floats in -1…1."""
    return volume * tone(pulse_pitch(round(spo2)), PULSE_TONE_S, rate, harmonics=(1.0, 0.3, 0.12), ramp=0.12)


def to_pcm(samples: np.ndarray, size: int, channels: int) -> np.ndarray:
    """Floats in -1…1 as the mixer's sample format (``size`` as ``pygame.mixer.get_init`` reports it)."""
    clipped = np.clip(samples, -1.0, 1.0)
    kinds = {-16: (np.int16, 32767, 0), 16: (np.uint16, 32767, 32768), -8: (np.int8, 127, 0),
             8: (np.uint8, 127, 128), 32: (np.float32, 1, 0)}  # fmt: skip
    if size not in kinds:
        raise ValueError(f"unsupported mixer sample size {size}")
    dtype, scale, offset = kinds[size]
    pcm = (clipped * scale + offset).astype(dtype)
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1)
    return np.ascontiguousarray(pcm)
