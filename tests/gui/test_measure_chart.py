"""The measure chart: what it draws for each kind of measure, that the target
is always in view, the hover read-out, the axes' labels, and PNG/SVG export."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from perfdesk import presentation
from perfdesk.domain.measures import Frequency, Point, Polarity, Rag, Unit, rag
from perfdesk.domain.periods import period_end
from perfdesk.services.measures.view import MeasureSeries
from perfdesk.ui.measures.charts import MeasureChart
from perfdesk.ui.measures.charts.axes import format_value, period_label, period_ticks, to_date, to_x

ROOT = Path(__file__).resolve().parents[2]


def _points(periods: list[str], values: list[float]) -> tuple[Point, ...]:
    return tuple(Point(p, period_end(p), v) for p, v in zip(periods, values, strict=True))


def _series(**kw) -> MeasureSeries:
    values = kw.get("values", ())
    if values and kw.get("target") is not None:
        kw.setdefault("latest_rag", rag(values[-1].value, kw["target"],
                                        kw.get("polarity", Polarity.HIGHER),
                                        kw.get("tolerance")))
    base = dict(
        ref="M1", indicator="A measure", unit=Unit.NUMBER, polarity=Polarity.HIGHER,
        frequency=Frequency.MONTHLY, baseline=None, baseline_date=None, target=None,
        target_date=None, tolerance=None, values=(),
    )
    return MeasureSeries(**(base | kw))


MONTHS = [f"2023-{m:02d}" for m in range(4, 13)] + ["2024-01"]
QUARTERS = [f"Q{q} {y}/{(y + 1) % 100:02d}" for y in (2022, 2023) for q in (1, 2, 3, 4)]
YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2019, 2024)]


def monthly_percent() -> MeasureSeries:
    actual = [52, 54, 53, 57, 59, 58, 61, 63, 62, 64.5]
    return _series(
        ref="M3", indicator="Children seen within 20 working days of referral",
        unit=Unit.PERCENT, polarity=Polarity.HIGHER, frequency=Frequency.MONTHLY,
        baseline=50, baseline_date=dt.date(2023, 3, 31),
        target=75, target_date=dt.date(2025, 3, 31), tolerance=7.5,
        values=_points(MONTHS, actual),
        benchmarks={
            "England": _points(MONTHS, [v - 3 for v in actual]),
            "South West": _points(MONTHS, [v - 6 + i % 2 for i, v in enumerate(actual)]),
            "Statistical neighbours": _points(MONTHS, [v + 2 for v in actual]),
        },
    )


def quarterly_rate() -> MeasureSeries:
    return _series(
        ref="M7", indicator="Re-referrals to children's social care",
        unit=Unit.PER_10000, polarity=Polarity.LOWER, frequency=Frequency.QUARTERLY,
        baseline=48.5, baseline_date=dt.date(2022, 3, 31),
        target=40, target_date=dt.date(2024, 9, 30), tolerance=4,
        values=_points(QUARTERS, [49.1, 47.8, 46.2, 45.9, 44.0, 43.1, 42.7, 43.4]),
        benchmarks={"England": _points(QUARTERS, [44.2, 44.0, 43.8, 43.9, 43.5, 43.2,
                                                  43.0, 42.8])},
    )


def annual_close() -> MeasureSeries:
    return _series(
        ref="M9", indicator="Children in care", unit=Unit.NUMBER, polarity=Polarity.CLOSE,
        frequency=Frequency.ANNUAL, baseline=310, baseline_date=dt.date(2019, 3, 31),
        target=250, target_date=dt.date(2026, 3, 31), tolerance=15,
        values=_points(YEARS, [305, 296, 281, 270, 262]),
    )


def baseline_and_target() -> MeasureSeries:
    return _series(
        ref="M12", indicator="Average days to complete an assessment", unit=Unit.DAYS,
        polarity=Polarity.LOWER, frequency=Frequency.MONTHLY,
        baseline=45, baseline_date=dt.date(2023, 3, 31),
        target=30, target_date=dt.date(2025, 3, 31), tolerance=3,
    )


def empty() -> MeasureSeries:
    return _series(ref="M13", indicator="A new measure")


KINDS = {
    "monthly_percent": monthly_percent,
    "quarterly_rate": quarterly_rate,
    "annual_close": annual_close,
    "baseline_target": baseline_and_target,
    "empty": empty,
}


@pytest.fixture
def chart(qtbot) -> MeasureChart:
    widget = MeasureChart()
    qtbot.addWidget(widget)
    widget.resize(640, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _legend_names(chart: MeasureChart) -> list[str]:
    return [label.text for _, label in chart.legend.items]


def _view_includes(chart: MeasureChart, day: dt.date, value: float) -> bool:
    (x0, x1), (y0, y1) = chart.plot_item.vb.viewRange()
    return x0 < to_x(day) < x1 and y0 < value < y1


def _hover(chart: MeasureChart, day: dt.date, value: float) -> str:
    vb = chart.plot_item.vb
    chart.hover_at(vb.mapViewToScene(QPointF(to_x(day), value)))
    return chart.hovered.text()


# -- what each kind of measure draws ------------------------------------------


def test_monthly_percent_draws_values_benchmarks_band_and_latest_rag(chart) -> None:
    series = monthly_percent()
    chart.set_series(series)
    layers = chart.layers

    x, y = layers.values.getData()
    assert len(x) == 10
    assert y[-1] == 64.5
    assert layers.target is not None and layers.target_marker is not None
    assert layers.baseline is not None
    band = layers.band.opts
    assert (band["y0"][0], band["y1"][0]) == (67.5, 75)  # below the target: higher is better
    assert set(layers.benchmarks) == {"England", "South West", "Statistical neighbours"}
    pens = [b.opts["pen"] for b in layers.benchmarks.values()]
    assert len({p.color().name() for p in pens}) == 3
    assert len({(p.style(), tuple(p.dashPattern())) for p in pens}) == 3  # reads in grey
    assert _legend_names(chart) == [
        "Actual", "Target", "Amber band", "Baseline",
        "England", "South West", "Statistical neighbours",
    ]
    assert series.latest_rag is Rag.RED
    assert layers.latest.opts["brush"].color().name() == presentation.colour(Rag.RED)
    assert layers.latest.opts["symbol"] == "t"  # a triangle, as ▲ says
    assert layers.latest_label.toPlainText().strip() == "▼ Red"
    assert [label.toPlainText() for label in layers.labels] == ["Baseline 50%", "Target 75%"]
    assert chart.plot_item.getAxis("left").labelText == "%"
    assert "Latest Jan 2024: 64.5% ▼ Red" in chart.hovered.text()


def test_quarterly_lower_is_better_has_its_band_above_the_target(chart) -> None:
    chart.set_series(quarterly_rate())
    layers = chart.layers
    assert len(layers.values.getData()[0]) == 8
    assert (layers.band.opts["y0"][0], layers.band.opts["y1"][0]) == (40, 44)
    assert list(layers.benchmarks) == ["England"]
    assert "England" in _legend_names(chart)
    assert chart.plot_item.getAxis("left").labelText == "per 10,000"


def test_annual_close_to_target_has_a_band_each_side(chart) -> None:
    chart.set_series(annual_close())
    layers = chart.layers
    assert len(layers.values.getData()[0]) == 5
    band = layers.band.opts
    assert sorted(zip(band["y0"], band["y1"], strict=True)) == [(235, 250), (250, 265)]
    assert layers.benchmarks == {}
    assert chart.plot_item.getAxis("left").labelText == ""  # a plain number has no unit


def test_a_series_without_tolerance_has_no_band(chart) -> None:
    series = annual_close()
    chart.set_series(MeasureSeries(**(vars(series) | {"tolerance": None})))
    assert chart.layers.band is None
    assert "Amber band" not in _legend_names(chart)


def test_baseline_and_target_alone_span_their_dates(chart) -> None:
    series = baseline_and_target()
    chart.set_series(series)
    layers = chart.layers
    assert layers.values is None and layers.latest is None
    assert layers.baseline is not None and layers.target is not None
    assert _legend_names(chart) == ["Target", "Amber band", "Baseline"]
    (x0, x1), _ = chart.plot_item.vb.viewRange()
    assert _view_includes(chart, series.baseline_date, series.baseline)
    assert x1 - x0 < 3 * 365  # about the two years between, not a silly range
    assert chart.plot_item.getAxis("left").labelText == "days"


@pytest.mark.parametrize("series", [None, empty()], ids=["none", "empty"])
def test_no_figures_shows_a_friendly_message(chart, series) -> None:
    chart.set_series(monthly_percent())
    chart.set_series(series)
    assert chart.layers.message is not None
    assert "No figures yet" in chart.layers.message.toPlainText()
    assert chart.layers.values is None and chart.layers.target is None
    assert _legend_names(chart) == []
    assert not chart.legend.isVisible()
    assert [item for item in chart.plot_item.listDataItems() if item.isVisible()] == []
    assert chart.hovered.text().startswith("No figures yet")


@pytest.mark.parametrize("kind", ["monthly_percent", "quarterly_rate", "annual_close",
                                  "baseline_target"])
def test_the_target_and_its_date_are_in_view(chart, kind) -> None:
    series = KINDS[kind]()
    chart.set_series(series)
    assert _view_includes(chart, series.target_date, series.target)
    _, (y0, y1) = chart.plot_item.vb.viewRange()
    for point in series.values + tuple(p for ps in series.benchmarks.values() for p in ps):
        assert _view_includes(chart, point.period_end, point.value)
    assert y0 < series.baseline < y1


def test_a_single_value_gets_a_sensible_range(chart) -> None:
    chart.set_series(_series(unit=Unit.PERCENT, values=_points(["2023-09"], [40])))
    (x0, x1), (y0, y1) = chart.plot_item.vb.viewRange()
    assert x0 < to_x(dt.date(2023, 9, 30)) < x1
    assert 90 < x1 - x0 < 400  # a few months either side
    assert y0 < 40 < y1 and y1 - y0 < 40


# -- read-out -----------------------------------------------------------------


def test_hover_reads_out_the_period_value_and_benchmarks(chart) -> None:
    chart.set_series(monthly_percent())
    text = _hover(chart, dt.date(2023, 9, 30), 57)
    assert text.startswith("Sep 2023: 58%")
    assert "England 55%" in text and "South West 53%" in text
    assert "Statistical neighbours 60%" in text
    assert chart._guide.isVisible()

    text = _hover(chart, dt.date(2025, 3, 31), 75)
    assert "Target 75%" in text

    chart.hover_at(QPointF(-500, -500))  # off the plot
    assert chart.hovered.text().startswith("Latest Jan 2024")
    assert not chart._guide.isVisible()


def test_hover_follows_the_mouse_through_the_scene_signal(chart, qtbot) -> None:
    chart.set_series(quarterly_rate())
    pos = chart.plot_item.vb.mapViewToScene(QPointF(to_x(dt.date(2023, 6, 30)), 44))
    chart.view.scene().sigMouseMoved.emit(pos)
    qtbot.waitUntil(lambda: chart.hovered.text().startswith("Q1 2023/24"))
    assert "44 per 10,000" in chart.hovered.text()
    assert "England 43.5 per 10,000" in chart.hovered.text()


# -- axes ---------------------------------------------------------------------


@pytest.mark.parametrize(("day", "frequency", "label"), [
    (dt.date(2023, 9, 30), Frequency.MONTHLY, "Sep 23"),
    (dt.date(2023, 9, 30), Frequency.QUARTERLY, "Q2 23/24"),
    (dt.date(2024, 3, 31), Frequency.QUARTERLY, "Q4 23/24"),
    (dt.date(2024, 3, 31), Frequency.ANNUAL, "2023/24"),
    (dt.date(1999, 12, 31), Frequency.ANNUAL, "1999/00"),
])
def test_period_labels(day, frequency, label) -> None:
    assert period_label(day, frequency) == label


def test_ticks_thin_out_to_fit() -> None:
    lo, hi = dt.date(2023, 1, 1), dt.date(2025, 6, 30)
    assert len(period_ticks(lo, hi, Frequency.MONTHLY, 40)) == 30
    quarterly_steps = period_ticks(lo, hi, Frequency.MONTHLY, 10)
    assert [d.month for d in quarterly_steps][:3] == [3, 6, 9]
    assert len(period_ticks(lo, hi, Frequency.MONTHLY, 5)) <= 5
    assert period_ticks(lo, hi, Frequency.ANNUAL, 10) == [dt.date(2023, 3, 31),
                                                           dt.date(2024, 3, 31),
                                                           dt.date(2025, 3, 31)]
    assert period_ticks(lo, hi, Frequency.ANNUAL, 10, calendar_years=True) == [
        dt.date(2023, 12, 31), dt.date(2024, 12, 31)]


@pytest.mark.parametrize("kind", ["monthly_percent", "quarterly_rate", "annual_close",
                                  "baseline_target"])
def test_axis_labels_do_not_overlap(chart, kind) -> None:
    chart.set_series(KINDS[kind]())
    axis = chart.bottom_axis
    (x0, x1), _ = chart.plot_item.vb.viewRange()
    width = axis.geometry().width()
    levels = axis.tickValues(x0, x1, width)
    ticks = levels[0][1]
    assert 2 <= len(ticks) <= 14
    gap_px = min(b - a for a, b in itertools.pairwise(ticks)) * width / (x1 - x0)
    assert gap_px > axis.label_width()
    labels = axis.tickStrings(ticks, 1, levels[0][0])
    assert all(labels) and len(set(labels)) == len(labels)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (45.0, Unit.PERCENT, "45%"),
    (45.25, Unit.PERCENT, "45.25%"),
    (12.5, Unit.PER_10000, "12.5 per 10,000"),
    (1250, Unit.POUNDS, "£1,250"),
    (-3.5, Unit.POUNDS, "-£3.50"),
    (30, Unit.DAYS, "30 days"),
    (1234567, Unit.NUMBER, "1,234,567"),
])
def test_values_are_formatted_for_their_unit(value, unit, text) -> None:
    assert format_value(value, unit) == text


def test_annual_calendar_years_are_labelled_as_years(chart) -> None:
    series = _series(frequency=Frequency.ANNUAL, values=_points(["2020", "2021", "2022"],
                                                                [3, 4, 5]))
    chart.set_series(series)
    assert chart.bottom_axis.calendar_years
    assert chart.bottom_axis.tickStrings([to_x(dt.date(2021, 12, 31))], 1, 365) == ["2021"]
    assert to_date(to_x(dt.date(2021, 12, 31))) == dt.date(2021, 12, 31)


# -- export -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_export_png_and_svg(chart, kind, tmp_path: Path) -> None:
    chart.set_series(KINDS[kind]())
    png = chart.export_png(tmp_path / f"{kind}.png")
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() == 1200
    assert image.height() == 675  # drawn at 640 × 360 whatever its size on screen, scaled

    small = QImage(str(chart.export_png(tmp_path / "small.png", width=400)))
    assert small.width() == 400

    svg = chart.export_svg(tmp_path / f"{kind}.svg")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "</svg>" in text
    if kind != "empty":
        assert "Target" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{kind}.png", "small.png", f"{kind}.svg"]
    )  # no temporary files left behind


def test_export_replaces_an_existing_file(chart, tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")
    chart.set_series(monthly_percent())
    assert chart.export_png(target) == target
    assert not QImage(str(target)).isNull()


def test_a_chart_never_shown_still_exports(qtbot, tmp_path: Path) -> None:
    hidden = MeasureChart()
    qtbot.addWidget(hidden)
    hidden.set_series(quarterly_rate())
    image = QImage(str(hidden.export_png(tmp_path / "hidden.png", width=640)))
    assert (image.width(), image.height()) == (640, 360)
    assert "<svg" in hidden.export_svg(tmp_path / "hidden.svg").read_text(encoding="utf-8")


def test_the_main_window_does_not_import_pyqtgraph() -> None:
    code = ("import sys; import perfdesk.ui.main_window; "
            "print('pyqtgraph' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
