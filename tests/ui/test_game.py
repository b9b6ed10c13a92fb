"""The game driven through the real pygame event queue: a scenario played by taps, every scene rendered, a monkey."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pygame
import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.core.log import read_log
from crmsim.core.replay import verify
from crmsim.schema.load import load_scenario
from crmsim.ui.app import App
from crmsim.ui.scenes.play import PlayScene
from crmsim.ui.scenes.title import TitleScene
from crmsim.ui.shots import click

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "anaphylaxis-ga.yaml"

FRAME = 1 / 30


def tap(app: App, label: str, *, group_index: int | None = None, finger: bool = False) -> None:
    """Tap a button by label (the n-th with that label when several panels show one), by finger or mouse."""
    assert app.scene is not None
    matches = [b for b in app.scene.buttons if b.label == label]
    assert matches, f"no '{label}' among: {[b.label for b in app.scene.buttons]}"
    button = matches[group_index or 0]
    if finger:
        w, h = app.size
        x, y = button.rect.center
        pygame.event.post(pygame.event.Event(pygame.FINGERDOWN, x=x / w, y=y / h, finger_id=1, touch_id=1))
        app.frame(0.0, pygame.event.get())
    else:
        click(app, label) if group_index is None else _click_at(app, button.rect.center)


def tap_paged(app: App, label: str) -> None:
    """Tap a menu entry of the first panel, turning its pages (▶) until the entry shows."""
    for _ in range(10):
        if any(b.label == label for b in app.scene.buttons):
            tap(app, label)
            return
        tap(app, "▶")
    raise AssertionError(f"'{label}' is on no page")


def _click_at(app: App, pos: tuple[int, int]) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
    app.frame(0.0, pygame.event.get())


def wait(app: App, seconds: float) -> None:
    """Let ``seconds`` of real time pass in quarter-second frames (the driver's longest frame)."""
    for _ in range(round(seconds / 0.25)):
        app.frame(0.25, [])


def start_play(app: App) -> PlayScene:
    app.show(TitleScene(app))
    tap(app, next(b.label for b in app.scene.buttons if "Anaphylaxis" in b.label))
    tap(app, "Briefing")
    tap(app, "Start")
    assert isinstance(app.scene, PlayScene)
    return app.scene


def test_a_team_plays_the_scenario_with_taps_and_the_log_shows_it(app: App) -> None:
    """Taps on the panels (mouse and touch) become commands: a diagnosis, a directed order read back and done, a drug."""
    play = start_play(app)
    tap(app, "Talk")
    tap(app, "Diagnosis")
    tap(app, "Anaphylaxis")
    tap(app, "Act")
    tap_paged(app, "→ Crystalloid bolus 500 ml")  # the leader's panel lists what others may do, to order it
    tap(app, "Order Operating department practitioner")
    wait(app, 0.5)
    tap(app, "Read back", finger=True)
    wait(app, 0.5)
    tap(app, "Do it", finger=True)
    tap_paged(app, "Adrenaline")
    tap(app, "Do it: Adrenaline 50 mcg iv")
    wait(app, 75)
    kinds = [r.kind for r in play.session.records]
    assert "DiagnosisDeclared" in kinds and "DrugGiven" in kinds
    order = next(r for r in play.session.records if r.kind == "OrderGiven")
    assert order.data["to"] == "odp" and order.data["directed"] is True
    loop = [r.kind for r in play.session.records if r.data.get("order") == order.data["order"] and r.kind.startswith("Order")]
    assert loop == ["OrderGiven", "OrderAcknowledged", "OrderDone"]
    assert "CommandRejected" not in kinds


def _panel_strip(app: App) -> np.ndarray:
    """The pixels of the lower part of the play screen, which the role panels fill."""
    w, h = app.size
    return pygame.surfarray.array3d(app.screen)[:, int(h * 0.62):].copy()


def test_the_panels_show_what_a_fresh_paint_shows_at_every_step(app: App) -> None:
    """A role panel whose content has not changed is shown from its last image: at each step of play (menus
    opened, focus moved, busy with an action, an order card waiting, time passing) the screen is exactly what
    painting every panel afresh gives."""
    play = start_play(app)
    steps = [lambda: tap(app, "Talk"), lambda: tap(app, "Diagnosis"), lambda: tap(app, "Act"),
             lambda: tap_paged(app, "→ Crystalloid bolus 500 ml"),
             lambda: tap(app, "Order Operating department practitioner"),
             lambda: pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_2, mod=0, unicode="",
                                                          scancode=0)),
             lambda: pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB, mod=0, unicode="",
                                                          scancode=0)),
             lambda: wait(app, 0.5), lambda: tap(app, "Read back"), lambda: wait(app, 3)]  # fmt: skip
    for step in steps:
        step()
        app.frame(0.0, pygame.event.get())
        shown = _panel_strip(app)
        play.panels = {role: dataclasses.replace(panel) for role, panel in play.panels.items()}  # same menus, no image
        app.frame(0.0, [])
        assert np.array_equal(shown, _panel_strip(app))


