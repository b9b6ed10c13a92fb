"""Score one logged session: the team's and each participant's ratings in a framework, with the markers and
metrics behind them. This is the one entry point the CLI, the debrief and the tests use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmsim.core.log import Log, read_log
from crmsim.schema.frameworks import FRAMEWORK_IDS, load_framework
from crmsim.schema.load import LoadedScenario
from crmsim.scoring.events import Timeline, build_timeline
from crmsim.scoring.indicators import Context, Indicators, context, participant_indicators, team_indicators
from crmsim.scoring.markers import StepResult
from crmsim.scoring.rating import FrameworkRating, rate_all
from crmsim.scoring.source import scenario_facts, scenario_for_log


@dataclass(frozen=True)
class SessionScore:
    """A session rated in one framework."""

    log_path: str
    scenario_id: str
    framework_id: str
    team: FrameworkRating
    participants: tuple[FrameworkRating, ...]
    indicators: Indicators
    steps: tuple[StepResult, ...]
    timeline: Timeline


def score_log(log: Log, loaded: LoadedScenario, framework_id: str = "ants") -> SessionScore:
    """Rate a log (already read) of ``loaded`` in the framework ``framework_id``."""
    return score_analysis(analyse(log, loaded), framework_id)


@dataclass(frozen=True)
class Analysis:
    """Everything measured on one log, before any framework is applied (rate it in several with one analysis)."""

    log_path: str
    scenario_id: str
    context: Context
    team: Indicators
    people: tuple[Indicators, ...]


def analyse(log: Log, loaded: LoadedScenario) -> Analysis:
    """Measure every metric and marker of a log, for the team and for each participant."""
    ctx = context(build_timeline(log), scenario_facts(loaded))
    team = team_indicators(ctx)
    people = tuple(participant_indicators(ctx, pid, team) for pid in ctx.tl.participants)
    return Analysis(log.path, loaded.scenario.id, ctx, team, people)


def score_analysis(analysis: Analysis, framework_id: str) -> SessionScore:
    """Rate an analysed log in one framework."""
    if framework_id not in FRAMEWORK_IDS:
        raise KeyError(f"unknown framework '{framework_id}'; choose one of {', '.join(FRAMEWORK_IDS)}")
    team, *people = rate_all(load_framework(framework_id), (analysis.team, *analysis.people))
    return SessionScore(
        log_path=analysis.log_path, scenario_id=analysis.scenario_id, framework_id=framework_id,
        team=team, participants=tuple(people),
        indicators=analysis.team, steps=analysis.context.steps, timeline=analysis.context.tl,
    )  # fmt: skip


def score_file(path: Path, framework_id: str = "ants", scenario: Path | None = None) -> SessionScore:
    """Read a log file, find its scenario (or use ``scenario``) and rate it."""
    log = read_log(path)
    return score_log(log, scenario_for_log(log, scenario), framework_id)
