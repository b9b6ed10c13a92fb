"""Sweeping traces: a numpy ring buffer per waveform, drawn as a real monitor does, with an erase bar at the sweep.

A :class:`Ring` holds the last ``window`` seconds of one waveform at a fixed sample rate, addressed by absolute
sample number (sample ``k`` is at sim time ``k / rate``), so the sweep position is a function of sim time alone:
pausing freezes it, ×4 speed sweeps four times faster. :func:`draw_sweep` draws the ring into a rectangle: new
samples overwrite old ones from left to right, with a short blank gap just ahead of the newest sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pygame

from crmsim.ui.monitor.theme import Colour


class Ring:
    """The last ``window`` seconds of a waveform sampled at ``rate`` per second of sim time."""

    def __init__(self, rate: float, window: float) -> None:
        self.rate = rate
        self.size = max(2, round(rate * window))
        self.values = np.zeros(self.size)
        self.last = -1  # absolute number of the newest sample

    def restart(self, t: float) -> None:
        """Forget everything; the next samples written start one full window before ``t``."""
        self.values[:] = 0.0
        self.last = math.floor(t * self.rate) - self.size

    def due(self, t: float) -> np.ndarray:
        """Absolute numbers of the samples from the newest up to sim time ``t`` (at most one window's worth)."""
        end = math.floor(t * self.rate + 1e-9)
        start = max(self.last + 1, end - self.size + 1)
        return np.arange(start, end + 1, dtype=np.int64)

    def write(self, ks: np.ndarray, values: np.ndarray) -> None:
        """Store samples ``ks`` (ascending absolute numbers)."""
        if len(ks):
            self.values[ks % self.size] = values
            self.last = int(ks[-1])

    @property
    def head(self) -> int:
        """The slot of the newest sample: where the sweep is."""
        return self.last % self.size

    def newest(self, count: int) -> np.ndarray:
        """The newest ``count`` values, oldest first."""
        count = min(count, self.size)
        slots = (np.arange(self.last - count + 1, self.last + 1)) % self.size
        return self.values[slots]


class SweepGeometry:
    """The x position of every ring slot in one rectangle, computed once per rectangle."""

    def __init__(self, rect: pygame.Rect, size: int, gap: float) -> None:
        self.rect = pygame.Rect(rect)
        self.xs = rect.x + np.arange(size) * (rect.width / size)
        self.gap = max(2, math.ceil(gap * size))


def draw_sweep(surface: pygame.Surface, geometry: SweepGeometry, ring: Ring, colour: Colour, width: int,
               to_unit: Callable[[np.ndarray], np.ndarray]) -> None:  # fmt: skip
    """Draw ``ring`` into ``geometry.rect``: ``to_unit`` maps values to 0 (top) … 1 (bottom) of the rectangle."""
    rect = geometry.rect
    top, height = rect.y + width, max(1, rect.height - 2 * width)
    ys = top + np.clip(to_unit(ring.values), 0.0, 1.0) * height
    points = np.column_stack((geometry.xs, ys))
    head = ring.head
    newest = points[: head + 1]
    oldest = points[head + 1 + geometry.gap :]
    for run in (newest, oldest):
        if len(run) >= 2:
            pygame.draw.lines(surface, colour, False, run.tolist(), width)
