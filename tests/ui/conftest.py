"""UI tests run on SDL's dummy video and audio drivers, with crmsim's data folder in a temporary directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.update({"SDL_VIDEODRIVER": "dummy", "SDL_VIDEO_DRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
                   "PYGAME_HIDE_SUPPORT_PROMPT": "1"})  # fmt: skip

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "anaphylaxis-ga.yaml"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A game app on a 1280×720 dummy display, with sessions kept under ``tmp_path``."""
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path))
    import pygame

    from crmsim.ui.app import App, GameContext
    from crmsim.ui.boot import start_pygame
    from crmsim.ui.sessions import scenario_folders

    started = start_pygame(headless=True)
    screen = pygame.display.set_mode((1280, 720))
    context = GameContext(sessions_dir=tmp_path / "sessions", scenario_dirs=scenario_folders(tmp_path),
                          started=started, headless=True)  # fmt: skip
    yield App(screen, context)
    pygame.event.clear()
