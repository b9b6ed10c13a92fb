"""Bundled assets: the fonts (DejaVu, with its licence in assets/fonts) loaded by path, cached per size."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pygame

FACES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono-Bold.ttf"}


def asset_dir() -> Path:
    """``assets/`` of a checkout, or its copy inside the installed package."""
    packaged = Path(str(resources.files("crmsim"))) / "_bundled" / "assets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


class Fonts:
    """Fonts by face and pixel size; each is loaded once."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or asset_dir() / "fonts"
        self._cache: dict[tuple[str, int], pygame.font.Font] = {}

    def get(self, size: int, face: str = "regular") -> pygame.font.Font:
        """The font of ``face`` (regular, bold, mono) at ``size`` pixels (at least 8)."""
        size = max(8, int(size))
        key = (face, size)
        font = self._cache.get(key)
        if font is None:
            path = self.folder / FACES[face]
            font = pygame.font.Font(str(path) if path.is_file() else None, size)
            self._cache[key] = font
        return font
