"""Fuzzing the log reader and the commands that read logs: mutated, truncated and garbage logs are refused cleanly.

A real log (a bundled scenario played headless) is cut at any byte, has lines deleted, duplicated or swapped, bytes
flipped, values replaced with wrong types, huge or non-finite numbers, deep nesting or non-UTF-8 text — or is
replaced by garbage. ``read_log`` returns a ``Log`` or raises ``LogError`` with a one-line message; ``crmsim score``,
``crmsim replay --verify`` and ``crmsim debrief`` end with an exit code (1 for a bad log) and a message on stderr,
never a traceback. CI runs a few hundred cases; ``CRMSIM_HARDENING=full`` runs thousands (docs/hardening.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hardening_support import SCENARIOS, assert_clean_exit, crmsim, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from crmsim.core.log import Log, LogError, LogWriter, read_log


def _play(folder: Path, scenario_id: str, team: str, pause_at: int | None = None) -> Path:
    """A bundled scenario played by one of its scripted teams into a log; with ``pause_at``, the facilitator also
    pauses at that tick, annotates while paused and resumes."""
    from crmsim.core.headless import ScriptRunner
    from crmsim.core.session import Issued, Session
    from crmsim.schema import commands as c
    from crmsim.schema.load import load_scenario

    loaded = load_scenario(SCENARIOS / f"{scenario_id}.yaml")
    path = folder / f"{scenario_id}-{team}-{pause_at}" / "log.jsonl"
    session = Session(loaded, 3, log=LogWriter.open(path))
    feeder = ScriptRunner(loaded.scripts[team]).feeder()
    while not session.ended:
        feeder.feed(session)
        if session.tick == pause_at:
            for command in (c.Pause(do="pause"), c.Annotate(do="annotate", tag="a"), c.Resume(do="resume")):
                session.submit(Issued("facilitator", command))
                session.step()
        session.step()
    session.close_log()
    return path


@pytest.fixture(scope="module")
def real_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Real logs to mutate: two teams in two scenarios, one of them paused and resumed by the facilitator."""
    folder = tmp_path_factory.mktemp("logs")
    return {"anaphylaxis-ga:reference": _play(folder, "anaphylaxis-ga", "reference").read_bytes(),
            "vf-arrest:novice": _play(folder, "vf-arrest", "novice").read_bytes(),
            "vf-arrest:novice:paused": _play(folder, "vf-arrest", "novice", pause_at=600).read_bytes()}


JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                        st.text(max_size=12), st.just([]), st.just({}), st.just("Infinity"))  # fmt: skip
#: Numbers put into a log as JSON text: not finite, too long to parse, beyond a float, or absurd but readable.
NUMBERS = ("1e999", "-1e400", "NaN", "9" * 400 + ".5", "1" * 5000, "7" * 400, "1e9", "1.7976931348623157e308")


