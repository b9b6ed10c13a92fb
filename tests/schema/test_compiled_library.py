"""The bundled library's compiled JSON (crmsim.schema.compiled) is current, gives the same formulary and frameworks as
parsing the YAML, and is ignored when it was made from other bytes."""

from __future__ import annotations

import pytest

from crmsim.schema.compiled import COMPILED, compile_text, compiled_data, compiled_name, library_file
from crmsim.schema.formulary import Formulary
from crmsim.schema.frameworks import FRAMEWORK_IDS, Framework, load_framework
from crmsim.schema.load import load_formulary
from crmsim.schema.yaml_loader import parse_yaml


@pytest.mark.parametrize("name", COMPILED)
def test_shipped_compiled_json_is_current(name: str) -> None:
    """Each compiled file equals what compiling its YAML gives now (regenerate: python -m crmsim.schema.compiled)."""
    source = library_file(name).read_bytes()
    shipped = library_file(compiled_name(name)).read_text(encoding="utf-8")
    assert shipped == compile_text(source, f"crmsim/library/{name}"), "run: python -m crmsim.schema.compiled"


def test_compiled_and_parsed_library_are_the_same() -> None:
    """The formulary and every framework loaded from the compiled JSON equal the models parsed from the YAML."""
    formulary = Formulary.model_validate(parse_yaml(library_file("formulary.yaml").read_bytes(), "f").data)
    assert load_formulary() == formulary
    for framework_id in FRAMEWORK_IDS:
        source = library_file(f"frameworks/{framework_id}.yaml").read_bytes()
        assert load_framework(framework_id) == Framework.model_validate(parse_yaml(source, "f").data)


def test_compiled_json_of_other_bytes_is_not_used() -> None:
    """A compiled file is used only for the exact bytes it was made from: one changed byte and the YAML is parsed."""
    source = library_file("formulary.yaml").read_bytes()
    assert compiled_data("formulary.yaml", source) is not None
    assert compiled_data("formulary.yaml", source + b"\n# edited\n") is None
    assert compiled_data("no-such-file.yaml", source) is None
