"""The JSON Schema of the scenario language, for editors (draft-07, as YAML language servers use)."""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from crmsim.schema.scenario import Scenario, Script

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SchemaKind = Literal["scenario", "script"]

_STEP_KEYS = {
    "at": {"$ref": "#/$defs/_Duration"},
    "by": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "a role id, or 'facilitator'"},
    "label": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "a name later steps refer to"},
}


def json_schema(kind: SchemaKind = "scenario") -> dict[str, Any]:
    """The JSON Schema for a scenario file or a script file."""
    model = Scenario if kind == "scenario" else Script
    schema = model.model_json_schema(by_alias=True, mode="validation")
    _flatten_script_steps(schema)
    schema = {
        "$schema": DRAFT_07,
        "$id": f"https://crmsim.org/schema/{kind}.schema.json",
        **schema,
    }
    schema["title"] = "crmsim scenario" if kind == "scenario" else "crmsim script"
    return schema


def _flatten_script_steps(schema: dict[str, Any]) -> None:
    """Script steps are written flat (``{at, by, do, ...}``): give the schema that shape."""
    defs = schema.setdefault("$defs", {})
    step = defs.get("ScriptStep")
    if step is None:
        return
    command = step["properties"]["command"]
    targets = sorted(set(command.get("discriminator", {}).get("mapping", {}).values()))
    if not targets:
        targets = [alt["$ref"] for alt in command.get("oneOf", []) if "$ref" in alt]
    defs["_Duration"] = copy.deepcopy(step["properties"]["at"])
    defs["_Duration"].pop("title", None)
    alternatives = []
    for ref in targets:
        name = ref.rsplit("/", 1)[-1]
        flat = copy.deepcopy(defs[name])
        flat["properties"] = {**_STEP_KEYS, **flat["properties"]}
        flat["required"] = ["at", "by", *flat.get("required", [])]
        flat["title"] = f"Step: {flat.get('title', name)}"
        defs[f"Step{name}"] = flat
        alternatives.append({"$ref": f"#/$defs/Step{name}"})
    defs["ScriptStep"] = {
        "description": step.get("description", "One timed command of a script."),
        "oneOf": alternatives,
    }


def json_schema_text(kind: SchemaKind = "scenario") -> str:
    """The schema as stable, indented JSON text ending in a newline."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
