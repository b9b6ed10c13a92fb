"""The facilitator's second window: with two displays the console lives in a window of its own, its presses steer
the session and never reach the team's screen; closing it hands the console back to the overlay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.ui.app import App
from crmsim.ui.scenes.play import PlayScene
from crmsim.ui.scenes.title import TitleScene
from crmsim.ui.second_window import SecondWindow, wanted
from crmsim.ui.shots import click

ROOT = Path(__file__).resolve().parents[2]


def _start(app: App) -> PlayScene:
    app.show(TitleScene(app))
    click(app, next(b.label for b in app.scene.buttons if "Anaphylaxis" in b.label))
    click(app, "Briefing")
    click(app, "Start")
    assert isinstance(app.scene, PlayScene)
    return app.scene


def _press_in(app: App, window: SecondWindow, label: str) -> None:
    button = next(b for b in window.buttons if b.label == label)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=button.rect.center, button=1, touch=False,
                                         window=window.window))  # fmt: skip
    app.frame(0.0, pygame.event.get())


@pytest.fixture
def two_windows(app: App) -> App:
    app.second = SecondWindow.open((1024, 640))
    yield app
    app.second.close()


def test_second_window_opens_with_two_displays_or_when_asked() -> None:
    """`auto` opens it only with two displays or more; `on` always; `off` never."""
    assert not wanted("auto", 1) and wanted("auto", 2)
    assert wanted("on", 1) and not wanted("off", 3)


def test_console_in_the_second_window_steers_the_session(two_windows: App) -> None:
    """A press on Pause in the facilitator's window pauses the session, logged as the facilitator's command; the
    team's screen shows no Facilitator button and F1 opens no overlay there."""
    app = two_windows
    play = _start(app)
    assert {"Pause", "End", "×2"} <= {b.label for b in app.second.buttons}
    assert "Facilitator" not in {b.label for b in play.buttons}
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F1, mod=0, unicode="", scancode=0))
    app.frame(0.0, pygame.event.get())
    assert "Jump to a phase" not in str([b.label for b in play.buttons]) and not play.console
    _press_in(app, app.second, "Pause")
    app.frame(0.1, [])
    assert play.session.paused
    paused = [r for r in play.session.records if r.kind == "CommandIssued" and r.data.get("command", {}).get("do") == "pause"]
    assert paused and paused[-1].source == "facilitator"
    assert "Resume" in {b.label for b in app.second.buttons}


def test_a_press_in_the_second_window_never_reaches_the_team_screen(two_windows: App) -> None:
    """A click at a spot where the team's screen has a button does nothing there when it lands in the second window."""
    app = two_windows
    play = _start(app)
    before = len(play.session.records)
    target = next(b for b in play.buttons if b.label == "Talk")
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=target.rect.center, button=1, touch=False,
                                         window=app.second.window))  # fmt: skip
    app.frame(0.0, pygame.event.get())
    app.frame(0.0, [])
    assert "Talk" in {b.label for b in play.buttons}  # the team's panel did not open its Talk menu
    assert [r.kind for r in play.session.records[before:]].count("CommandIssued") == 0


def test_closing_the_second_window_brings_back_the_overlay(two_windows: App) -> None:
    """Closing the facilitator's window hands the console back to the overlay on the team's screen."""
    app = two_windows
    play = _start(app)
    pygame.event.post(pygame.event.Event(pygame.WINDOWCLOSE, window=app.second.window))
    app.frame(0.0, pygame.event.get())
    assert app.second.closed and app.running
    assert "Facilitator" in {b.label for b in play.buttons}


def test_screenshot_run_saves_the_second_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`crmsim play --headless --screenshots DIR --facilitator-window on` saves the console's own window, with content."""
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["play", str(ROOT / "scenarios" / "anaphylaxis-ga.yaml"), "--headless",
                                       "--screenshots", str(tmp_path / "shots"), "--facilitator-window", "on"])  # fmt: skip
    assert result.exit_code == 0, result.output
    shots = sorted((tmp_path / "shots").glob("*-facilitator-window.png"))
    assert len(shots) == 1
    pixels = pygame.surfarray.array3d(pygame.image.load(str(shots[0])))
    assert pixels.shape[:2] == (1280, 720)  # the game's 1280×720 default, capped at 1280×800
    assert np.std(pixels) > 10  # buttons and text, not a blank window
