"""The HTML report and ``crmsim debrief``: a pure function of its inputs (same bytes), self-contained (no script,
no external resource), hostile text from a log or a scenario shown and never run, a print stylesheet for A4, and
one-line errors for bad input."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from click.testing import CliRunner, Result
from debrief_logs import Run

from crmsim.cli import main
from crmsim.core.log import Log, Record
from crmsim.debrief.build import build_debrief
from crmsim.debrief.html import render_report
from crmsim.scoring.scorer import score_log

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def crmsim(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def external_references(html: str) -> list[str]:
    """Every src/href (and CSS url() or @import) that would load something from elsewhere."""
    found = re.findall(r"""\b(?:src|href|xlink:href|action|srcset)\s*=\s*["']?\s*([^"'\s>]+)""", html, re.I)
    loads = [u for u in found if not u.startswith("#")]
    loads += re.findall(r"url\(\s*['\"]?([^)'\"]+)", html) + re.findall(r"@import\s+['\"]?([^;'\"]+)", html)
    return loads


def test_the_report_is_a_pure_function_same_inputs_same_bytes(novice: Run, tmp_path: Path) -> None:
    """Two debriefs built separately from one log, scenario and ratings render to identical HTML, and two runs of
    `crmsim debrief` write byte-identical files."""
    again = build_debrief(novice.log, novice.loaded, score_log(novice.log, novice.loaded), str(novice.path))
    assert render_report(again) == render_report(novice.debrief)
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert crmsim("debrief", novice.path, "-o", a).exit_code == 0
    assert crmsim("debrief", novice.path, "-o", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_the_report_is_self_contained(novice: Run) -> None:
    """The report loads nothing from elsewhere (no src/href/url to another file or site, links only within the
    page), runs no script, and has the chart inline as SVG."""
    html = render_report(novice.debrief)
    assert external_references(html) == []
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<iframe" not in html.lower()
    assert "<svg" in html and html.count("<svg") == 1
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', html))


def test_the_report_prints_on_a4_keeping_each_moment_whole(novice: Run) -> None:
    """The report carries a print stylesheet: A4 pages, and no page break inside a key moment."""
    html = render_report(novice.debrief)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", html)
    assert "@media print" in html
    assert re.search(r"\.moment\s*\{[^}]*break-inside:\s*avoid", html)


def test_hostile_text_from_a_log_or_scenario_is_escaped(novice: Run) -> None:
    """A participant's name, a facilitator's note and a scenario title carrying HTML are shown as text: the report
    holds no tag they could have injected."""
    header = dict(novice.log.header)
    header["participants"] = [{**p, "name": HOSTILE} for p in header["participants"]]
    records = list(novice.log.records)
    end = records[-1]
    note = Record(end.seq, end.tick, end.t, "Annotated", "facilitator", {"tag": "note", "note": HOSTILE})
    records[-1:] = [note, dataclasses.replace(end, seq=end.seq + 1)]
    log = Log(header, tuple(records), False, str(novice.path))
    scenario = novice.loaded.scenario.model_copy(update={"title": HOSTILE})
    loaded = dataclasses.replace(novice.loaded, scenario=scenario)
    debrief = build_debrief(log, loaded, score_log(log, loaded))
    assert any(m.kind == "annotation" and HOSTILE in m.prompt.observation for m in debrief.moments)
    html = render_report(debrief)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_cli_writes_html_and_json(novice: Run, tmp_path: Path) -> None:
    """`crmsim debrief LOG -o FILE` writes the report and says how many moments it found; `--format json` writes
    the debrief model with every moment's prompt; without -o the report goes beside the log."""
    out = tmp_path / "report.html"
    result = crmsim("debrief", novice.path, "-o", out, "--framework", "notss")
    assert result.exit_code == 0, result.output
    assert "key moments" in result.output and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Non-Technical Skills for Surgeons" in out.read_text(encoding="utf-8")
    data_file = tmp_path / "d.json"
    assert crmsim("debrief", novice.path.parent, "--format", "json", "-o", data_file).exit_code == 0
    data = json.loads(data_file.read_text(encoding="utf-8"))
    assert len(data["moments"]) == len(novice.debrief.moments)
    assert all(m["prompt"]["text"].startswith("At ") for m in data["moments"])
    assert crmsim("debrief", novice.path).exit_code == 0
    assert (novice.path.parent / "debrief.html").is_file()


def test_cli_shows_educator_overrides(novice: Run, tmp_path: Path) -> None:
    """An overrides file's re-rating shows beside the automatic score, with the educator's id."""
    overrides = tmp_path / "o.csv"
    overrides.write_text("element,score,rater,comment\nants.exchanging_information,4,edu-7,clear\n", encoding="utf-8")
    out = tmp_path / "r.html"
    result = crmsim("debrief", novice.path, "--overrides", overrides, "-o", out)
    assert result.exit_code == 0, result.output
    assert "edu-7; auto" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "code", "words"), [
    (("debrief", "no/such/log.jsonl"), 2, "no such log file or stored session"),
    (("debrief", "{log}", "--scenario", "no/such.yaml"), 2, "no such scenario file"),
    (("debrief", "{log}", "--overrides", "{bad}"), 1, "missing column"),
    (("debrief", "{garbage}"), 1, "garbage.jsonl:1:"),
])  # fmt: skip
def test_cli_bad_input_is_one_line(novice: Run, tmp_path: Path, args: tuple[str, ...], code: int,
                                   words: str) -> None:  # fmt: skip
    """A missing file, a broken overrides file or a log that is not JSON: one line on stderr, exit 2 (usage) or 1
    (bad content), no traceback."""
    (tmp_path / "bad.csv").write_text("who,what\n1,2\n", encoding="utf-8")
    (tmp_path / "garbage.jsonl").write_text("not json\n{}\n", encoding="utf-8")
    filled = [a.format(log=novice.path, bad=tmp_path / "bad.csv", garbage=tmp_path / "garbage.jsonl") for a in args]
    result = crmsim(*filled, "-o", tmp_path / "x.html")
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: ") and words in lines[0], result.stderr


@given(extent=st.floats(min_value=0.0, max_value=1.7976931348623157e308), most=st.integers(1, 20))
@example(extent=1.6853373139334214e308, most=1)  # found in CI: the step doubled into infinity, the ticks were NaN
def test_an_axis_has_at_most_its_ticks_however_long(extent: float, most: int) -> None:
    """An axis from 0 to any finite extent (a tampered log can hold any number) gets evenly spaced ticks that
    start at 0, stay within the extent and number at most ``most`` + 1 — never one per step of a huge range."""
    from crmsim.debrief.chart import ticks

    found = ticks(extent, (30, 60, 120), most)
    assert found[0] == 0 and len(found) <= most + 1 and found[-1] <= extent * (1 + 1e-9) + 1e-9
    steps = [b - a for a, b in zip(found, found[1:])]
    assert all(abs(step - steps[0]) <= 1e-9 * steps[0] for step in steps)
