"""What every command shares: the one-line usage error, printing problems, and finding a scenario by path or id."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from crmsim.schema.catalogue import bundled_scenario_dir
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.problems import Problem, ProblemsError


def fail_usage(message: str) -> NoReturn:
    """Print a one-line usage error and exit 2."""
    click.echo(f"crmsim: {message}", err=True)
    sys.exit(2)


def fail_input(message: str) -> NoReturn:
    """A problem with an input file's content (a corrupt log): one line on stderr, exit 1."""
    click.echo(f"crmsim: {message}", err=True)
    sys.exit(1)


def fail_problems(problems: list[Problem], summary: str) -> NoReturn:
    """Print every problem as FILE:LINE:COL with its snippet, then a one-line summary, and exit 1."""
    for problem in problems:
        click.echo(problem.format(), err=True)
    click.echo(f"crmsim: {summary}", err=True)
    sys.exit(1)


def scenario_path(name: Path) -> Path:
    """A scenario file named on the command line: a path, or the id of a bundled scenario (``anaphylaxis-ga``)."""
    if name.exists():
        return name
    bundled = bundled_scenario_dir() / f"{name.name}.yaml"
    if len(name.parts) == 1 and bundled.is_file():
        return bundled
    fail_usage(f"no such scenario file: {name} (nor a bundled scenario of that id)")


def load_or_exit(name: Path) -> LoadedScenario:
    """Load and check a scenario, or print its problems and exit 1."""
    path = scenario_path(name)
    try:
        return load_scenario(path)
    except ProblemsError as exc:
        fail_problems(exc.problems, f"{path} has problems; fix them and run again")
