"""``crmsim score`` and ``crmsim agreement``: rate a logged session in a framework, and compare raters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click

from crmsim.cli.common import fail_usage

FRAMEWORKS = ("ants", "notss", "team", "ottawa", "acrm", "core")


def _fail_input(message: str) -> NoReturn:
    """A problem with an input file's content: one line on stderr, exit 1."""
    click.echo(f"crmsim: {message}", err=True)
    raise SystemExit(1)


def _log_path(path: Path) -> Path:
    """A log file, or a run folder holding ``log.jsonl``."""
    if path.is_dir():
        path = path / "log.jsonl"
    if not path.is_file():
        fail_usage(f"no such log file: {path}")
    return path


@click.command()
@click.argument("log", type=click.Path(path_type=Path))
@click.option("--framework", "-f", type=click.Choice(FRAMEWORKS), default="ants", show_default=True,
              help="The rating framework.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(("table", "json", "csv")), default="table", show_default=True)
@click.option("--participant", "-p", default=None, help="Show one participant's ratings (table) instead of the team's.")
@click.option("--overrides", type=click.Path(path_type=Path), default=None,
              help="CSV of educator re-ratings: element,score,rater,comment[,participant]; both ratings are kept.")
@click.option("--scenario", type=click.Path(path_type=Path), default=None,
              help="The scenario file, if it is not where the log says.")  # fmt: skip
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None, help="Write to this file.")
def score(log: Path, framework: str, fmt: str, participant: str | None, overrides: Path | None,
          scenario: Path | None, out_file: Path | None) -> None:  # fmt: skip
    """Rate the session in LOG (a log.jsonl or its run folder) in a framework, each rating with its evidence.

    Ratings are automatic and the evidence is record seqs of the log; an educator's re-ratings (--overrides)
    are kept beside them.
    """
    from crmsim.core.log import LogError
    from crmsim.schema.problems import ProblemsError
    from crmsim.scoring.overrides import OverrideError, apply_to_session, read_overrides
    from crmsim.scoring.report import to_csv_text, to_json_text, to_table
    from crmsim.scoring.scorer import score_file
    from crmsim.scoring.source import ScoringError

    path = _log_path(log)
    if scenario is not None and not scenario.is_file():
        fail_usage(f"no such scenario file: {scenario}")
    if overrides is not None and not overrides.is_file():
        fail_usage(f"no such overrides file: {overrides}")
    try:
        result = score_file(path, framework, scenario)
    except LogError as exc:
        _fail_input(str(exc))
    except ScoringError as exc:
        fail_usage(str(exc))
    except ProblemsError as exc:
        _fail_input(f"the log's scenario has problems ({exc.problems[0].format().splitlines()[0]}); "
                    "run crmsim validate on it")  # fmt: skip
    if overrides is not None:
        try:
            result = apply_to_session(result, read_overrides(overrides), str(overrides))
        except OverrideError as exc:
            _fail_input(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            _fail_input(f"{overrides}: cannot read it ({exc})")
    if participant is not None and participant not in {p.participant for p in result.participants}:
        known = ", ".join(p.participant or "" for p in result.participants)
        fail_usage(f"no participant '{participant}' in this log; known: {known}")
    if fmt == "json":
        text = to_json_text(result)
    elif fmt == "csv":
        text = to_csv_text(result)
    else:
        text = to_table(result, participant)
    if out_file is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        out_file.write_text(text, encoding="utf-8")


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--min", "low", type=int, default=None, help="The scale's lowest point (else read from the files).")
@click.option("--max", "high", type=int, default=None, help="The scale's highest point (else read from the files).")
@click.option("--weights", type=click.Choice(("linear", "quadratic")), default="linear", show_default=True,
              help="Disagreement weights of the weighted kappa.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
def agreement(files: tuple[Path, ...], low: int | None, high: int | None, weights: str, fmt: str) -> None:
    """Agreement between two or more raters' CSV files (e.g. `crmsim score --format csv` and an educator's):
    ICC(2,1), weighted kappa, % within one point and mean rwg over the targets all files rated.

    Each file needs a header with 'element' (or 'target') and 'score'; 'session', 'participant' and 'framework'
    columns, when every file has them, identify the target too.
    """
    from crmsim.scoring.agreement import AgreementError, compare, read_ratings

    if len(files) < 2:
        fail_usage("give at least two ratings files: crmsim agreement A.csv B.csv")
    if (low is None) != (high is None):
        fail_usage("give both --min and --max, or neither")
    for path in files:
        if not path.is_file():
            fail_usage(f"no such ratings file: {path}")
    try:
        scale = (low, high) if low is not None and high is not None else None
        found = compare([read_ratings(p) for p in files], scale, weights)  # type: ignore[arg-type]
    except AgreementError as exc:
        _fail_input(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        _fail_input(f"cannot read a ratings file ({exc})")
    if fmt == "json":
        click.echo(json.dumps(found.__dict__, indent=2))
        return
    click.echo(f"raters:          {found.raters}")
    click.echo(f"targets:         {found.targets} rated by every file (scale {found.scale[0]}-{found.scale[1]})")
    click.echo(f"ICC(2,1):        {found.icc2_1:.3f}")
    click.echo(f"weighted kappa:  {found.kappa_w:.3f} ({found.weights} weights)")
    click.echo(f"within 1 point:  {100 * found.within_one:.1f}%")
    click.echo(f"mean rwg:        {found.rwg_mean:.3f}")
