"""``crmsim play``: the shared-screen game, in a window or headless to produce screenshots of every scene."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from crmsim.cli.common import fail_usage, scenario_path
from crmsim.cli.runs import pick_script


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(x) for x in text.lower().split("x"))
    except ValueError:
        fail_usage(f"--size must look like 1920x1080, not '{text}'")
    if not (640 <= width <= 7680 and 360 <= height <= 4320):
        fail_usage(f"--size {text} is outside 640x360 to 7680x4320")
    return width, height


@click.command()
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@click.option("--size", default="1280x720", show_default=True, help="Window size, e.g. 1920x1080.")
@click.option("--fullscreen", is_flag=True, help="Fill the screen.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=None, help="Seed (default: a fresh one).")
@click.option("--facilitator-window", "facilitator", type=click.Choice(["auto", "on", "off"]), default="auto",
              show_default=True, help="The facilitator console in a second window (auto: when there are two displays).")
@click.option("--headless", is_flag=True, help="No window: render off-screen (with --screenshots).")
@click.option("--screenshots", "shots_dir", type=click.Path(path_type=Path), default=None,
              help="With --headless: save a PNG of every scene into this folder.")  # fmt: skip
@click.option("--team", default=None, help="With --screenshots: the scenario's script to play (default reference).")
@click.option("--script", "script_file", type=click.Path(path_type=Path), default=None,
              help="With --screenshots: a script file to play.")  # fmt: skip
def play(scenario: Path | None, size: str, fullscreen: bool, seed: int | None, facilitator: str, headless: bool,
         shots_dir: Path | None, team: str | None, script_file: Path | None) -> None:  # fmt: skip
    """Open the game; with SCENARIO, go straight to its team set-up."""
    width, height = _size(size)
    if headless and shots_dir is None:
        fail_usage("--headless needs --screenshots DIR (there is nothing to look at otherwise)")
    if (team or script_file) and shots_dir is None:
        fail_usage("--team and --script drive the headless screenshot run; add --headless --screenshots DIR")
    path = scenario_path(scenario) if scenario is not None else None
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # before anything imports pygame: no banner
    from crmsim.ui.boot import BootError
    from crmsim.ui.launch import play_window, screenshots
    from crmsim.ui.sessions import open_scenario

    entry = open_scenario(path) if path is not None else None
    try:
        if shots_dir is None:
            message = play_window(entry, (width, height), fullscreen=fullscreen, seed=seed, facilitator=facilitator)
            if message:
                click.echo(f"crmsim: {message}", err=True)
                sys.exit(1)
            return
        entry = entry or open_scenario(scenario_path(Path("anaphylaxis-ga")))
        script = pick_script(entry.loaded, script_file, team) if entry.loaded is not None else None
        saved = screenshots(entry, script, shots_dir, (width, height), facilitator=facilitator)
    except BootError as exc:
        fail_usage(str(exc))
    for shot in saved:
        click.echo(str(shot))
    if entry.loaded is None:
        click.echo(f"crmsim: {entry.path} has problems; the error screen is in {saved[-1]}", err=True)
        sys.exit(1)