@st.composite
def mutated_log(draw: st.DrawFn, logs: dict[str, bytes]) -> bytes:
    """A real log with one to three mutations, or garbage."""
    data = logs[draw(st.sampled_from(sorted(logs)))]
    kind = draw(st.sampled_from(("cut", "lines", "flip", "value", "number", "nesting", "encoding", "garbage")))
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "lines":
        j = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("delete", "duplicate", "swap", "blank")))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, b"   ")
        return b"\n".join(lines)
    if kind == "flip":
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at] = draw(st.integers(0, 255))
        return bytes(raw)
    if kind in ("value", "number", "nesting"):
        try:
            obj = json.loads(lines[i])
        except ValueError:
            return data
        target = obj.get("data", obj) if isinstance(obj, dict) else obj
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target)))
            if kind == "value":
                target[key] = draw(JSON_VALUES)
            elif kind == "number":
                target[key] = draw(st.sampled_from(NUMBERS))
            else:
                target[key] = json.loads("[" * 500 + "]" * 500) if draw(st.booleans()) else "deep"
        text = json.dumps(obj)
        for token in NUMBERS:
            text = text.replace(f'"{token}"', token)
        if kind == "nesting" and draw(st.booleans()):
            text = text[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
        lines[i] = text.encode()
        return b"\n".join(lines)
    if kind == "encoding":
        return draw(st.sampled_from((b"\xef\xbb\xbf", b"\xff\xfe", b""))) + data.decode().encode(
            draw(st.sampled_from(("utf-16", "latin-1", "utf-8"))), errors="replace").replace(b"\n", draw(
                st.sampled_from((b"\n", b"\r\n", b"\r"))))  # fmt: skip
    return draw(st.binary(max_size=3000))


def reads_or_refuses(path: Path) -> Log | None:
    """The rule: a Log, or LogError with a one-line message naming the file."""
    try:
        return read_log(path)
    except LogError as error:
        message = str(error)
        assert message.startswith(str(path)) and "\n" not in message
        return None


@fuzz_settings(ci=200, dedicated=4000)
@given(data=st.data())
def test_mutated_logs_read_or_raise_log_error(real_logs: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory,
                                               data: st.DataObject) -> None:  # fmt: skip
    """Any mutation of a real log — cut, lines shuffled, bytes flipped, bad values, huge numbers, deep nesting, wrong
    encodings, garbage — reads as a Log or raises LogError with one line naming the file; nothing else."""
    path = tmp_path_factory.getbasetemp() / "mutated.jsonl"
    path.write_bytes(data.draw(mutated_log(real_logs)))
    log = reads_or_refuses(path)
    if log is not None:
        assert all(r.seq == i for i, r in enumerate(log.records))


@fuzz_settings(ci=40, dedicated=1500)
@given(data=st.data())
def test_score_never_shows_a_traceback(real_logs: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory,
                                       data: st.DataObject) -> None:  # fmt: skip
    """`crmsim score` on a mutated log scores it (exit 0), or says why in one line (exit 1 for a bad log, 2 when
    its scenario cannot be found) — never a traceback."""
    path = tmp_path_factory.getbasetemp() / "score" / "log.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data.draw(mutated_log(real_logs)))
    result = crmsim("score", path, "--format", data.draw(st.sampled_from(("table", "json", "csv"))))
    assert_clean_exit(result)
    if reads_or_refuses(path) is None:
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


@fuzz_settings(ci=15, dedicated=600)
@given(data=st.data())
def test_replay_never_shows_a_traceback(real_logs: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory,
                                        data: st.DataObject) -> None:  # fmt: skip
    """`crmsim replay --verify` on a mutated log verifies it, reports where it differs, or refuses it in one line
    (exit 1 for a bad log) — never a traceback."""
    path = tmp_path_factory.getbasetemp() / "replay" / "log.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data.draw(mutated_log(real_logs)))
    result = crmsim("replay", path, "--verify")
    assert_clean_exit(result)
    if reads_or_refuses(path) is None:
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


@fuzz_settings(ci=20, dedicated=800)
@given(data=st.data())
def test_debrief_never_shows_a_traceback(real_logs: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory,
                                         data: st.DataObject) -> None:  # fmt: skip
    """`crmsim debrief` on a mutated log writes its report or says why (exit 1 for a bad log) — never a traceback."""
    folder = tmp_path_factory.getbasetemp() / "debrief"
    folder.mkdir(exist_ok=True)
    path = folder / "log.jsonl"
    path.write_bytes(data.draw(mutated_log(real_logs)))
    result = crmsim("debrief", path, "-o", folder / "report.html")
    assert_clean_exit(result)
    if reads_or_refuses(path) is None:
        assert result.exit_code == 1


def test_a_log_cut_inside_its_header_is_one_clear_line(real_logs: dict[str, bytes], tmp_path: Path) -> None:
    """A log cut off while its header was written is refused by every command with one line and exit 1."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(real_logs["anaphylaxis-ga:reference"][:40])
    for args in (("score", path), ("replay", path, "--verify"), ("debrief", path, "-o", tmp_path / "r.html")):
        result = crmsim(*args)
        assert_clean_exit(result, (1,))
        assert "the header is incomplete" in result.stderr


HEADER_FAULTS = {
    "participants-not-a-list": lambda h: h.update(participants=None),
    "participant-without-role": lambda h: h["participants"][0].pop("role"),
    "participant-role-not-in-scenario": lambda h: h["participants"][0].update(role="juggler"),
    "seed-missing": lambda h: h.pop("seed"),
    "seed-not-a-number": lambda h: h.update(seed="x"),
    "tick-negative": lambda h: h.update(tick_s=-1),
    "scenario-not-an-object": lambda h: h.update(scenario=[]),
}


@pytest.mark.parametrize("fault", sorted(HEADER_FAULTS))
def test_a_malformed_header_is_one_clear_line_everywhere(real_logs: dict[str, bytes], tmp_path: Path,
                                                         fault: str) -> None:  # fmt: skip
    """Regression (found by the fuzzer): a header whose seed, tick, scenario or participants are missing or of the
    wrong type made score, replay and debrief crash with a TypeError/KeyError; now each says so in one line."""
    first, rest = real_logs["anaphylaxis-ga:reference"].split(b"\n", 1)
    header = json.loads(first)
    HEADER_FAULTS[fault](header)
    path = tmp_path / "log.jsonl"
    path.write_bytes(json.dumps(header).encode() + b"\n" + rest)
    for args in (("score", path), ("replay", path, "--verify"), ("debrief", path, "-o", tmp_path / "r.html")):
        result = crmsim(*args)
        assert_clean_exit(result, (1, 2) if fault == "scenario-not-an-object" else (0, 1, 2))
        assert len(result.stderr.strip().splitlines()) <= 1 or result.exit_code == 0


@pytest.mark.parametrize("kind, field, value", [("OrderGiven", "order", ["o1"]), ("DrugGiven", "dose", None),
                                                 ("VitalsSampled", "hr", "fast"), ("CommandIssued", "by", 7)])
def test_a_record_of_the_wrong_shape_is_one_clear_line_everywhere(real_logs: dict[str, bytes], tmp_path: Path,
                                                                  kind: str, field: str, value: object) -> None:  # fmt: skip
    """Regression (found by the fuzzer): a record whose payload field had the wrong type (an order id that is a
    list, a dose that is null) crashed score and debrief with TypeError; now every command refuses it in one line
    naming the log's line, and replay refuses a command it cannot re-run."""
    lines = real_logs["vf-arrest:novice"].split(b"\n")
    at = next(i for i, line in enumerate(lines) if f'"kind":"{kind}"'.encode() in line)
    record = json.loads(lines[at])
    record["data"][field] = value
    lines[at] = json.dumps(record).encode()
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\n".join(lines))
    for args in (("score", path), ("replay", path, "--verify"), ("debrief", path, "-o", tmp_path / "r.html")):
        result = crmsim(*args)
        assert_clean_exit(result, (1, 2))
        assert f":{at + 1}" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_replay_refuses_a_command_it_cannot_re_run(real_logs: dict[str, bytes], tmp_path: Path) -> None:
    """Regression: a logged command that is not a command (an empty object) made replay crash with a validation
    error; it is now refused in one line naming the log's line, exit 1."""
    lines = real_logs["vf-arrest:novice"].split(b"\n")
    at = next(i for i, line in enumerate(lines) if b'"kind":"CommandIssued"' in line)
    record = json.loads(lines[at])
    record["data"]["command"] = {}
    lines[at] = json.dumps(record).encode()
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\n".join(lines))
    result = crmsim("replay", path, "--verify")
    assert_clean_exit(result, (1,))
    assert f"line {at + 1}: a command that cannot be re-run" in result.stderr


def _with(data: bytes, kind: str, changes: dict[str, object], last: bool = False) -> bytes:
    """``data`` with the first (or last) record of ``kind`` changed: payload fields, or ``t`` for the record's time."""
    lines = data.split(b"\n")
    found = [i for i, line in enumerate(lines) if f'"kind":"{kind}"'.encode() in line]
    at = found[-1] if last else found[0]
    record = json.loads(lines[at])
    for key, value in changes.items():
        (record if key == "t" else record["data"])[key] = value
    lines[at] = json.dumps(record).encode()
    return b"\n".join(lines)


@pytest.mark.parametrize("kind, changes, last", [
    ("VitalsSampled", {"hr": 1e9}, False),
    ("VitalsSampled", {"sbp": 2**70, "etco2": 1.7976931348623157e308}, True),
    ("HelpCalled", {"sbar_parts": 2**70}, False),
])  # fmt: skip
def test_absurd_numbers_in_a_log_give_a_report_of_the_usual_size(real_logs: dict[str, bytes], tmp_path: Path,
                                                                  kind: str, changes: dict, last: bool) -> None:  # fmt: skip
    """Regression (the dedicated fuzz run ran out of memory): the chart drew a grid line every 50 mmHg up to the
    highest value in the log, so a damaged HR of 1e9 built millions of lines; an SBAR count beyond 4 rated past the
    top of the scale. The scales now stop at a cap: the report is written at about its usual size."""
    data = real_logs["anaphylaxis-ga:reference"]
    sizes = []
    for name, content in (("plain", data), ("absurd", _with(data, kind, changes, last))):
        (tmp_path / name).mkdir()
        path = tmp_path / name / "log.jsonl"
        path.write_bytes(content)
        result = crmsim("debrief", path, "-o", tmp_path / name / "report.html")
        assert_clean_exit(result, (0,))
        assert crmsim("score", path, "--format", "json").exit_code == 0
        sizes.append((tmp_path / name / "report.html").stat().st_size)
    assert sizes[1] < sizes[0] * 1.2, sizes


@pytest.mark.parametrize("t", [1e300, 2.0**70, 1501.5])
def test_a_record_past_the_time_limit_is_one_clear_line_everywhere(real_logs: dict[str, bytes], tmp_path: Path,
                                                                     t: float) -> None:  # fmt: skip
    """Regression (a sweep of extreme values): an end time of 1e300 stretched the debrief's time axis to millions
    of ticks and overflowed the xAPI export's timestamps. A session ends at its scenario's time limit (vf-arrest:
    1500 s), so a record later than that is refused by score, replay and debrief in one line naming its line,
    exit 1 (a bad log)."""
    data = _with(real_logs["vf-arrest:novice"], "SessionEnded", {"t": t})
    line = 1 + next(i for i, text in enumerate(data.split(b"\n")) if b'"SessionEnded"' in text)
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)
    for args in (("score", path), ("replay", path, "--verify"), ("debrief", path, "-o", tmp_path / "r.html")):
        result = crmsim(*args)
        assert_clean_exit(result, (1,))
        assert f":{line}: t " in result.stderr and "past the scenario's time limit of 1500 s" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_replay_refuses_a_command_logged_at_a_later_tick_while_paused(tmp_path: Path) -> None:
    """Regression: a log whose session paused and whose next command came at a later tick (time stands still while
    paused, so a real session cannot log that) made `replay --verify` step the paused session for ever; it is now
    refused in one line naming the log's line, exit 1."""
    from crmsim.core.session import Issued, Session
    from crmsim.schema import commands as c
    from crmsim.schema.load import load_scenario

    path = tmp_path / "log.jsonl"
    with LogWriter.open(path) as writer:
        session = Session(load_scenario(SCENARIOS / "vf-arrest.yaml"), 2, log=writer)
        for command in (None, c.Pause(do="pause"), None, c.Resume(do="resume"), None, c.EndSession(do="end")):
            if command is not None:
                session.submit(Issued("facilitator", command))
            session.step()
    lines, shifted = path.read_bytes().split(b"\n"), False
    for i, line in enumerate(lines):
        shifted = shifted or b'"resume"' in line
        if shifted and line:
            record = json.loads(line)
            record["tick"] += 3
            lines[i] = json.dumps(record).encode()
    path.write_bytes(b"\n".join(lines))
    result = crmsim("replay", path, "--verify")
    assert_clean_exit(result, (1,))
    assert "while the session was paused" in result.stderr and len(result.stderr.strip().splitlines()) == 1
