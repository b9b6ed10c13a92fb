"""Fuzzing the scenario loader: mutated bundled scenarios and hostile files only ever load or report problems.

Whatever the bytes — a bundled scenario with keys dropped, duplicated or retyped, numbers changed, strings swapped,
the text cut short; garbage; alias bombs; deep nesting; UTF-16, Latin-1, NUL bytes and stray byte-order marks; files
far too large — ``load_scenario`` returns a scenario or raises ``ProblemsError`` whose problems name the file (with a
line and column when there is one), and ``crmsim validate`` exits 0 or 1 with no traceback. CI runs a few hundred
cases; ``CRMSIM_HARDENING=full`` runs more than ten thousand (see docs/hardening.md).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hardening_support import BUNDLED, SCENARIOS, assert_clean_exit, crmsim, full, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.problems import ProblemsError
from crmsim.schema.yaml_loader import MAX_BYTES, parse_yaml

POSITION = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): ", re.MULTILINE)


def bundled_text(scenario_id: str) -> str:
    return (SCENARIOS / f"{scenario_id}.yaml").read_text(encoding="utf-8")


def scenario_folder(tmp_path: Path, scenario_id: str) -> Path:
    """A folder holding a copy of a bundled scenario's script files (the scenario file itself is written by the test)."""
    folder = tmp_path / scenario_id
    if not folder.exists():
        folder.mkdir()
        for script in SCENARIOS.glob(f"{scenario_id}.*.script.yaml"):
            shutil.copy(script, folder / script.name)
    return folder


def loads_or_reports(path: Path) -> LoadedScenario | None:
    """The rule itself: a scenario, or ProblemsError with every problem naming a file and a sane position."""
    try:
        return load_scenario(path)
    except ProblemsError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path and problem.line >= 0 and problem.column >= 0
            assert problem.message and "\n" not in problem.message.strip()
            assert problem.format().startswith(problem.path)
        return None


# --- mutations of the bundled scenarios -----------------------------------------------------------------------


def _walk(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_walk(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_walk(value, (*path, index)))
    return found


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


REPLACEMENTS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                         st.text(max_size=20), st.just([]), st.just({}), st.just("-1 mg"), st.just("9999 h"),
                         st.just("anaphylaxis"), st.just("../../etc/passwd"), st.just("/etc/passwd"))  # fmt: skip


@st.composite
def mutated_data(draw: st.DrawFn) -> tuple[str, str]:
    """A bundled scenario with one to three structural mutations, dumped back to YAML."""
    scenario_id = draw(st.sampled_from(BUNDLED))
    data = parse_yaml(bundled_text(scenario_id)).data
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _walk(data) if p]
        path = draw(st.sampled_from(paths))
        parent, last = _get(data, path[:-1]), path[-1]
        action = draw(st.sampled_from(("drop", "retype", "swap", "duplicate")))
        if action == "drop":
            del parent[last]
        elif action == "retype":
            parent[last] = draw(REPLACEMENTS)
        elif action == "swap":
            other = draw(st.sampled_from(paths))
            try:
                parent[last] = copy.deepcopy(_get(data, other))  # a copy: an ancestor put inside itself is a cycle
            except (KeyError, IndexError, TypeError):
                parent[last] = None
        elif isinstance(parent, list):
            parent.insert(last, parent[last])
        else:
            parent[f"{last}_copy"] = parent[last]
    return scenario_id, yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, str]:
    """A bundled scenario's text cut, spliced, with lines duplicated, deleted or swapped, or bytes-level noise."""
    scenario_id = draw(st.sampled_from(BUNDLED))
    lines = bundled_text(scenario_id).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("cut", "duplicate", "delete", "swap", "insert", "indent", "key_twice")))
        if action == "cut":
            text = "".join(lines)
            lines = [text[: draw(st.integers(0, len(text)))]]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            lines.insert(i, draw(st.text(max_size=40)))
        elif action == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        else:
            lines.insert(i, lines[i].replace(":", ": x\n" + lines[i].split(":")[0] + ":", 1))
        if not lines:
            lines = [""]
    return scenario_id, "".join(lines)


