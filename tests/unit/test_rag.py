"""RAG and direction of travel on the Devon measures, honouring polarity."""

import pytest

from perfdesk.domain.measures import Direction, Polarity, Rag, direction, rag
from perfdesk.services.plans.demo import demo_documents

H, L, C = Polarity.HIGHER, Polarity.LOWER, Polarity.CLOSE


def demo_measure(indicator_start: str):
    for doc in demo_documents():
        for m in doc.measures:
            if m.indicator.startswith(indicator_start):
                return m
    raise LookupError(indicator_start)


def test_maintain_target_repeat_referrals_19_to_19() -> None:
    m = demo_measure("% of referrals which are repeat referrals")
    assert (m.baseline, m.target, m.polarity) == (19, 19, L)
    assert rag(19, m.target, m.polarity) is Rag.GREEN
    assert rag(18, m.target, m.polarity) is Rag.GREEN
    assert rag(20.9, m.target, m.polarity) is Rag.AMBER  # within 10% of 19
    assert rag(21, m.target, m.polarity) is Rag.RED


def test_rising_target_s47s_to_icpc_25_to_35() -> None:
    m = demo_measure("% S47s that progress to ICPC")
    assert m.target == 35 and m.polarity is H
    assert rag(25, m.target, m.polarity) is Rag.RED
    assert rag(32, m.target, m.polarity) is Rag.AMBER
    assert rag(35, m.target, m.polarity) is Rag.GREEN
    assert direction(30, 25, m.polarity) is Direction.IMPROVING


def test_rising_target_referrals_per_10000_392_to_450() -> None:
    m = demo_measure("Referrals to children's social care")
    assert (m.baseline, m.target) == (392, 450)
    # Whatever the polarity, reaching the target is Green and staying at the baseline is not.
    assert rag(450, m.target, m.polarity) is Rag.GREEN
    assert rag(392, m.target, m.polarity) is not Rag.GREEN
    assert direction(420, 392, m.polarity, m.target) is Direction.IMPROVING


def test_target_of_zero_unregistered_accommodation() -> None:
    m = demo_measure("Number of under 16s in unregistered accommodation")
    assert (m.baseline, m.target, m.polarity) == (5, 0, L)
    assert rag(0, m.target, m.polarity) is Rag.GREEN
    assert rag(1, m.target, m.polarity) is Rag.RED  # no amber band around zero
    assert rag(1, m.target, m.polarity, tolerance=1) is Rag.AMBER
    assert direction(3, 5, m.polarity) is Direction.IMPROVING
    assert direction(5, 3, m.polarity) is Direction.WORSENING


def test_lower_is_better_agency_worker_rate() -> None:
    m = demo_measure("% FTE Agency worker rate")
    assert m.polarity is L
    assert rag(37.5, m.target, L) is Rag.GREEN
    assert rag(41, m.target, L) is Rag.AMBER  # 37.5 + 3.75 = 41.25
    assert rag(42.6, m.target, L) is Rag.RED


def test_higher_is_better_new_birth_visits_partnership() -> None:
    m = demo_measure("% of infants who received a face-to-face New Birth Visits")
    assert (m.baseline, m.target, m.polarity) == (60, 85, H)
    assert rag(60, m.target, H) is Rag.RED
    assert rag(80, m.target, H) is Rag.AMBER
    assert rag(90, m.target, H) is Rag.GREEN


def test_close_to_target_bands_either_side() -> None:
    assert rag(100, 100, C) is Rag.GREEN
    assert rag(109, 100, C) is Rag.GREEN
    assert rag(91, 100, C) is Rag.GREEN
    assert rag(115, 100, C) is Rag.AMBER
    assert rag(85, 100, C) is Rag.AMBER
    assert rag(121, 100, C) is Rag.RED
    assert direction(105, 130, C, 100) is Direction.IMPROVING
    assert direction(130, 105, C, 100) is Direction.WORSENING


@pytest.mark.parametrize("polarity", list(Polarity))
def test_grey_without_target_or_value(polarity: Polarity) -> None:
    assert rag(None, 70, polarity) is Rag.GREY
    assert rag(50, None, polarity) is Rag.GREY


def test_quality_assurance_measures_with_tbd_baseline_are_grey_until_a_value() -> None:
    m = demo_measure("% of audits with feedback from families")
    assert m.baseline is None and m.baseline_text == "TBD" and m.target == 80
    assert rag(None, m.target, m.polarity) is Rag.GREY


def test_explicit_tolerance_overrides_the_default() -> None:
    assert rag(85, 90, H, tolerance=2) is Rag.RED
    assert rag(88, 90, H, tolerance=2) is Rag.AMBER


def test_no_change_and_no_previous_value() -> None:
    assert direction(19, 19, L) is Direction.NO_CHANGE
    assert direction(19, None, L) is None


def test_every_demo_measure_gets_a_rag_for_each_polarity() -> None:
    for doc in demo_documents():
        for m in doc.measures:
            for polarity in Polarity:
                value = m.target if m.target is not None else 1.0
                expected = Rag.GREY if m.target is None else Rag.GREEN
                assert rag(value, m.target, polarity, m.tolerance) is expected, m.ref
