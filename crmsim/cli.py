"""The ``crmsim`` command line: one click group, one small function per command.

A user's mistake (a missing file, a malformed scenario) is a one-line message and a non-zero exit,
never a traceback. Exit codes: 0 success, 1 the input has problems, 2 the command was used wrongly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from crmsim import __version__
from crmsim.schema.export import json_schema_text
from crmsim.schema.load import load_scenario
from crmsim.schema.problems import ProblemsError
from crmsim.schema.catalogue import find_scenario_files


def fail_usage(message: str) -> NoReturn:
    """Print a one-line usage error and exit 2."""
    click.echo(f"crmsim: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="crmsim", message="%(prog)s %(version)s")
def main() -> None:
    """crmsim: crew-resource-management team training for healthcare.

    For education and simulation training only; not for clinical use.
    """


@main.command()
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


@main.command()
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


if __name__ == "__main__":
    main()