def test_facilitator_console_pauses_annotates_and_ends(app: App) -> None:
    """F1 opens the console; Pause stops sim time; an annotation is logged; End shows the end screen."""
    play = start_play(app)
    wait(app, 1)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F1, mod=0, unicode="", scancode=0))
    app.frame(FRAME, pygame.event.get())
    tap(app, "Pause")
    wait(app, 0.2)
    t = play.session.now
    wait(app, 2)
    assert play.session.now == t
    tap(app, "Teaching point")
    tap(app, "Resume")
    wait(app, 1)
    assert play.session.now > t
    tap(app, "End")
    wait(app, 0.2)
    assert app.scene is not None and app.scene.name == "ended"
    assert {"Paused", "Annotated", "Resumed", "SessionEnded"} <= {r.kind for r in play.session.records}


def test_a_closed_game_offers_to_resume_its_session(app: App) -> None:
    """A session whose window closed mid-play is offered on the title screen and resumes where the log left off."""
    play = start_play(app)
    tap(app, "Talk")
    tap(app, "Declare emergency")
    tap(app, "Declare an emergency now")
    wait(app, 3)
    t = play.session.now
    log_path = Path(play.session.log_path or "")
    app.show(TitleScene(app))  # the window was closed: the session object is gone, its log stays
    resume = next(b.label for b in app.scene.buttons if b.label.startswith("Resume"))
    tap(app, resume)
    assert isinstance(app.scene, PlayScene) and app.scene.session.now == pytest.approx(t, abs=0.2)
    assert app.scene.session.log_path == str(log_path)
    wait(app, 1)
    tap(app, "Facilitator")
    tap(app, "End")
    wait(app, 0.2)
    assert verify(read_log(log_path), load_scenario(SCENARIO)) is None


def test_random_input_raises_nothing_and_the_logs_still_replay(app: App, tmp_path: Path) -> None:
    """10,000 random clicks, touches, keys and gamepad presses across every screen raise nothing, and every
    session log they produced replays byte for byte."""
    start_play(app)
    rng = random.Random(20261127)
    w, h = app.size
    keys = [pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_RETURN, pygame.K_TAB, pygame.K_BACKSPACE,
            pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN, pygame.K_m, pygame.K_s, pygame.K_a,
            pygame.K_F1, pygame.K_SPACE]  # fmt: skip
    scenes: set[str] = set()
    for i in range(10_000):
        kind = rng.random()
        if kind < 0.55:
            event = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(rng.randrange(w), rng.randrange(h)), button=1, touch=False)
        elif kind < 0.75:
            event = pygame.event.Event(pygame.FINGERDOWN, x=rng.random(), y=rng.random(), finger_id=rng.randrange(5), touch_id=1)
        elif kind < 0.93:
            event = pygame.event.Event(pygame.KEYDOWN, key=rng.choice(keys), mod=0, unicode="", scancode=0)
        else:
            event = pygame.event.Event(pygame.JOYBUTTONDOWN, instance_id=rng.randrange(3), button=rng.randrange(6), joy=0)
        pygame.event.post(event)
        if i % 8 == 7:  # several presses land on one frame's buttons, as with several people at the screen
            app.frame(0.25 if rng.random() < 0.2 else FRAME, pygame.event.get())
            scenes.add(app.scene.name if app.scene else "")
        if not app.running:  # a random tap quit the game: open it again
            app.running = True
            app.show(TitleScene(app))
    if isinstance(app.scene, PlayScene):
        app.scene.facilitate({"do": "end"})
        app.frame(0.25, [])
    assert {"play", "title"} <= scenes
    logs = sorted((tmp_path / "sessions").glob("*/log.jsonl"))
    assert logs
    for path in logs:
        log = read_log(path)
        assert verify(log, load_scenario(log.header["scenario"]["path"])) is None, path


def png_is_busy(path: Path) -> bool:
    surface = pygame.image.load(str(path))
    pixels = pygame.surfarray.array3d(surface).reshape(-1, 3)
    return len(np.unique(pixels[:: max(1, len(pixels) // 20000)], axis=0)) > 8


def test_screenshot_command_renders_every_scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`crmsim play SCENARIO --headless --screenshots DIR` saves a busy PNG of every scene, title to end."""
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["play", str(SCENARIO), "--headless", "--screenshots", str(tmp_path / "shots"),
                                       "--size", "1280x720"])  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    for scene in ("title", "team", "briefing", "play-start", "play-order", "facilitator", "ended"):
        assert any(scene in n for n in names), (scene, names)
    assert all(png_is_busy(p) for p in (tmp_path / "shots").glob("*.png"))


def test_a_scenario_with_errors_gets_an_error_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A malformed scenario is shown on an error screen with file and line, and the command exits 1."""
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    bad = ROOT / "tests" / "bad_scenarios" / "schema-unknown-key.yaml"
    result = CliRunner().invoke(main, ["play", str(bad), "--headless", "--screenshots", str(tmp_path / "shots")])
    assert result.exit_code == 1
    assert any("errors" in p.name for p in (tmp_path / "shots").glob("*.png"))
    assert "has problems" in result.stderr
