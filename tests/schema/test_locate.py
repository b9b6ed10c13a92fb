"""Tests for mapping validation-error locations to YAML source positions (crmsim.schema.locate)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

import pydantic
import pytest
import yaml

from crmsim.schema.locate import key_node_at, node_at, problem_at
from crmsim.schema.yaml_loader import ParsedYaml, parse_yaml

SOURCE = """\
id: demo
phases:
  - name: start
    triggers:
      - kind: after
        seconds: 30
  - name: end
    bogus: 1
patient:
  age: 40
"""


@pytest.fixture()
def parsed() -> ParsedYaml:
    """The parsed SOURCE document."""
    return parse_yaml(SOURCE, "demo.yaml")


def position(node: yaml.Node | None) -> tuple[int, int]:
    """Return a node's 1-based (line, column)."""
    assert node is not None
    return node.start_mark.line + 1, node.start_mark.column + 1


def test_mapping_keys_and_list_indexes_lead_to_the_value_node(parsed: ParsedYaml) -> None:
    """A loc of keys and indexes reaches the value node: mapping parts by key text, list parts by index."""
    node = node_at(parsed.root, ("phases", 1, "name"))
    assert isinstance(node, yaml.ScalarNode) and node.value == "end"
    assert position(node) == (7, 11)
    assert position(node_at(parsed.root, ("phases", 0, "triggers", 0, "seconds"))) == (6, 18)


def test_empty_loc_is_the_root(parsed: ParsedYaml) -> None:
    """An empty loc names the whole document: the root node."""
    assert node_at(parsed.root, ()) is parsed.root


def test_part_naming_a_union_tag_is_skipped(parsed: ParsedYaml) -> None:
    """A part that matches nothing (a tagged union's tag in loc) is skipped and the walk goes on from there."""
    node = node_at(parsed.root, ("phases", 0, "triggers", 0, "after", "seconds"))
    assert isinstance(node, yaml.ScalarNode) and node.value == "30"


def test_index_past_the_end_stays_at_the_list(parsed: ParsedYaml) -> None:
    """An index past the end of a list matches nothing, so the list itself is returned."""
    node = node_at(parsed.root, ("phases", 5))
    assert isinstance(node, yaml.SequenceNode) and position(node) == (3, 3)


def test_missing_field_points_at_the_mapping_that_lacks_it(parsed: ParsedYaml) -> None:
    """For a missing field the loc ends with a key that is absent: the enclosing mapping node is returned."""
    node = node_at(parsed.root, ("patient", "weight_kg"))
    assert isinstance(node, yaml.MappingNode) and position(node) == (10, 3)


def test_key_node_at_points_at_an_extra_key(parsed: ParsedYaml) -> None:
    """key_node_at returns the KEY node when the last part names a key (for "extra field" errors)."""
    assert position(key_node_at(parsed.root, ("phases", 1, "bogus"))) == (8, 5)
    assert position(node_at(parsed.root, ("phases", 1, "bogus"))) == (8, 12)


def test_key_node_at_falls_back_like_node_at(parsed: ParsedYaml) -> None:
    """When the last part is a list index or an absent key, key_node_at answers as node_at does."""
    assert key_node_at(parsed.root, ("phases", 1)) is node_at(parsed.root, ("phases", 1))
    assert key_node_at(parsed.root, ("patient", "weight_kg")) is node_at(parsed.root, ("patient",))


def test_problem_at_positions_with_snippet_and_severity(parsed: ParsedYaml) -> None:
    """problem_at gives a Problem at the node's 1-based position, with its source line and the severity asked."""
    problem = problem_at(parsed, ("phases", 1, "bogus"), "extra field", at_key=True, severity="warning")
    assert (problem.path, problem.line, problem.column) == ("demo.yaml", 8, 5)
    assert (problem.snippet, problem.severity) == ("    bogus: 1", "warning")
    assert problem.format() == "demo.yaml:8:5: warning: extra field\n        bogus: 1\n        ^"


def test_problem_at_in_an_empty_document_has_no_line() -> None:
    """An empty document has no nodes, so its problems have no line (line 0) and format as PATH: message."""
    problem = problem_at(parse_yaml("", "empty.yaml"), ("id",), "field required")
    assert problem.format() == "empty.yaml: field required"


class _After(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    kind: Literal["after"]
    seconds: int


class _When(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    kind: Literal["when"]
    condition: str


class _Phase(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    name: str
    triggers: list[Annotated[Union[_After, _When], pydantic.Field(discriminator="kind")]] = []


class _Patient(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    age: int
    weight_kg: float


class _Scenario(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    id: str
    phases: list[_Phase]
    patient: _Patient


def test_real_pydantic_errors_land_on_the_right_lines() -> None:
    """Each pydantic error of a real validation maps to the line of the offending value, key or mapping."""
    parsed = parse_yaml(SOURCE.replace("seconds: 30", "seconds: soon"), "demo.yaml")
    with pytest.raises(pydantic.ValidationError) as caught:
        _Scenario.model_validate(parsed.data)
    found = sorted(
        (problem.line, problem.column, error["type"])
        for error in caught.value.errors()
        for problem in [problem_at(parsed, error["loc"], error["msg"], at_key=error["type"] == "extra_forbidden")]
    )
    assert found == [(6, 18, "int_parsing"), (8, 5, "extra_forbidden"), (10, 3, "missing")]
