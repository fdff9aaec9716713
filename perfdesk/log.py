"""Logging set-up shared by the GUI and the command line."""

from __future__ import annotations

import logging


def configure(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
