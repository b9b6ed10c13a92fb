"""Data shipped with crmsim: the formulary and the rating frameworks."""
