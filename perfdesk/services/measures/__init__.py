"""Measures (KPIs): entering figures and benchmarks, links to actions, and what the measure lists
and editor read."""