@fuzz_settings(ci=60, dedicated=3000)
@given(mutated_data())
def test_structurally_mutated_scenarios_load_or_report_problems(tmp_path_factory: pytest.TempPathFactory,
                                                                case: tuple[str, str]) -> None:  # fmt: skip
    """A bundled scenario with keys dropped, duplicated, retyped or swapped loads or reports positioned problems."""
    scenario_id, text = case
    folder = scenario_folder(tmp_path_factory.getbasetemp(), scenario_id)
    path = folder / f"{scenario_id}.yaml"
    path.write_text(text, encoding="utf-8")
    loads_or_reports(path)


@fuzz_settings(ci=60, dedicated=3000)
@given(mutated_text())
def test_textually_mutated_scenarios_load_or_report_problems(tmp_path_factory: pytest.TempPathFactory,
                                                             case: tuple[str, str]) -> None:  # fmt: skip
    """A bundled scenario cut short or with lines duplicated, deleted, swapped or garbled loads or reports problems."""
    scenario_id, text = case
    folder = scenario_folder(tmp_path_factory.getbasetemp(), scenario_id)
    path = folder / f"{scenario_id}.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loads_or_reports(path)


# --- hostile input --------------------------------------------------------------------------------------------

ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig")


@st.composite
def hostile_bytes(draw: st.DrawFn) -> bytes:
    """Garbage, a scenario in the wrong encoding, NULs and byte-order marks in odd places."""
    kind = draw(st.sampled_from(("garbage", "encoding", "nul", "bom", "control")))
    text = bundled_text(draw(st.sampled_from(BUNDLED)))
    if kind == "garbage":
        return draw(st.binary(max_size=4000))
    if kind == "encoding":
        return text.replace("—", "-").replace("“", '"').replace("”", '"').encode(draw(st.sampled_from(ENCODINGS)),
                                                                                  errors="replace")  # fmt: skip
    at = draw(st.integers(0, len(text)))
    if kind == "nul":
        return (text[:at] + "\x00" + text[at:]).encode()
    if kind == "bom":
        return text[:at].encode() + draw(st.sampled_from((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))) + text[at:].encode()
    return (text[:at] + chr(draw(st.integers(0, 31))) + text[at:]).encode()


@fuzz_settings(ci=80, dedicated=3000)
@given(hostile_bytes())
def test_hostile_bytes_load_or_report_problems(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    """Garbage, wrong encodings (UTF-16/32, Latin-1), NUL bytes, byte-order marks and control characters: a
    scenario or problems, never another exception."""
    path = tmp_path_factory.getbasetemp() / "hostile.yaml"
    path.write_bytes(data)
    loads_or_reports(path)


BOMBS = [
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)),
    "a: &a [" + ", ".join(["lol"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 1000) + "]\n",
    "[" * 100_000 + "]" * 100_000,
    "{a: " * 50_000 + "1" + "}" * 50_000,
    "".join("  " * i + f"k{i}:\n" for i in range(2000)) + "  " * 2000 + "v\n",
    "- " * 20_000 + "x\n",
    "x: " + "!!str " * 1000 + "y\n",
    "a: 0x" + "f" * 100_000 + "\n",
    "a: 1" + "0" * 100_000 + "\n",
    "a: 1e" + "9" * 10_000 + "\n",
    "key: '" + "a" * 1_500_000 + "'\n",
    "? " * 10_000 + "x\n",
]  # fmt: skip


@pytest.mark.parametrize("text", BOMBS, ids=["billion-laughs", "wide-alias", "deep-flow-list", "deep-flow-map",
                                              "deep-block", "deep-dash", "tags", "huge-hex", "huge-int",
                                              "huge-exponent", "long-string", "complex-keys"])  # fmt: skip
