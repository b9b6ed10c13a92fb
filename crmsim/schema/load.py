"""The scenario pipeline: YAML text → positioned nodes → strict models → semantic lint → a loaded scenario.

Every problem in a file (and in the script files beside it) is collected and raised together as one
:class:`ProblemsError`, each as ``FILE:LINE:COL: message``; warnings travel with the loaded scenario.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from crmsim.schema.formulary import Formulary
from crmsim.schema.frameworks import FrameworkIndex, bundled_frameworks
from crmsim.schema.lint import Context, Finding, check_conditions, check_frameworks, check_scripts, check_team, check_unique
from crmsim.schema.lint_ranges import check_doses, check_graph, check_times, check_vitals
from crmsim.schema.locate import problem_at
from crmsim.schema.messages import SchemaWalker, describe, useful_errors
from crmsim.schema.problems import Problem, ProblemsError
from crmsim.schema.scenario import Scenario, Script, ScriptFile
from crmsim.schema.compiled import from_compiled
from crmsim.schema.yaml_loader import ParsedYaml, parse_yaml, read_yaml_file

M = TypeVar("M", bound=BaseModel)

CHECKS = (check_unique, check_team, check_frameworks, check_conditions, check_scripts,
          check_graph, check_vitals, check_doses, check_times)  # fmt: skip


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with everything the core needs: its formulary, its scripts and its identity."""

    scenario: Scenario
    path: str
    sha256: str
    formulary: Formulary
    scripts: dict[str, Script]
    warnings: tuple[Problem, ...] = ()


@functools.cache
def _walker(model: type[BaseModel]) -> SchemaWalker:
    return SchemaWalker(model.model_json_schema(by_alias=True))


def validate_document(model: type[M], parsed: ParsedYaml) -> M:
    """Validate parsed YAML against ``model``; every error is raised at once, positioned in the file."""
    if not isinstance(parsed.data, dict):
        raise ProblemsError([problem_at(parsed, (), "expected a mapping of keys (such as 'id: ...') at the top of the file")])
    try:
        return model.model_validate(parsed.data)
    except ValidationError as exc:
        problems = []
        for error in useful_errors(exc):
            message, at_key = describe(error, _walker(model))
            problems.append(problem_at(parsed, tuple(error["loc"]), message, at_key=at_key))
        raise ProblemsError(_sorted(problems)) from None


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    unique = {(p.path, p.line, p.column, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.path, p.line, p.column, p.message))


@functools.cache
def load_formulary() -> Formulary:
    """The formulary shipped in ``crmsim/library/formulary.yaml`` (read from its compiled JSON when that is current:
    :mod:`crmsim.schema.compiled`)."""
    source = resources.files("crmsim.library").joinpath("formulary.yaml").read_bytes()
    return from_compiled(Formulary, "formulary.yaml", source) or \
        validate_document(Formulary, parse_yaml(source, "crmsim/library/formulary.yaml"))  # fmt: skip


@functools.cache
def element_refs() -> frozenset[str]:
    """Every framework element and category a scenario may name."""
    return frozenset(FrameworkIndex(bundled_frameworks()).all_refs())


def load_scenario(path: Path | str) -> LoadedScenario:
    """Load, validate and lint a scenario file; raises :class:`ProblemsError` listing every problem found."""
    path = Path(path)
    parsed = read_yaml_file(path)
    scenario = validate_document(Scenario, parsed)
    problems: list[Problem] = []
    scripts: dict[str, tuple[Script, str | None]] = {}
    script_docs: dict[str, ParsedYaml] = {}
    for name, entry in scenario.scripts.items():
        if isinstance(entry, Script):
            scripts[name] = (entry, None)
            continue
        if not (path.parent / entry.file).is_file():
            problems.append(problem_at(parsed, ("scripts", name, "file"),
                                       f"script file '{entry.file}' not found beside {path.name}"))  # fmt: skip
            continue
        if (path.parent / entry.file).resolve().parent != path.resolve().parent:
            problems.append(problem_at(parsed, ("scripts", name, "file"), f"script file '{entry.file}' leads outside "
                                       "the scenario's folder (a link?); script files must sit beside the scenario"))
            continue
        try:
            doc, script = _load_script_file(path, entry)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        scripts[name] = (script, doc.path)
        script_docs[doc.path] = doc
    formulary = load_formulary().merged(scenario.formulary)
    ctx = Context(scenario, formulary, element_refs(), scripts)
    for check in CHECKS:
        for finding in check(ctx):
            problems.append(_position(finding, parsed, script_docs))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ProblemsError(_sorted(problems))
    return LoadedScenario(
        scenario=scenario,
        path=str(path),
        sha256=hashlib.sha256(parsed.text.encode("utf-8")).hexdigest(),
        formulary=formulary,
        scripts={name: script for name, (script, _) in scripts.items()},
        warnings=tuple(_sorted(problems)),
    )


def load_script(loaded: LoadedScenario, path: Path | str) -> Script:
    """Load a script file written for ``loaded`` (from anywhere), checking each step against the scenario."""
    doc = read_yaml_file(Path(path))
    script = validate_document(Script, doc)
    ctx = Context(loaded.scenario, loaded.formulary, element_refs(), {"given": (script, doc.path)})
    problems = [_position(f, doc, {doc.path: doc}) for f in check_scripts(ctx) if f.file == doc.path]
    if any(p.severity == "error" for p in problems):
        raise ProblemsError(_sorted(problems))
    return script


def _load_script_file(scenario_path: Path, entry: ScriptFile) -> tuple[ParsedYaml, Script]:
    folder = scenario_path.resolve().parent
    target = (folder / entry.file).resolve()
    if target.parent != folder:
        raise ProblemsError([Problem(str(scenario_path), 0, 0, f"script file '{entry.file}' must be beside the scenario")])
    shown = str(scenario_path.parent / entry.file)
    doc = read_yaml_file(target)
    doc = ParsedYaml(doc.data, doc.root, doc.text, shown)
    return doc, validate_document(Script, doc)


def _position(finding: Finding, parsed: ParsedYaml, script_docs: dict[str, ParsedYaml]) -> Problem:
    doc = script_docs.get(finding.file, parsed) if finding.file else parsed
    return problem_at(doc, finding.loc, finding.message, at_key=finding.at_key, severity=finding.severity)
