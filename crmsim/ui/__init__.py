"""The shared-screen game: the only package that imports pygame."""
