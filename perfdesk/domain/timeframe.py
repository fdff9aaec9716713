"""The time bands actions are grouped in."""

from __future__ import annotations

import re
from enum import Enum


class Timeframe(Enum):
    MONTHS_0_3 = "0–3 months"
    MONTHS_3_6 = "3–6 months"
    MONTHS_6_12 = "6–12 months"

    @property
    def label(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str | None) -> Timeframe | None:
        """A timeframe in any case, with a hyphen or a dash ("0-3 Months");
        blank means none."""
        if text is None or not text.strip():
            return None
        key = re.sub(r"\s*[-–—]\s*", "–", text.strip().casefold())
        key = re.sub(r"\s+", " ", key).removesuffix(".")
        if not key.endswith("months"):
            key += " months"
        for tf in cls:
            if tf.value == key:
                return tf
        raise ValueError(
            f"unknown timeframe {text!r} (expected 0–3 months, 3–6 months, 6–12 months or blank)"
        )
