"""Starting pygame safely: headless drivers when asked, the pygame-ce check, and a mixer that may be missing."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: SDL video drivers that draw nowhere: fine for --headless, a dead end for a team in front of a screen.
OFF_SCREEN_DRIVERS = frozenset({"offscreen", "dummy"})
HEADLESS_ENV = {"SDL_VIDEODRIVER": "dummy", "SDL_VIDEO_DRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


class BootError(Exception):
    """pygame cannot start; the message says how to fix it."""


@dataclass(frozen=True)
class Started:
    """What came up: whether sound works and how many displays there are."""

    audio: bool
    displays: int


def start_pygame(*, headless: bool) -> Started:
    """Initialise pygame (dummy video and audio when headless); raise :class:`BootError` with a fix if it cannot."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    if headless:
        os.environ.update(HEADLESS_ENV)
    import pygame

    if not getattr(pygame, "IS_CE", False):
        raise BootError("the 'pygame' package is installed instead of 'pygame-ce'; fix it with: "
                        "pip uninstall -y pygame && pip install --force-reinstall pygame-ce")  # fmt: skip
    pygame.display.init()  # the display first: with none, stop before the sound system probes for a card
    if not pygame.display.get_init():
        raise BootError(f"no display is available ({pygame.get_error()}); use --headless to render off-screen")
    if not headless and pygame.display.get_driver() in OFF_SCREEN_DRIVERS:
        pygame.quit()  # SDL fell back to drawing nowhere: a window nobody can see is worse than a clear message
        raise BootError("no display is available (SDL found none and fell back to off-screen rendering); "
                        "run it on a machine with a screen, or use --headless --screenshots DIR")  # fmt: skip
    pygame.init()
    audio = True
    try:
        pygame.mixer.init(frequency=44100, size=-16, channels=1)
    except pygame.error:
        audio = False
    try:
        displays = pygame.display.get_num_displays()
    except pygame.error:
        displays = 1
    return Started(audio=audio, displays=displays)
