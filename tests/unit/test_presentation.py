"""How statuses and RAG ratings look: never by colour alone."""

from __future__ import annotations

import re

from perfdesk import presentation
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import Status


def test_each_status_and_rating_has_its_own_symbol_and_a_colour() -> None:
    for kind in (Status, Rag):
        assert len({presentation.symbol(s) for s in kind}) == len(kind)
        assert all(re.fullmatch(r"#[0-9a-f]{6}", presentation.colour(s)) for s in kind)
    assert presentation.badge(Status.ON_TRACK) == "▲ On track"
    assert presentation.badge(Rag.RED) == "▼ Red"


def test_off_track_and_red_share_a_shape_and_a_colour() -> None:
    """One shape, one meaning: a board reads a red measure as an off-track action."""
    assert presentation.symbol(Rag.RED) == presentation.symbol(Status.OFF_TRACK)
    assert presentation.colour(Rag.RED) == presentation.colour(Status.OFF_TRACK)
