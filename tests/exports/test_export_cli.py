"""`crmsim export` as a user calls it: the three formats to a file or standard output, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crmsim.cli import main


@pytest.fixture(autouse=True)
def home(store_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CRMSIM_HOME", str(store_home))
    return store_home


def crmsim(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: "), result.stderr
    return lines[0]


def _ids() -> list[str]:
    return [s["id"] for s in json.loads(crmsim("sessions", "--format", "json").output)]


def test_each_format_is_written(tmp_path: Path) -> None:
    """csv, json and xapi exports of one session (named by an id prefix) or all are written to -o; names appear
    only with --include-names; -o - writes to standard output."""
    first, second = _ids()
    out = tmp_path / "one.csv"
    result = crmsim("export", "--format", "csv", "--session", first[:5], "-o", out)
    assert result.exit_code == 0 and "exported 1 session(s)" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {r["session"] for r in rows} == {first} and "Zelda" not in out.read_text(encoding="utf-8-sig")
    assert crmsim("export", "--format", "json", "--all", "--framework", "all", "-o", tmp_path / "a.json").exit_code == 0
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in doc["sessions"]] == [first, second] and len(doc["frameworks"]) == 6
    named = crmsim("export", "--format", "xapi", "--session", first, "--session", second, "--include-names", "-o", "-")
    assert named.exit_code == 0 and "Zelda Quartermaine" in named.stdout
    assert len(json.loads(named.stdout)) > 10


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--format", "xml", "--all", "-o", "x"), 2, "--format must be one of csv, json, xapi"),
    (("--format", "csv", "-o", "x"), 2, "--session ID"),
    (("--format", "csv", "--all", "--session", "x", "-o", "x"), 2, "--session ID"),
    (("--format", "csv", "--all"), 2, "-o FILE"),
    (("--format", "csv", "--all", "--framework", "gas", "-o", "x"), 2, "no rating framework 'gas'"),
    (("--format", "csv", "--all", "--lrs", "http://127.0.0.1:9/x"), 2, "--format xapi"),
    (("--format", "csv", "--session", "nosuch", "-o", "x"), 1, "no stored session 'nosuch'"),
    (("--format", "csv", "--all", "--scenario", "vf-arrest", "-o", "x"), 1, "no stored sessions to export"),
])  # fmt: skip
def test_bad_input_is_one_line(args: tuple[str, ...], code: int, message: str, tmp_path: Path) -> None:
    """An unknown format, session or framework, a missing choice or -o, and --lrs without xapi: one line, and
    exit 2 for misuse or 1 for input that is not there; no file is written."""
    result = crmsim("export", *[a.replace("x", str(tmp_path / "x")) if a == "x" else a for a in args])
    assert message in one_line_error(result, code)
    assert not (tmp_path / "x").exists()


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    """-o into a folder that does not exist (or onto a folder) is one line naming the file, exit 1."""
    missing = tmp_path / "no" / "such" / "dir" / "out.csv"
    assert f"cannot write {missing}" in one_line_error(crmsim("export", "--format", "csv", "--all", "-o", missing), 1)
    assert "cannot write" in one_line_error(crmsim("export", "--format", "json", "--all", "-o", tmp_path), 1)
