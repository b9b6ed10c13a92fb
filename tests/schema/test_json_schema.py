"""The JSON Schema shipped beside the scenarios is current, valid draft-07, and accepts every bundled scenario."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from crmsim.schema.catalogue import find_scenario_files
from crmsim.schema.export import json_schema, json_schema_text
from crmsim.schema.yaml_loader import read_yaml_file

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("kind", ["scenario", "script"])
def test_shipped_schema_is_current(kind: str) -> None:
    """The schema files in scenarios/ equal what `crmsim schema` prints now (regenerate them when models change)."""
    shipped = (SCENARIOS / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert shipped == json_schema_text(kind), f"run: crmsim schema --kind {kind} > scenarios/{kind}.schema.json"


@pytest.mark.parametrize("kind", ["scenario", "script"])
def test_schema_is_valid_draft_07(kind: str) -> None:
    """Editors' YAML language servers use draft-07; the schema must be a valid draft-07 schema."""
    jsonschema.Draft7Validator.check_schema(json_schema(kind))


@pytest.mark.parametrize("path", find_scenario_files([SCENARIOS]), ids=lambda p: p.name)
def test_bundled_scenarios_validate_under_draft_07(path: Path) -> None:
    """Every bundled scenario validates under a draft-07 validator of the shipped schema."""
    schema = json.loads((SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(read_yaml_file(path).data))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.script.yaml")), ids=lambda p: p.name)
def test_bundled_scripts_validate_under_draft_07(path: Path) -> None:
    """Every bundled script file validates under the shipped script schema."""
    schema = json.loads((SCENARIOS / "script.schema.json").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(read_yaml_file(path).data))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_schema_rejects_an_unknown_key() -> None:
    """The schema is as strict as the loader: an unknown top-level key fails validation in the editor too."""
    schema = json_schema("scenario")
    data = read_yaml_file(SCENARIOS / "anaphylaxis-ga.yaml").data
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(data))
    data["narrationn"] = "x"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(data))


@pytest.mark.parametrize("path", [*find_scenario_files([SCENARIOS]), *sorted(SCENARIOS.glob("*.script.yaml"))],
                         ids=lambda p: p.name)  # fmt: skip
def test_every_file_starts_with_the_modeline(path: Path) -> None:
    """Every bundled scenario and script starts with the yaml-language-server modeline pointing at its schema."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    kind = "script" if path.name.endswith(".script.yaml") else "scenario"
    assert first == f"# yaml-language-server: $schema=./{kind}.schema.json"
