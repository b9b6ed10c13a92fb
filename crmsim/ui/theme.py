"""The theme as data: colours and relative sizes from ``crmsim/library/themes/*.yaml``, scaled to the window."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from crmsim.schema.yaml_loader import parse_yaml

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    """Colours by name and sizes as fractions of the window height."""

    name: str
    colours: dict[str, Colour]
    sizes: dict[str, float]

    def colour(self, name: str) -> Colour:
        """A colour by name (magenta for a name the theme lacks, so the mistake shows)."""
        return self.colours.get(name, (255, 0, 255))

    def px(self, name: str, height: int) -> int:
        """A size in pixels for a window ``height`` pixels tall."""
        return max(1, round(self.sizes[name] * height))


def load_theme(name: str = "default") -> Theme:
    """A bundled theme by name."""
    text = resources.files("crmsim.library").joinpath("themes", f"{name}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = parse_yaml(text, f"{name}.yaml").data
    return Theme(
        name=str(data["name"]),
        colours={k: (int(v[0]), int(v[1]), int(v[2])) for k, v in data["colours"].items()},
        sizes={k: float(v) for k, v in data["sizes"].items()},
    )
