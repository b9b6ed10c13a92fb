"""The ``crmsim`` command line: one click group; each command lives in a small module of its own.

A user's mistake (a missing file, a malformed scenario) is a one-line message and a non-zero exit,
never a traceback. Exit codes: 0 success, 1 the input has problems, 2 the command was used wrongly.
"""

from __future__ import annotations

import click

from crmsim import __version__
from crmsim.cli import cohort, debrief, play, runs, scenarios, scoring, store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="crmsim", message="%(prog)s %(version)s")
def main() -> None:
    """crmsim: crew-resource-management team training for healthcare.

    For education and simulation training only; not for clinical use.
    """


for command in (scenarios.validate, scenarios.schema, runs.run, runs.replay, play.play, scoring.score, scoring.agreement,
                store.sessions, store.export, store.import_logs, store.override, store.forget, debrief.debrief,
                cohort.cohort):
    main.add_command(command)
