"""The shared-screen game: the only package that imports pygame.

Nothing here runs at import time; :func:`crmsim.ui.launch.play_window` opens the window.
"""
