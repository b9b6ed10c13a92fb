"""The bundled library's YAML files (the formulary, the rating frameworks) compiled to JSON beside them, so that a
process's first scenario load does not spend most of its time in the YAML parser.

The YAML stays the source: each ``NAME.yaml`` may have a ``NAME.compiled.json`` holding the sha256 of the YAML it was
made from and the data parsed from it. A reader uses the JSON only when that sha256 matches the YAML's bytes, and
falls back to parsing the YAML (which also gives problems their line and column) otherwise. A test keeps the
shipped JSON current; ``python -m crmsim.schema.compiled`` regenerates it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from crmsim.schema.yaml_loader import parse_yaml

M = TypeVar("M", bound=BaseModel)

#: The library files compiled, relative to the ``crmsim.library`` package.
COMPILED = ("formulary.yaml", "frameworks/acrm.yaml", "frameworks/ants.yaml", "frameworks/core.yaml",
            "frameworks/notss.yaml", "frameworks/ottawa.yaml", "frameworks/team.yaml")  # fmt: skip


def library_file(name: str) -> Traversable:
    """A file of the ``crmsim.library`` package by its relative name (``frameworks/ants.yaml``)."""
    found = resources.files("crmsim.library")
    for part in name.split("/"):
        found = found.joinpath(part)
    return found


def compiled_name(name: str) -> str:
    """The compiled JSON's name for a library file's name."""
    return name.removesuffix(".yaml") + ".compiled.json"


def compiled_data(name: str, text: bytes) -> Any | None:
    """The data of the library file ``name`` (whose bytes are ``text``) from its compiled JSON, or None when there is
    none or it was made from other bytes."""
    try:
        stored = json.loads(library_file(compiled_name(name)).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("sha256") != hashlib.sha256(text).hexdigest():
        return None
    return stored.get("data")


def from_compiled(model: type[M], name: str, text: bytes) -> M | None:
    """The library file ``name`` (bytes ``text``) as ``model``, from its compiled JSON, or None when that is missing,
    stale or does not validate (then parsing the YAML gives the problems with their line and column)."""
    data = compiled_data(name, text)
    if not isinstance(data, dict):
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


def compile_text(text: bytes, name: str) -> str:
    """The compiled JSON of a library file's bytes (parsed by the hardened loader, as a scenario would be)."""
    data = parse_yaml(text, name).data
    return json.dumps({"sha256": hashlib.sha256(text).hexdigest(), "data": data}, ensure_ascii=False,
                      allow_nan=False, indent=None, separators=(",", ":")) + "\n"  # fmt: skip


def main() -> int:
    """Regenerate every compiled JSON file in the source tree (run from a checkout, not an installed wheel)."""
    root = Path(str(resources.files("crmsim.library")))
    for name in COMPILED:
        source = root / name
        (root / compiled_name(name)).write_text(compile_text(source.read_bytes(), f"crmsim/library/{name}"),
                                                encoding="utf-8")  # fmt: skip
        print(f"wrote crmsim/library/{compiled_name(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
