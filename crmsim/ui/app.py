"""The game's application: the window, the scene in front, and the frame loop.

``App.frame(real_dt, events)`` is one frame — events to the scene, time to the scene, draw — and is what tests and
the headless screenshot mode call directly; ``App.run()`` is the same frame in a loop paced by pygame's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pygame

from crmsim.ui.assets import Fonts
from crmsim.ui.boot import Started
from crmsim.ui.scene import Scene
from crmsim.ui.second_window import SecondWindow
from crmsim.ui.theme import Theme, load_theme
from crmsim.ui.widgets.draw import Painter

FPS = 60


@dataclass
class GameContext:
    """What every scene may need: theme, fonts, what pygame could start, and where sessions live."""

    sessions_dir: Path
    scenario_dirs: list[Path]
    started: Started
    headless: bool = False
    theme: Theme = field(default_factory=load_theme)
    fonts: Fonts = field(default_factory=Fonts)


class App:
    """The window and its current scene."""

    def __init__(self, screen: pygame.Surface, context: GameContext) -> None:
        self.screen = screen
        self.context = context
        self.scene: Scene | None = None
        self.running = True
        self.joysticks: dict[int, pygame.joystick.JoystickType] = {}
        #: The facilitator's window on a second display, when there is one (see ``crmsim.ui.second_window``).
        self.second: SecondWindow | None = None

    @property
    def console_window(self) -> bool:
        """Whether the facilitator console lives in a second window (else it is an overlay on this one)."""
        return self.second is not None and not self.second.closed

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    def show(self, scene: Scene) -> None:
        """Put ``scene`` in front and draw it once, so its buttons exist before the first event."""
        self.scene = scene
        self.draw()

    def painter(self) -> Painter:
        return Painter(self.screen, self.context.theme, self.context.fonts)

    def draw(self) -> None:
        """Draw the current scene, and its facilitator page in the second window if there is one."""
        self.screen.fill(self.context.theme.colour("background"))
        if self.scene is not None:
            self.scene.buttons = []
            self.scene.draw(self.painter())
            if self.second is not None:
                self.second.draw(self.context.theme, self.context.fonts, self.scene.draw_second)

    def frame(self, real_dt: float, events: list[pygame.event.Event]) -> None:
        """One frame: handle events, advance the scene by ``real_dt`` real seconds, draw."""
        for event in events:
            if self.second is not None and self.second.owns(event):
                self.second.handle(event)
                continue
            if event.type == pygame.QUIT or (event.type == pygame.WINDOWCLOSE and self.second is not None):
                self.running = False  # with two windows SDL sends QUIT only when both are closed
            elif event.type == pygame.VIDEORESIZE and not self.context.headless:
                self.screen = pygame.display.get_surface()
            elif event.type == pygame.JOYDEVICEADDED:
                stick = pygame.joystick.Joystick(event.device_index)
                self.joysticks[stick.get_instance_id()] = stick
            elif event.type == pygame.JOYDEVICEREMOVED:
                self.joysticks.pop(event.instance_id, None)
            if self.scene is not None:
                self.scene.handle(event)
        if self.scene is not None:
            self.scene.update(real_dt)
        self.draw()

    def run(self) -> None:
        """The real-time loop: frames at up to 60 per second until the window closes."""
        clock = pygame.time.Clock()
        while self.running:
            real_dt = clock.tick(FPS) / 1000.0
            self.frame(real_dt, pygame.event.get())
            pygame.display.flip()
            if self.second is not None:
                self.second.present()

    def quit(self) -> None:
        """Leave the game after this frame."""
        self.running = False
