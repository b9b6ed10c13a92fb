"""Opening the game: a window for a team, or an off-screen run that saves a screenshot of every scene."""

from __future__ import annotations

import traceback
from pathlib import Path

from crmsim.schema.scenario import Script
from crmsim.ui.boot import start_pygame
from crmsim.ui.sessions import ScenarioEntry, data_home, scenario_folders


def _app(size: tuple[int, int], *, headless: bool, fullscreen: bool = False,
         facilitator: str = "auto"):  # noqa: ANN202 - App  # fmt: skip
    """The game's app with its window; ``facilitator`` (auto, on, off) decides on a second window for the console."""
    import pygame

    from crmsim.ui.app import App, GameContext
    from crmsim.ui.second_window import SecondWindow, wanted

    started = start_pygame(headless=headless)
    home = data_home()
    context = GameContext(sessions_dir=home / "sessions", scenario_dirs=scenario_folders(home), started=started,
                          headless=headless)  # fmt: skip
    flags = 0 if headless else pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
    screen = pygame.display.set_mode(size, flags)
    pygame.display.set_caption("crmsim")
    app = App(screen, context)
    if wanted(facilitator, 1 if headless else started.displays):
        app.second = SecondWindow.open((min(size[0], 1280), min(size[1], 800)))
    return app


def play_window(entry: ScenarioEntry | None, size: tuple[int, int], *, fullscreen: bool, seed: int | None,
                facilitator: str = "auto") -> str | None:  # fmt: skip
    """Run the game in a window until it is closed; returns None, or a one-line message after a crash.

    With two displays (or ``facilitator="on"``) the facilitator console opens in a second window.

    Raises ``BootError`` when pygame cannot start. A crash never loses the session: its log is on disk, and the
    title screen offers to resume it.
    """
    import pygame

    from crmsim.ui.scenes.errors import ErrorScene
    from crmsim.ui.scenes.team import TeamScene
    from crmsim.ui.scenes.title import TitleScene

    app = _app(size, headless=False, fullscreen=fullscreen, facilitator=facilitator)
    if entry is None:
        app.show(TitleScene(app))
    elif entry.loaded is None:
        app.show(ErrorScene(app, str(entry.path), entry.problems, back=lambda: TitleScene(app)))
    else:
        app.show(TeamScene(app, entry.loaded, seed))
    try:
        app.run()
    except Exception:  # noqa: BLE001 - report in one line; the details go to a file
        crash = data_home() / "crash.txt"
        crash.parent.mkdir(parents=True, exist_ok=True)
        crash.write_text(traceback.format_exc(), encoding="utf-8")
        return (f"the game stopped unexpectedly (details in {crash}); the session's log is kept and "
                "`crmsim play` offers to resume it")  # fmt: skip
    finally:
        pygame.quit()
    return None


def screenshots(entry: ScenarioEntry, script: Script | None, out: Path, size: tuple[int, int], *,
                facilitator: str = "off") -> list[Path]:  # fmt: skip
    """Play ``entry`` off-screen with ``script`` and save a PNG of every scene; returns the files.

    With ``facilitator="on"`` the console is in a second (off-screen) window, and its PNG is that window.
    """
    import pygame

    from crmsim.ui.shots import take_screenshots

    app = _app(size, headless=True, facilitator="on" if facilitator == "on" else "off")
    try:
        return take_screenshots(app, entry, script, out)
    finally:
        pygame.quit()
