"""The session core: determinism, the closed loop, team rules, facilitator control, replay and resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmsim.core.headless import ScriptRunner
from crmsim.core.log import LogWriter, read_log
from crmsim.core.replay import resume, verify
from crmsim.core.session import Issued, Session
from crmsim.schema import commands as c
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.units import parse_quantity

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "anaphylaxis-ga.yaml"


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(SCENARIO)


def run_to_file(loaded: LoadedScenario, path: Path, team: str = "reference", seed: int = 7) -> Session:
    with LogWriter.open(path) as writer:
        session = Session(loaded, seed, started_at="2026-01-01T00:00:00+00:00", log=writer)
        ScriptRunner(loaded.scripts[team]).run(session)
    return session


def kinds(session: Session) -> list[str]:
    return [r.kind for r in session.records]


def test_same_seed_same_commands_give_byte_identical_logs(loaded: LoadedScenario, tmp_path: Path) -> None:
    """Same scenario file, seed and command stream ⇒ a byte-identical log."""
    run_to_file(loaded, tmp_path / "a.jsonl")
    run_to_file(loaded, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


@pytest.mark.parametrize("team", ["reference", "novice"])
def test_scripted_team_reaches_an_end(loaded: LoadedScenario, tmp_path: Path, team: str) -> None:
    """A scripted team drives the scenario to an end state, and the log's last record says how it ended."""
    session = run_to_file(loaded, tmp_path / "log.jsonl", team)
    assert session.ended and session.outcome in {"resolved", "death", "time_limit"}
    log = read_log(tmp_path / "log.jsonl")
    assert log.records[-1].kind == "SessionEnded" and not log.torn


def test_every_communication_kind_is_logged(loaded: LoadedScenario) -> None:
    """Each kind of communication in the reference script appears in the log as its own record."""
    session = ScriptRunner(loaded.scripts["reference"]).run(Session(loaded, 3))
    expected = {"OrderGiven", "OrderAcknowledged", "OrderDone", "FindingCalledOut", "EmergencyDeclared",
                "DiagnosisDeclared", "HelpCalled", "TaskAssigned", "SummaryGiven", "ConcernRaised",
                "ConcernAnswered", "DoseCrossChecked", "AidOpened", "RoleArrived", "LineSpoken", "ErrorCaught"}  # fmt: skip
    assert expected <= set(kinds(session)), expected - set(kinds(session))


def test_closed_loop_links_order_read_back_action_and_done_report(loaded: LoadedScenario) -> None:
    """An order, its read-back, the action it caused and its done report all carry the same order id, in order."""
    session = ScriptRunner(loaded.scripts["reference"]).run(Session(loaded, 3))
    given = next(r for r in session.records if r.kind == "OrderGiven" and r.data["action"] == "crystalloid_bolus")
    order = given.data["order"]
    linked = [r for r in session.records if r.data.get("order") == order and r.kind != "CommandIssued"]
    assert [r.kind for r in linked] == ["OrderGiven", "OrderAcknowledged", "ActionStarted", "InterventionPerformed",
                                        "OrderDone"]  # fmt: skip
    assert linked[1].data["read_back"] is True
    assert [r.seq for r in linked] == sorted(r.seq for r in linked)


def test_clarify_and_decline_are_linked_to_their_order(loaded: LoadedScenario) -> None:
    """An order can be clarified and declined; both records name the order, and a declined order is closed."""
    s = Session(loaded, 1)
    s.submit(Issued("p1", c.Order(do="order", to="odp", action="stop_trigger"), label="x"))
    s.step()
    s.submit(Issued("p2", c.Clarify(do="clarify", order="x", question="Which infusion?")))
    s.step()
    s.submit(Issued("p2", c.Decline(do="decline", order="o1", reason="Already stopped")))
    s.step()
    s.submit(Issued("p2", c.ReportDone(do="report_done", order="o1")))
    s.step()
    linked = [(r.kind, r.data["order"]) for r in s.records if r.kind.startswith("Order")]
    assert linked == [("OrderGiven", "o1"), ("OrderClarified", "o1"), ("OrderDeclined", "o1")]
    assert s.records[-1].kind == "CommandRejected" and "declined" in s.records[-1].data["reason"]


def test_role_may_only_do_what_the_scenario_permits(loaded: LoadedScenario) -> None:
    """A command a role is not permitted is recorded as rejected, with the reason; nothing is given."""
    s = Session(loaded, 1)
    s.submit(Issued("p3", c.Perform(do="perform", action="adrenaline", dose=parse_quantity("50 mcg"), route="iv")))
    s.step()
    rejected = s.records[-1]
    assert rejected.kind == "CommandRejected" and "may not perform" in rejected.data["reason"]
    assert "DrugGiven" not in kinds(s)


def test_busy_role_cannot_start_another_action(loaded: LoadedScenario) -> None:
    """An action keeps its performer busy for its duration; a second action meanwhile is rejected."""
    s = Session(loaded, 1)
    s.submit(Issued("p1", c.Perform(do="perform", action="adrenaline", dose=parse_quantity("50 mcg"), route="iv")))
    s.submit(Issued("p1", c.Perform(do="perform", action="oxygen_high_flow")))
    s.step()
    assert s.records[-1].kind == "CommandRejected" and "busy" in s.records[-1].data["reason"]


