"""Whole plans: writing and reading a plan document, looking after a plan's structure, leads,
rolling forward to a new year, and the demo plans."""
