"""Run the command line as ``python -m crmsim``."""

from __future__ import annotations

from crmsim.cli import main

if __name__ == "__main__":
    main()