def test_called_role_arrives_after_its_delay(loaded: LoadedScenario) -> None:
    """A role not present at the start arrives its scenario-defined delay after help is called, and not before."""
    s = Session(loaded, 1)
    s.submit(Issued("p4", c.CallOut(do="call_out", finding="sbp")))
    s.submit(Issued("p1", c.CallHelp(do="call_help")))
    s.step()
    assert s.records[-1].kind == "HelpCalled" and any(r.kind == "CommandRejected" for r in s.records)
    called_at = s.now
    while "RoleArrived" not in kinds(s):
        s.step()
    arrived = next(r for r in s.records if r.kind == "RoleArrived")
    assert arrived.data["role"] == "second_anaesthetist"
    assert arrived.t == pytest.approx(called_at + 120, abs=0.11)


def test_facilitator_controls(loaded: LoadedScenario) -> None:
    """Pause stops sim time, resume restarts it, jump enters a phase, annotate and inject are logged, end ends."""
    s = Session(loaded, 1)
    s.step()
    s.submit(Issued("facilitator", c.Pause(do="pause")))
    s.step()
    t = s.now
    for _ in range(5):
        s.step()
    assert s.now == t and s.paused
    s.submit(Issued("facilitator", c.Resume(do="resume")))
    s.step()
    s.step()
    assert s.now > t
    for cmd in (c.Annotate(do="annotate", tag="good_callout", note="clear"),
                c.TriggerInject(do="trigger_inject", inject="cuff_failure"),
                c.JumpToPhase(do="jump", phase="refractory"), c.EndSession(do="end")):  # fmt: skip
        s.submit(Issued("facilitator", cmd))
    s.step()
    assert {"Annotated", "InjectFired", "EquipmentFailed", "PhaseEntered", "SessionEnded"} <= set(kinds(s))
    assert s.ended and s.outcome == "ended"


def test_team_cannot_use_facilitator_commands(loaded: LoadedScenario) -> None:
    """Only the facilitator can pause, jump or end; a participant's attempt is rejected."""
    s = Session(loaded, 1)
    s.submit(Issued("p1", c.EndSession(do="end")))
    s.step()
    assert not s.ended and s.records[-1].kind == "CommandRejected"


@pytest.mark.parametrize("team", ["reference", "novice"])
def test_replay_verify_passes_on_a_run(loaded: LoadedScenario, tmp_path: Path, team: str) -> None:
    """Re-simulating a log from its own header and commands reproduces every record byte for byte."""
    run_to_file(loaded, tmp_path / "log.jsonl", team)
    assert verify(read_log(tmp_path / "log.jsonl"), loaded) is None


def test_replay_verify_finds_a_tampered_record(loaded: LoadedScenario, tmp_path: Path) -> None:
    """A log whose records were edited no longer verifies, and the first differing line is named."""
    path = tmp_path / "log.jsonl"
    run_to_file(loaded, path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if '"kind":"DrugGiven"' in line)
    lines[index] = lines[index].replace('"dose":50.0', '"dose":500.0')
    path.write_text("".join(lines), encoding="utf-8")
    difference = verify(read_log(path), loaded)
    assert difference is not None and difference.line == index + 1


@pytest.mark.parametrize("fraction", [0.1, 0.37, 0.5, 0.83])
def test_killed_run_resumes_to_the_same_final_log(loaded: LoadedScenario, tmp_path: Path, fraction: float) -> None:
    """A run cut off midway (even mid-line) resumes from its log to exactly the log of an uninterrupted run."""
    whole = tmp_path / "whole.jsonl"
    run_to_file(loaded, whole)
    data = whole.read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: int(len(data) * fraction)])
    session, done = resume(cut, loaded)
    ScriptRunner(loaded.scripts["reference"]).run(session, skip=done)
    session.sync_log()
    assert cut.read_bytes() == data


def test_nothing_happens_after_the_end_and_paused_steps_replay(loaded: LoadedScenario, tmp_path: Path) -> None:
    """Commands after the end (even the facilitator's, in the same step) are rejected; pauses, resumes and
    commands given while paused replay byte for byte."""
    path = tmp_path / "log.jsonl"
    with LogWriter.open(path) as writer:
        s = Session(loaded, 2, log=writer)
        for _ in range(5):
            s.step()
        s.submit(Issued("facilitator", c.Pause(do="pause")))
        s.submit(Issued("facilitator", c.Annotate(do="annotate", tag="a")))
        s.step()
        s.submit(Issued("p1", c.Declare(do="declare")))
        s.step()
        s.submit(Issued("facilitator", c.Resume(do="resume")))
        s.step()
        s.step()
        s.submit(Issued("facilitator", c.EndSession(do="end")))
        s.submit(Issued("facilitator", c.JumpToPhase(do="jump", phase="treatment")))
        s.step()
    rejected = [r.data["reason"] for r in s.records if r.kind == "CommandRejected"]
    assert rejected == ["the session is paused", "the session has ended"]
    assert [r.kind for r in s.records[-3:]] == ["SessionEnded", "CommandIssued", "CommandRejected"]
    assert s.runtime.phase.id == "onset"
    assert verify(read_log(path), loaded) is None
