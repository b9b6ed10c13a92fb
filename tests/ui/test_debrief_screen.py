"""The debrief on the shared screen: reached from the end of a session, it replays the monitor from the log at a
key moment, scrubs by tap and drag, and its evidence times jump the replay to what they cite."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from crmsim.core.headless import ScriptRunner
from crmsim.core.session import Session
from crmsim.schema.load import load_scenario
from crmsim.ui.app import App
from crmsim.ui.scenes.debrief import LEAD_IN_S, DebriefScene
from crmsim.ui.scenes.ended import EndScene
from crmsim.ui.shots import click

ROOT = Path(__file__).resolve().parents[2]
FRAME = 1 / 30


def _post(app: App, event: pygame.event.Event) -> None:
    pygame.event.post(event)
    app.frame(0.0, pygame.event.get())


@pytest.fixture
def debrief(app: App) -> DebriefScene:
    """A novice team's anaphylaxis session played to its end, then the end screen's Debrief button pressed."""
    loaded = load_scenario(ROOT / "scenarios" / "anaphylaxis-ga.yaml")
    session = Session(loaded, 2)
    ScriptRunner(loaded.scripts["novice"]).run(session)
    app.show(EndScene(app, session))
    click(app, "Debrief")
    assert isinstance(app.scene, DebriefScene)
    return app.scene


def test_a_key_moment_replays_the_monitor_from_the_log(app: App, debrief: DebriefScene) -> None:
    """Tapping a moment's marker starts the replay shortly before it; after the lead-in the monitor shows the
    vitals the log sampled at that time."""
    moment = debrief.debrief.moments[-1]
    marker = next(b for b in debrief.buttons if b.label == f"moment {moment.id}")
    _post(app, pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=marker.rect.center, button=1, touch=False))
    assert debrief.selected == moment.id and debrief.playing
    assert debrief.cursor == pytest.approx(max(0.0, moment.t - LEAD_IN_S))
    for _ in range(round(LEAD_IN_S / FRAME)):
        app.frame(FRAME, [])
    assert debrief.cursor == pytest.approx(min(moment.t, debrief.playback.end_t), abs=0.1)
    expected = debrief.playback.view_at(debrief.cursor).vitals
    assert debrief.monitor.view is not None and dict(debrief.monitor.view.vitals) == dict(expected)


def test_tap_and_drag_on_the_timeline_scrub_the_replay(app: App, debrief: DebriefScene) -> None:
    """A press on the strip puts the cursor at that time and stops playback; dragging moves it with the pointer."""
    strip = debrief.strip
    assert strip is not None
    x1 = strip.rect.x + strip.rect.width // 4
    y = strip.rect.bottom - 5
    _post(app, pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x1, y), button=1, touch=False))
    assert not debrief.playing and debrief.cursor == pytest.approx(strip.t_of(x1))
    x2 = strip.rect.x + strip.rect.width * 3 // 4
    _post(app, pygame.event.Event(pygame.MOUSEMOTION, pos=(x2, y), rel=(x2 - x1, 0), buttons=(1, 0, 0), touch=False))
    assert debrief.cursor == pytest.approx(strip.t_of(x2))
    _post(app, pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x2, y), button=1, touch=False))
    _post(app, pygame.event.Event(pygame.MOUSEMOTION, pos=(x1, y), rel=(x1 - x2, 0), buttons=(0, 0, 0), touch=False))
    assert debrief.cursor == pytest.approx(strip.t_of(x2))  # released: moving no longer scrubs


def test_an_evidence_time_in_the_ratings_jumps_the_replay_there(app: App, debrief: DebriefScene) -> None:
    """On the Ratings tab, each element's evidence is a time; tapping it moves the replay to that time."""
    click(app, "Ratings")
    chip = next(b for b in debrief.buttons if ":" in b.label and b.label.replace(":", "").isdigit())
    minutes, seconds = chip.label.split(":")
    _post(app, pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=chip.rect.center, button=1, touch=False))
    assert int(debrief.cursor) == int(minutes) * 60 + int(seconds)


def test_prompts_tab_keeps_single_loop_apart_from_double_loop(app: App, debrief: DebriefScene) -> None:
    """The PEARLS tab lists the four phases; the debrief it draws keeps corrections and questions in separate lists."""
    click(app, "PEARLS prompts")
    assert debrief.tab == "pearls"
    assert [s.id for s in debrief.debrief.pearls] == ["reactions", "description", "analysis", "application"]
    assert debrief.debrief.single_loop and debrief.debrief.double_loop
    assert not {c.text for c in debrief.debrief.single_loop} & {q.text for q in debrief.debrief.double_loop}


def test_the_title_screen_opens_a_stored_sessions_debrief(app: App, tmp_path: Path) -> None:
    """A finished session in the store is listed on the title screen; pressing it opens its debrief."""
    from click.testing import CliRunner

    from crmsim.cli import main
    from crmsim.ui.scenes.title import TitleScene

    result = CliRunner().invoke(main, ["run", "cico", "--team", "novice", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    app.show(TitleScene(app))
    label = next(b.label for b in app.scene.buttons if b.label.startswith("cico: death"))
    click(app, label)
    assert isinstance(app.scene, DebriefScene)
    assert app.scene.debrief.session.scenario_id == "cico" and app.scene.debrief.moments
