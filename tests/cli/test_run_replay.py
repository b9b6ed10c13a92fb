"""`crmsim run` and `crmsim replay` as a user calls them: headless runs, verification, state at a time, resume, bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crmsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "anaphylaxis-ga.yaml"


def crmsim(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module", autouse=True)
def store_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Runs record into a temporary session store, never the user's data folder."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRMSIM_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def reference_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref")
    result = crmsim("run", SCENARIO, "--team", "reference", "--seed", "5", "--out", out)
    assert result.exit_code == 0, result.output
    return out / "log.jsonl"


def one_line_error(result: Result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: "), result.stderr
    return lines[0]


def test_run_writes_the_log_and_prints_a_summary(reference_log: Path) -> None:
    """`crmsim run` writes DIR/log.jsonl ending in SessionEnded and prints outcome, duration and counts."""
    result = crmsim("run", SCENARIO, "--team", "novice", "--out", reference_log.parent / "novice")
    assert result.exit_code == 0
    assert "outcome:" in result.output and "duration:" in result.output and "communications" in result.output
    last = json.loads(reference_log.read_text(encoding="utf-8").splitlines()[-1])
    assert last["kind"] == "SessionEnded"


def test_two_runs_with_one_seed_are_byte_identical(reference_log: Path, tmp_path: Path) -> None:
    """Two headless runs of one scenario, script and seed give byte-identical log files, header included."""
    assert crmsim("run", SCENARIO, "--team", "reference", "--seed", "5", "--out", tmp_path).exit_code == 0
    assert (tmp_path / "log.jsonl").read_bytes() == reference_log.read_bytes()


def test_a_bundled_scenario_can_be_named_by_its_id(tmp_path: Path) -> None:
    """`crmsim run anaphylaxis-ga` finds the bundled scenario, so the command works outside a checkout."""
    result = crmsim("run", "anaphylaxis-ga", "--out", tmp_path)
    assert result.exit_code == 0, result.output


def test_replay_verify_passes_on_a_run_and_fails_on_a_tampered_log(reference_log: Path, tmp_path: Path) -> None:
    """`replay --verify` exits 0 on an untouched log and 1, naming the first differing line, on an edited one."""
    ok = crmsim("replay", reference_log, "--verify")
    assert ok.exit_code == 0 and "verified" in ok.output
    lines = reference_log.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if '"kind":"FindingCalledOut"' in line)
    lines[index] = lines[index].replace("Systolic", "Diastolic")
    tampered = tmp_path / "log.jsonl"
    tampered.write_text("".join(lines), encoding="utf-8")
    bad = crmsim("replay", tampered, "--verify")
    assert bad.exit_code == 1 and f"log.jsonl:{index + 1}: differs from the re-run" in bad.stderr


def test_replay_until_prints_the_state_at_that_time(reference_log: Path) -> None:
    """`replay --until T` prints the screen's view at sim time T as JSON: vitals, phase, roles, orders, messages."""
    result = crmsim("replay", reference_log, "--until", "1 min")
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)
    assert state["t"] == pytest.approx(60.0) and state["phase"] == "treatment"
    assert set(state["vitals"]) >= {"hr", "sbp", "spo2", "rhythm"} and state["roles"] and state["messages"]
    assert crmsim("replay", reference_log, "--until", "90").exit_code == 0


@pytest.mark.parametrize("fraction", [0.25, 0.6])
def test_a_cut_off_run_resumes_to_the_uninterrupted_log(reference_log: Path, tmp_path: Path, fraction: float) -> None:
    """`run --resume` on a log cut off mid-line finishes it byte-identical to the run that was never interrupted."""
    data = reference_log.read_bytes()
    (tmp_path / "log.jsonl").write_bytes(data[: int(len(data) * fraction)])
    result = crmsim("run", SCENARIO, "--team", "reference", "--seed", "5", "--out", tmp_path, "--resume")
    assert result.exit_code == 0, result.output
    assert "resumed:" in result.output
    assert (tmp_path / "log.jsonl").read_bytes() == data


def test_usage_mistakes_are_one_line_and_exit_2(reference_log: Path, tmp_path: Path) -> None:
    """A missing scenario, an unknown team, an existing log, nothing to resume or a missing flag: one line, exit 2."""
    cases = [
        (("run", tmp_path / "nope.yaml", "--out", tmp_path), "no such scenario file"),
        (("run", SCENARIO, "--team", "experts", "--out", tmp_path), "has no script 'experts'"),
        (("run", SCENARIO, "--out", reference_log.parent), "already exists"),
        (("run", SCENARIO, "--out", tmp_path / "empty", "--resume"), "nothing to resume"),
        (("run", SCENARIO, "--team", "novice", "--script", SCENARIO, "--out", tmp_path), "not both"),
        (("replay", reference_log), "give --verify"),
        (("replay", tmp_path / "none.jsonl", "--verify"), "no such log file"),
        (("replay", reference_log, "--until", "soon"), "--until"),
    ]
    for args, message in cases:
        result = crmsim(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in one_line_error(result)


def test_a_malformed_log_is_a_clear_error(tmp_path: Path) -> None:
    """A file that is not a crmsim log gets one line naming the file and line, never a traceback."""
    log = tmp_path / "log.jsonl"
    log.write_text('{"format": "crmsim-log", "format_version": 1}\nnot json at all\n{"seq": 1}\n', encoding="utf-8")
    assert "log.jsonl:2:" in one_line_error(crmsim("replay", log, "--verify"))


def test_a_changed_scenario_is_refused(reference_log: Path, tmp_path: Path) -> None:
    """Replaying against an edited scenario file is refused: the log would not mean the same thing."""
    for name in ("anaphylaxis-ga.yaml", "anaphylaxis-ga.reference.script.yaml", "anaphylaxis-ga.novice.script.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    edited = tmp_path / "anaphylaxis-ga.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    message = one_line_error(crmsim("replay", reference_log, "--verify", "--scenario", edited))
    assert "has changed since this log was written" in message


def test_a_bad_script_file_names_file_line_and_column(tmp_path: Path) -> None:
    """A --script with a step for a role the scenario lacks is reported as FILE:LINE:COL and exits 1."""
    script = tmp_path / "team.script.yaml"
    script.write_text("description: x\nsteps:\n  - {at: 5 s, by: surgeon_2, do: declare}\n", encoding="utf-8")
    result = crmsim("run", SCENARIO, "--script", script, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{script}:3:" in result.stderr and "unknown role 'surgeon_2'" in result.stderr
    assert "Traceback" not in result.output
