"""``crmsim validate`` and ``crmsim schema``: check scenario files, print the scenario language's JSON Schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crmsim.cli.common import fail_usage
from crmsim.schema.catalogue import find_scenario_files
from crmsim.schema.export import json_schema_text
from crmsim.schema.load import load_scenario
from crmsim.schema.problems import ProblemsError


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, not the files that are valid.")
def validate(paths: tuple[Path, ...], quiet: bool) -> None:
    """Check scenario files (or every scenario in folders) and report every problem as FILE:LINE:COL."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        fail_usage(f"no such file or folder: {missing[0]}")
    files = find_scenario_files(paths)
    if not files:
        fail_usage("no scenario files (*.yaml) found in " + ", ".join(str(p) for p in paths))
    failed = 0
    for file in files:
        try:
            loaded = load_scenario(file)
        except ProblemsError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(problem.format())
            continue
        for warning in loaded.warnings:
            click.echo(warning.format())
        if not quiet:
            click.echo(f"{file}: ok ({loaded.scenario.id} {loaded.scenario.version})")
    total = len(files)
    click.echo(f"{total - failed} of {total} scenario file(s) valid", err=True)
    sys.exit(1 if failed else 0)


@click.command()
@click.option(
    "--kind",
    type=click.Choice(["scenario", "script"]),
    default="scenario",
    show_default=True,
    help="The schema of a scenario file or of a script file.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft-07) of the scenario language, for editors."""
    click.echo(json_schema_text(kind), nl=False)  # type: ignore[arg-type]
