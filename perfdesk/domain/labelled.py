"""Enums whose value is the word people read: the stored form, the label
in the window, the packs and the command line."""

from __future__ import annotations

from enum import Enum


class Labelled(Enum):
    @property
    def label(self) -> str:
        return str(self.value)
