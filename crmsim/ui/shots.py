"""Headless screenshots of every scene: title, set-up, briefing, play (orders, aid, console), the end and the debrief.

Scene changes go through the real pygame event queue (a posted click on the button's centre); during play a
scripted team's commands are fed to the session at their times, which is what a team's presses would produce.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from crmsim.core.headless import ScriptRunner
from crmsim.schema.scenario import Script
from crmsim.ui.app import App
from crmsim.ui.scenes.debrief import LEAD_IN_S, DebriefScene
from crmsim.ui.scenes.play import PlayScene
from crmsim.ui.scenes.title import TitleScene
from crmsim.ui.sessions import ScenarioEntry

FRAME = 1 / 30


def click(app: App, label: str) -> None:
    """Press the button labelled ``label`` through the event queue, as a mouse click would."""
    assert app.scene is not None
    centre = app.scene.find(label).rect.center
    pygame.mouse.set_pos(centre)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=centre, button=1, touch=False))
    app.frame(0.0, pygame.event.get())


def press_key(app: App, key: int) -> None:
    """Press a key through the event queue."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    app.frame(0.0, pygame.event.get())


class Shooter:
    """Saves numbered PNGs of the app's screen."""

    def __init__(self, app: App, out: Path) -> None:
        self.app, self.out, self.saved = app, out, []  # type: list[Path]
        out.mkdir(parents=True, exist_ok=True)

    def shoot(self, name: str, settle: int = 20, *, second: bool = False) -> None:
        """Draw ``settle`` frames (so waveforms fill) and save ``NN-name.png`` (of the second window if asked)."""
        for _ in range(settle):
            self.app.frame(0.0, [])
        path = self.out / f"{len(self.saved) + 1:02d}-{name}.png"
        window = self.app.second
        surface = window.surface() if second and window is not None and not window.closed else self.app.screen
        pygame.image.save(surface, str(path))
        self.saved.append(path)

    def shoot_console(self) -> None:
        """The facilitator console: its own window when there is one, else the overlay opened with F1."""
        if self.app.console_window:
            self.shoot("facilitator-window", settle=1, second=True)
            return
        press_key(self.app, pygame.K_F1)
        self.shoot("facilitator", settle=1)
        press_key(self.app, pygame.K_F1)


def take_screenshots(app: App, entry: ScenarioEntry, script: Script | None, out: Path) -> list[Path]:
    """Walk the game from the title to the end of ``entry`` with ``script``; return the PNGs saved."""
    shots = Shooter(app, out)
    app.show(TitleScene(app))
    shots.shoot("title", settle=1)
    title = app.scene
    assert isinstance(title, TitleScene)
    index = next((i for i, e in enumerate(title.entries) if e.path.resolve() == entry.path.resolve()), None)
    if index is None:
        title.entries.append(entry)
        index = len(title.entries) - 1
        app.draw()
    if index < 9:
        press_key(app, pygame.K_1 + index)
    else:
        title.choose(entry)
    if entry.loaded is None:
        shots.shoot("errors", settle=1)
        return shots.saved
    shots.shoot("team", settle=1)
    click(app, "Briefing")
    shots.shoot("briefing", settle=1)
    click(app, "Start")
    play = app.scene
    assert isinstance(play, PlayScene)
    shots.shoot("play-start")
    if script is not None:
        _play_script(app, play, script, shots)
    else:
        shots.shoot_console()
        play.facilitate({"do": "end"})
        app.frame(play.session.clock.tick_s, [])
    if not play.session.ended:
        play.facilitate({"do": "end"})
        app.frame(play.session.clock.tick_s, [])
    shots.shoot("ended", settle=1)
    _debrief(app, shots)
    return shots.saved


def _debrief(app: App, shots: Shooter) -> None:
    """The debrief: a key moment replayed on the monitor, then the ratings and the PEARLS prompts."""
    click(app, "Debrief")
    debrief = app.scene
    assert isinstance(debrief, DebriefScene)
    if debrief.debrief.moments:
        debrief.select(debrief.debrief.moments[0].id)
        for _ in range(round(LEAD_IN_S / FRAME)):  # replay the lead-in to the moment, as the screen would
            app.frame(FRAME, [])
    shots.shoot("debrief-moment", settle=1)
    click(app, "Ratings")
    shots.shoot("debrief-ratings", settle=1)
    click(app, "PEARLS prompts")
    shots.shoot("debrief-pearls", settle=1)


def _play_script(app: App, play: PlayScene, script: Script, shots: Shooter) -> None:
    session = play.session
    feeder = ScriptRunner(script).feeder()
    wanted = {"order": "OrderGiven", "aid": "AidOpened", "concern": "ConcernRaised", "arrival": "RoleArrived"}
    limit = session.clock.ticks(session.loaded.scenario.duration_limit) + 10
    console_at = min(60.0, session.loaded.scenario.duration_limit / 3)
    shot_console = False
    while not session.ended and session.tick <= limit:
        feeder.feed(session)
        if session.paused and not session.queue and feeder.done:
            break
        session.step()
        new = session.records[-40:]
        for name, kind in list(wanted.items()):
            if any(r.kind == kind and r.tick == session.tick for r in new):
                app.frame(0.0, [])
                shots.shoot(f"play-{name}")
                del wanted[name]
        if not shot_console and session.now >= console_at:
            shot_console = True
            shots.shoot_console()
    app.frame(0.0, [])
