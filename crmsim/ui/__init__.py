"""The shared-screen game: the only package that imports pygame and pygame_gui.

Nothing here runs at import time; :func:`crmsim.ui.app.run_game` opens the window.
"""
