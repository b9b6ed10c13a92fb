"""Bundled assets: the fonts (DejaVu, with its licence in assets/fonts) loaded by path, cached per size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pygame

T = TypeVar("T")

FACES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono-Bold.ttf"}


def asset_dir() -> Path:
    """``assets/`` of a checkout, or its copy inside the installed package."""
    packaged = Path(str(resources.files("crmsim"))) / "_bundled" / "assets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


class Fonts:
    """Fonts by face and pixel size; each is loaded once. Also keeps what is made from them (rendered lines, fitted
    labels) while it is in use, within a byte budget: a frame redraws the same text sixty times a second."""

    def __init__(self, folder: Path | None = None, *, budget: int = 48 * 1024 * 1024) -> None:
        self.folder = folder or asset_dir() / "fonts"
        self._cache: dict[tuple[str, int], pygame.font.Font] = {}
        self._made: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes, self._budget = 0, budget

    def remembered(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``'s result for ``key``, made once and kept until the least recently used things exceed the
        budget (a surface costs its pixels' bytes)."""
        found = self._made.get(key)
        if found is not None:
            self._made.move_to_end(key)
            return found[0]  # type: ignore[no-any-return]
        value = make()
        cost = value.get_width() * value.get_height() * value.get_bytesize() if isinstance(value, pygame.Surface) else 64
        self._made[key] = (value, cost)
        self._bytes += cost
        while self._bytes > self._budget and len(self._made) > 1:
            self._bytes -= self._made.popitem(last=False)[1][1]
        return value

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
