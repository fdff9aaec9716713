"""`python -m benchmarks` builds its table: one quick figure, run for real
(fresh child processes), gives a row with a ratio against its floor and a
Markdown table with the machine it ran on. No timing is asserted."""

from __future__ import annotations

from benchmarks.__main__ import build_table, markdown


def test_the_quick_typing_figure_builds_a_table() -> None:
    rows, info = build_table(quick=True, repeats=1, only={"typing"})
    assert [r.figure for r in rows] == ["Typing a filter at 2,000 actions: median",
                                        "Typing a filter at 2,000 actions: worst"]
    assert all(r.ratio is not None and r.ratio > 0 for r in rows)
    text = markdown(rows, info, quick=True)
    assert "| Typing a filter at 2,000 actions: median |" in text
    assert info["Cores"] and info["Python"] and info["Qt"]
