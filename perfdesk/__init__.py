"""PerfDesk: improvement action plans, offline, with progress for the board."""

__version__ = "0.1.0"
