"""Security: scenario files shared between sites are untrusted input, and so are logs.

YAML is read only through the hardened safe loader, and no code is evaluated or unpickled (an AST scan of the
package); a scenario's file references stay inside its folder; the HTML debrief escapes what people typed; CSV
output cannot smuggle a spreadsheet formula; and neither a headless run nor the game listens on a network port.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import shutil
import socket
from pathlib import Path

import pytest
from hardening_support import ROOT, SCENARIOS, assert_clean_exit, crmsim

from crmsim.schema.load import load_scenario
from crmsim.schema.problems import ProblemsError

PACKAGE = ROOT / "crmsim"
UNSAFE_YAML_FUNCTIONS = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}
UNSAFE_LOADERS = {"Loader", "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader"}
DANGEROUS_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}
DANGEROUS_BUILTINS = {"eval", "exec", "compile", "__import__"}
HOSTILE = "<script>alert('x')</script>"


def unsafe_calls(source: str, name: str) -> list[str]:
    """Every unsafe YAML call, eval/exec/compile and import of a pickle-like module in one module's source."""
    found = []
    tree = ast.parse(source, name)
    yaml_names = {"yaml"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "yaml":
                    yaml_names.add(alias.asname or "yaml")
                if alias.name.split(".")[0] in DANGEROUS_MODULES:
                    found.append(f"{name}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in DANGEROUS_MODULES:
                found.append(f"{name}:{node.lineno}: imports from {node.module}")
            if node.module.split(".")[0] == "yaml":
                for alias in node.names:
                    if alias.name in UNSAFE_YAML_FUNCTIONS | UNSAFE_LOADERS:
                        found.append(f"{name}:{node.lineno}: imports yaml.{alias.name}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in DANGEROUS_BUILTINS:
                found.append(f"{name}:{node.lineno}: calls {func.id}()")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in yaml_names:
                if func.attr in UNSAFE_YAML_FUNCTIONS:
                    found.append(f"{name}:{node.lineno}: calls yaml.{func.attr}()")
            for keyword in node.keywords:
                loader = keyword.value
                shown = loader.attr if isinstance(loader, ast.Attribute) else getattr(loader, "id", "")
                if keyword.arg == "Loader" and shown in UNSAFE_LOADERS:
                    found.append(f"{name}:{node.lineno}: uses Loader={shown}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in yaml_names:
            if node.attr in UNSAFE_LOADERS:
                found.append(f"{name}:{node.lineno}: names yaml.{node.attr}")
    return found


def test_the_scan_catches_what_it_looks_for() -> None:
    """The scanner itself finds yaml.load, unsafe loaders, eval/exec and pickle (so a clean result means something)."""
    bad = ("import yaml as y\nimport pickle\nfrom yaml import unsafe_load\ny.load(s)\nyaml.full_load(s)\n"
           "yaml.safe_load(s, Loader=yaml.UnsafeLoader)\neval(s)\nexec(s)\n")  # fmt: skip
    assert len(unsafe_calls(bad, "bad.py")) == 8


def test_package_has_no_unsafe_yaml_eval_exec_or_pickle() -> None:
    """No module of crmsim (nor the benchmarks) loads YAML unsafely, evaluates code or unpickles data."""
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
    found = [hit for path in files for hit in unsafe_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


# --- file references stay in the scenario's folder ------------------------------------------------------------


def scenario_copy(tmp_path: Path, scripts: str) -> Path:
    """anaphylaxis-ga copied into ``tmp_path`` with its ``scripts:`` block replaced."""
    text = (SCENARIOS / "anaphylaxis-ga.yaml").read_text(encoding="utf-8")
    head, _ = text.split("\nscripts:\n")
    path = tmp_path / "case" / "anaphylaxis-ga.yaml"
    path.parent.mkdir(parents=True)
    for script in SCENARIOS.glob("anaphylaxis-ga.*.script.yaml"):
        shutil.copy(script, path.parent / script.name)
    path.write_text(head + "\nscripts:\n" + scripts, encoding="utf-8")
    return path


@pytest.mark.parametrize("reference", ["../../etc/passwd", "/etc/passwd", "../outside.script.yaml",
                                       "..\\\\outside.yaml", "sub/dir.script.yaml", "~/x.yaml"])  # fmt: skip
def test_script_file_references_outside_the_folder_are_positioned_problems(tmp_path: Path, reference: str) -> None:
    """A script `file:` that leaves the scenario's folder (.., an absolute path, a sub-folder, ~) is a problem at the
    value's FILE:LINE:COL, and nothing outside is read."""
    (tmp_path / "outside.script.yaml").write_text("description: x\nsteps: []\n", encoding="utf-8")
    path = scenario_copy(tmp_path, f'  reference: {{file: "{reference}"}}\n  novice: {{file: anaphylaxis-ga.novice.script.yaml}}\n')
    line = path.read_text(encoding="utf-8").splitlines().index(f'  reference: {{file: "{reference}"}}') + 1
    with pytest.raises(ProblemsError) as caught:
        load_scenario(path)
    assert any(p.path == str(path) and p.line == line and p.column > 0 for p in caught.value.problems), caught.value


def test_a_link_leading_out_of_the_folder_is_a_positioned_problem(tmp_path: Path) -> None:
    """A script file that is a symbolic link to a file outside the scenario's folder is refused at its `file:`."""
    path = scenario_copy(tmp_path, "  reference: {file: linked.script.yaml}\n"
                                   "  novice: {file: anaphylaxis-ga.novice.script.yaml}\n")  # fmt: skip
    outside = tmp_path / "outside.script.yaml"
    shutil.copy(SCENARIOS / "anaphylaxis-ga.reference.script.yaml", outside)
    (path.parent / "linked.script.yaml").symlink_to(outside)
    with pytest.raises(ProblemsError) as caught:
        load_scenario(path)
    (problem,) = [p for p in caught.value.problems if "outside" in p.message]
    assert problem.path == str(path) and problem.line > 0 and "leads outside the scenario's folder" in problem.message


# --- output that others open: HTML and CSV --------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run whose typed texts are markup and a participant id that is a spreadsheet formula."""
    folder = tmp_path_factory.mktemp("hostile")
    script = folder / "hostile.script.yaml"
    script.write_text(
        "description: hostile text\nsteps:\n"
        f'  - {{at: 10 s, by: anaesthetist, do: call_out, finding: hypotension, text: "{HOSTILE}"}}\n'
        f'  - {{at: 20 s, by: anaesthetist, do: summarise, plan: "=HYPERLINK(\\"http://x\\") {HOSTILE}"}}\n'
        f'  - {{at: 30 s, by: odp, do: raise_concern, to: anaesthetist, level: alert, about: "{HOSTILE}"}}\n',
        encoding="utf-8")  # fmt: skip
    result = crmsim("run", SCENARIOS / "anaphylaxis-ga.yaml", "--script", script, "--out", folder / "run")
    assert result.exit_code == 0, result.output
    log = folder / "run" / "log.jsonl"
    log.write_bytes(log.read_bytes().replace(b'"p1"', json.dumps("=1+2*cmd|' /C calc'!A0").encode()))
    return log


def test_html_debrief_escapes_what_people_typed(hostile_log: Path, tmp_path: Path) -> None:
    """Markup typed into a call-out, a summary or a concern appears escaped in the HTML debrief, never as markup."""
    out = tmp_path / "debrief.html"
    result = crmsim("debrief", hostile_log, "-o", out)
    assert_clean_exit(result, (0,))
    html = out.read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(" in html


def test_csv_scores_cannot_carry_a_formula(hostile_log: Path) -> None:
    """`crmsim score --format csv`: a cell that would start a spreadsheet formula (=, +, -, @) starts with ' instead."""
    result = crmsim("score", hostile_log, "--format", "csv")
    assert_clean_exit(result, (0,))
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert any(row["participant"] == "'=1+2*cmd|' /C calc'!A0" for row in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


# --- no network -----------------------------------------------------------------------------------------------


def test_nothing_listens_on_a_network_port(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A headless run and the game's headless screenshot run never bind or listen on a socket."""
    calls: list[str] = []

    def refuse(name: str):  # noqa: ANN202 - a stand-in method
        def method(self: socket.socket, *args: object) -> None:
            calls.append(f"{name}{args}")
            raise OSError(f"crmsim must not {name} a socket")

        return method

    monkeypatch.setattr(socket.socket, "bind", refuse("bind"))
    monkeypatch.setattr(socket.socket, "listen", refuse("listen"))
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    assert crmsim("run", "anaphylaxis-ga", "--out", tmp_path / "run").exit_code == 0
    shots = crmsim("play", "anaphylaxis-ga", "--headless", "--screenshots", tmp_path / "shots", "--size", "640x360")
    assert shots.exit_code == 0, shots.output
    assert calls == []
    listening = _listening_inodes()
    assert not (listening & _my_socket_inodes()), "a socket of this process is listening"


def _listening_inodes() -> set[str]:
    found = set()
    for table in ("tcp", "tcp6", "udp", "udp6"):
        path = Path("/proc/net") / table
        if path.exists():
            for line in path.read_text().splitlines()[1:]:
                parts = line.split()
                if table.startswith("udp") or parts[3] == "0A":  # 0A: LISTEN
                    found.add(parts[9])
    return found


def _my_socket_inodes() -> set[str]:
    fds = Path("/proc/self/fd")
    if not fds.exists():
        return set()
    found = set()
    for fd in fds.iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:["):-1])
    return found
