"""The cohort view across sessions: the markers teams miss most (counted from each session's debrief), the spread
of times to the key actions, the trend in time order, and ``crmsim cohort`` over log files or the session store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from debrief_logs import Run

from crmsim.cli import main
from crmsim.debrief.cohort import build_cohort
from crmsim.debrief.html import render_cohort
from crmsim.debrief.model import Debrief


def crmsim(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def anaphylaxis(runs: dict[tuple[str, str, int], Run]) -> list[Run]:
    """Reference and novice runs of anaphylaxis with two seeds."""
    return [r for key, r in runs.items() if key[0] == "anaphylaxis-ga"]


def test_the_cohort_names_the_markers_missed_most(anaphylaxis: list[Run]) -> None:
    """Each marker's missed count is the number of sessions whose debrief has it missed; markers are ranked by it;
    a marker every novice run missed and no reference run did is among the most missed and the recurring lessons,
    and the report names it."""
    debriefs = [r.debrief for r in anaphylaxis]
    part = build_cohort(debriefs).scenarios[0]
    assert len(part.sessions) == 4
    for stats in part.markers:
        statuses = [m.status for d in debriefs for m in d.markers if m.id == stats.id]
        assert stats.missed == statuses.count("missed") and stats.met == statuses.count("met")
        assert stats.due == len([s for s in statuses if s != "not_due"])
    assert [m.missed for m in part.markers] == sorted((m.missed for m in part.markers), reverse=True)
    novice_only = {m.id for m in part.markers
                   if all(any(x.id == m.id and x.status == "missed" for x in r.debrief.markers) == (r.team == "novice")
                          for r in anaphylaxis)}  # fmt: skip
    assert novice_only, "the novice script misses some marker the reference team meets"
    top = {m.id for m in part.most_missed(len(novice_only))}
    assert novice_only <= top
    html = render_cohort(build_cohort(debriefs))
    for marker in part.markers:
        if marker.id in novice_only:
            assert marker.description.rstrip(".") in " ".join(part.lessons)
            assert marker.description in html


def test_times_to_key_actions_are_the_sessions_delays(anaphylaxis: list[Run]) -> None:
    """Each expected step's distribution is the delays the sessions logged for it, with the median between the
    quartiles and the range around them; steps not done are counted, not timed."""
    debriefs = [r.debrief for r in anaphylaxis]
    part = build_cohort(debriefs).scenarios[0]
    for index, stats in enumerate(part.steps):
        delays = sorted(d.steps[index].delay_s for d in debriefs if d.steps[index].delay_s is not None)
        assert sorted(stats.delays) == delays
        if delays:
            assert stats.low == delays[0] and stats.high == delays[-1]
            assert stats.low <= stats.q1 <= stats.median <= stats.q3 <= stats.high  # type: ignore[operator]
        assert len(stats.delays) + stats.not_done <= len(debriefs)


def test_the_trend_follows_the_start_times(anaphylaxis: list[Run]) -> None:
    """Sessions are ordered by their start time, whatever order they were given in."""
    stamped: list[Debrief] = []
    for i, r in enumerate(anaphylaxis):
        when = f"2026-0{4 - i}-01T09:00:00Z"
        stamped.append(dataclasses.replace(r.debrief, session=dataclasses.replace(r.debrief.session, started_at=when)))
    part = build_cohort(stamped).scenarios[0]
    assert [p.started_at for p in part.sessions] == sorted(p.session.started_at for p in stamped)
    for point in part.sessions:
        source = next(d for d in stamped if d.session.started_at == point.started_at)
        assert point.markers_met == sum(1 for m in source.markers if m.status == "met")


def test_cli_cohort_over_logs_writes_the_report(anaphylaxis: list[Run], runs: dict[tuple[str, str, int], Run],
                                                tmp_path: Path) -> None:  # fmt: skip
    """`crmsim cohort LOG... -o FILE` reports per scenario, names the most missed markers, and --scenario keeps one
    scenario's sessions."""
    out = tmp_path / "cohort.html"
    logs = [r.path for r in runs.values()]
    result = crmsim("cohort", *logs, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"{len(logs)} sessions" in result.output and "most missed" in result.output
    html = out.read_text(encoding="utf-8")
    assert 'id="anaphylaxis-ga"' in html and 'id="cico"' in html
    only = crmsim("cohort", *logs, "--scenario", "cico", "-o", out)
    assert only.exit_code == 0 and 'id="anaphylaxis-ga"' not in out.read_text(encoding="utf-8")
    none = crmsim("cohort", *logs, "--scenario", "no-such-scenario", "-o", out)
    assert none.exit_code == 1 and none.stderr.count("\n") == 1 and "no sessions of no-such-scenario" in none.stderr


def test_cli_cohort_reads_the_session_store(anaphylaxis: list[Run], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Without log files, `crmsim cohort` reports on the sessions in the store (CRMSIM_HOME), labelled by their ids;
    `crmsim debrief ID` debriefs one stored session."""
    from crmsim.store import open_store

    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    empty = crmsim("cohort", "-o", tmp_path / "c.html")
    assert empty.exit_code == 1 and "no sessions" in empty.stderr
    with open_store() as store:
        ids = [store.add_session(r.path.read_text(encoding="utf-8"), source="run") for r in anaphylaxis]
    result = crmsim("cohort", "--scenario", "anaphylaxis-ga", "-o", tmp_path / "c.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert f"{len(ids)} sessions" in result.output and all(i in html for i in ids)
    one = crmsim("debrief", ids[0], "-o", tmp_path / "one.html")
    assert one.exit_code == 0, one.output
    assert "Debrief: Anaphylaxis" in (tmp_path / "one.html").read_text(encoding="utf-8")


def test_cli_cohort_shared_between_processes_writes_the_same_report(runs: dict[tuple[str, str, int], Run],
                                                                    tmp_path: Path) -> None:  # fmt: skip
    """Many sessions are summarised by worker processes (--jobs) and the report is byte-identical to one process's,
    sessions and warnings in the order given; an unreadable log in a worker's share is skipped with a warning."""
    from crmsim.cli.cohort import SHARE_AT_LEAST

    broken = tmp_path / "broken.jsonl"
    broken.write_text("not a log\n", encoding="utf-8")
    logs = [r.path for r in runs.values()] * (2 * SHARE_AT_LEAST // len(runs) + 1) + [broken]
    one = crmsim("cohort", *logs, "-o", tmp_path / "one.html", "--jobs", "1")
    two = crmsim("cohort", *logs, "-o", tmp_path / "two.html", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, (one.output, two.output)
    assert one.output.replace("one.html", "two.html") == two.output and f"{len(logs) - 1} sessions" in one.output
    assert one.stderr == two.stderr and one.stderr.count("skipped") == 1 and str(broken) in one.stderr
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()


def test_cli_cohort_without_worker_processes_works_in_one(runs: dict[tuple[str, str, int], Run], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Where worker processes cannot be started, the cohort is summarised in the one process, with the same
    report."""
    from crmsim.cli import cohort as cohort_cli

    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    logs = [r.path for r in runs.values()] * (2 * cohort_cli.SHARE_AT_LEAST // len(runs) + 1)
    one = crmsim("cohort", *logs, "-o", tmp_path / "one.html", "--jobs", "1")
    monkeypatch.setattr(cohort_cli, "ProcessPoolExecutor", no_processes)
    two = crmsim("cohort", *logs, "-o", tmp_path / "two.html", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, two.output
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()