def test_bombs_and_deep_nesting_are_refused_without_blowing_up(tmp_path: Path, text: str) -> None:
    """Alias bombs, nesting thousands deep and enormous numbers or strings: problems, no RecursionError, no hang."""
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    assert loads_or_reports(path) is None


def test_oversize_files_are_refused_from_their_size(tmp_path: Path) -> None:
    """A file over the size limit is refused from its size, before it is read (5 MB in CI, 100 MB in the dedicated
    run); so is a file that is not a regular file (a FIFO would block a reader for ever)."""
    size = (100 if full() else 5) * 1024 * 1024
    big = tmp_path / "big.yaml"
    line = b"- {at: 1 s, by: anaesthetist, do: declare}\n"
    with big.open("wb") as handle:
        for _ in range(size // (len(line) * 1024) + 1):
            handle.write(line * 1024)
    assert big.stat().st_size > MAX_BYTES
    with pytest.raises(ProblemsError) as caught:
        load_scenario(big)
    assert "file is too large" in caught.value.problems[0].message
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.yaml"
        os.mkfifo(fifo)
        with pytest.raises(ProblemsError) as caught:
            load_scenario(fifo)
        assert "not a regular file" in caught.value.problems[0].message


@fuzz_settings(ci=25, dedicated=1000)
@given(st.one_of(mutated_text(), mutated_data()))
def test_validate_command_never_shows_a_traceback(tmp_path_factory: pytest.TempPathFactory,
                                                 case: tuple[str, str]) -> None:  # fmt: skip
    """`crmsim validate` on a mutated scenario exits 0 (valid) or 1 (problems, each as FILE:LINE:COL), nothing else."""
    scenario_id, text = case
    folder = scenario_folder(tmp_path_factory.getbasetemp(), scenario_id)
    path = folder / f"{scenario_id}.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = crmsim("validate", path)
    assert_clean_exit(result, (0, 1))
    if result.exit_code == 1:
        assert POSITION.search(result.output) or f"{path}: " in result.output


def test_a_hostile_file_through_validate_is_positioned(tmp_path: Path) -> None:
    """`crmsim validate` on an alias bomb names the file, line and column of the first alias and exits 1."""
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMBS[0], encoding="utf-8")
    result = crmsim("validate", path)
    assert_clean_exit(result, (1,))
    assert f"{path}:1:4: anchors and aliases" in result.output


YAMLISH = st.lists(st.sampled_from(
    ["a", "b", "1", "1.5", ":", ": ", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "!!str ", "!t ",
     "!", "'", '"', "\t", "<<", "#", "?", "|", ">", "---\n", "...\n", ".inf", "yes", "\\", "%YAML 1.2\n", "\ufeff",
     "é", "\r\n", "\x85", "\u2028", "|-\n  text\n", ">\n  folded\n\n  para\n", '"a\\\n  b"', "'it''s'", "0x1F",
     "~", "null", "-1e5", "? a\n: b\n", "key:\n  - x\n", "a:\n  b:\n    c: 1\n", "\x07"]),
    max_size=40).map("".join)  # fmt: skip


def _outcome(source: str, accelerated: bool) -> tuple[str, object]:
    try:
        return "data", parse_yaml(source, "s.yaml", accelerated=accelerated).data
    except ProblemsError as error:
        return "problems", [p.format() for p in error.problems]


@fuzz_settings(ci=300, dedicated=5000)
@given(YAMLISH)
def test_the_libyaml_path_reads_exactly_like_the_reference_parser(source: str) -> None:
    """The fast path through libyaml gives the same data, or the same problems at the same places, as PyYAML's own
    parser, for any YAML-like text (a merge key, a tab or a bare '!' that libyaml alone would accept included)."""
    assert _outcome(source, True) == _outcome(source, False)
