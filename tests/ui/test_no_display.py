"""Without a screen, `crmsim play` says so in one line and exits, instead of running a window nobody can see."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_play_without_a_display_explains_and_exits(tmp_path: Path) -> None:
    """With SDL able to draw only off-screen, `crmsim play` (not --headless) exits 2 with a one-line reason that
    points to --headless, within seconds."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEO_DRIVER")}
    env.update({"SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy", "CRMSIM_HOME": str(tmp_path)})
    result = subprocess.run([sys.executable, "-m", "crmsim", "play"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("crmsim: ")]
    assert len(lines) == 1 and "no display" in lines[0] and "--headless" in lines[0]
    assert "Traceback" not in result.stderr
