"""Tests for seqcourse.plotting: the book style and the shared figures (Agg backend)."""

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from seqcourse.plotting import (
    BOOK_STYLE,
    plot_autocorrelation,
    plot_curves,
    plot_forecasts,
    use_book_style,
)


def rc_equal(key, value):
    actual = mpl.rcParams[key]
    if isinstance(value, tuple):
        return list(actual) == list(value)
    return actual == value


# --- use_book_style ---------------------------------------------------------------------


def test_use_book_style_sets_every_book_style_value():
    with mpl.rc_context():
        mpl.rcdefaults()
        changed_by_it = [key for key, value in BOOK_STYLE.items() if not rc_equal(key, value)]
        assert changed_by_it, "BOOK_STYLE equals matplotlib's defaults: the test shows nothing"
        use_book_style()
        for key, value in BOOK_STYLE.items():
            assert rc_equal(key, value), (key, mpl.rcParams[key], value)


def test_use_book_style_changes_nothing_else():
    with mpl.rc_context():
        mpl.rcdefaults()
        before = dict(mpl.rcParams)
        use_book_style()
        after = dict(mpl.rcParams)
    changed = {key for key in before if before[key] != after[key]}
    assert changed <= set(BOOK_STYLE)


def test_book_style_keys_are_valid_rcparams():
    assert set(BOOK_STYLE) <= set(mpl.rcParams)


def test_use_book_style_applies_to_new_figures():
    with mpl.rc_context():
        use_book_style()
        fig = plt.figure()
        assert fig.dpi == BOOK_STYLE["figure.dpi"]
        assert tuple(fig.get_size_inches()) == pytest.approx(BOOK_STYLE["figure.figsize"])


# --- plot_autocorrelation ---------------------------------------------------------------


def test_plot_autocorrelation_draws_stems_points_and_zero_line():
    acf = np.array([1.0, 0.5, -0.25, 0.1])
    fig = plot_autocorrelation(acf, title="ACF of x")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title() == "ACF of x"
    assert ax.get_xlabel() == "lag k (years)" and ax.get_ylabel() == "r(k)"
    assert len(ax.collections) == 1  # the stems (one LineCollection)
    assert len(ax.collections[0].get_segments()) == 4
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == 1
    np.testing.assert_array_equal(points[0].get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(points[0].get_ydata(), acf)
    assert len(ax.lines) == 2  # the points and the zero line


def test_plot_autocorrelation_marks_lags():
    acf = np.array([1.0, 0.456, -0.254, 0.1])
    fig = plot_autocorrelation(acf, mark_lags=(1, 2))
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert texts == ["lag 1: 0.46", "lag 2: -0.25"]


def test_plot_autocorrelation_draws_on_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_autocorrelation([1.0, 0.2], ax=right) is fig
    assert len(right.lines) == 2 and len(left.lines) == 0


@pytest.mark.parametrize("acf", [np.ones((2, 2)), np.float64(1.0)])
def test_plot_autocorrelation_rejects_bad_shapes(acf):
    with pytest.raises(ValueError, match=re.escape(f"Received: acf.shape={np.shape(acf)}")):
        plot_autocorrelation(acf)


@pytest.mark.parametrize("lag", [-1, 4])
def test_plot_autocorrelation_rejects_lags_out_of_range(lag):
    # A negative lag would otherwise label acf[-1] as "lag -1".
    with pytest.raises(ValueError, match=re.escape(f"Received: mark_lags=({lag},)")):
        plot_autocorrelation([1.0, 0.5, 0.2, 0.1], mark_lags=(lag,))


# --- plot_forecasts ---------------------------------------------------------------------


def test_plot_forecasts_lines_and_legend():
    time = np.arange(1990, 2000)
    actual = np.linspace(0, 1, 10)
    forecasts = {"AR(3)": actual + 0.1, "last value": actual - 0.1}
    fig = plot_forecasts(time, actual, forecasts, title="Test period", ylabel="count")
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["observed", "AR(3)", "last value"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), actual)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), actual + 0.1)
    np.testing.assert_array_equal(ax.lines[2].get_xdata(), time)
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["observed", "AR(3)", "last value"]
    assert ax.get_title() == "Test period" and ax.get_ylabel() == "count"


def test_plot_forecasts_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_forecasts([0, 1], [0.0, 1.0], {"f": [0.0, 0.5]}, ax=ax) is fig
    assert len(ax.lines) == 2


@pytest.mark.parametrize(
    ("time", "actual", "forecasts", "received"),
    [
        (np.zeros((3, 1)), np.zeros(3), {"f": np.zeros(3)}, "time.shape=(3, 1)"),
        (np.zeros(3), np.zeros(4), {"f": np.zeros(3)}, "actual.shape=(4,)"),
        (np.zeros(3), np.zeros((3, 1)), {"f": np.zeros(3)}, "actual.shape=(3, 1)"),
        (np.zeros(3), np.zeros(3), {"f": np.zeros(2)}, "forecasts['f'].shape=(2,)"),
        (np.zeros(3), np.zeros(3), {}, "forecasts={}"),
        (np.zeros(3), np.zeros(3), [np.zeros(3)], "forecasts=[array("),
    ],
)
def test_plot_forecasts_rejects_bad_input(time, actual, forecasts, received):
    with pytest.raises(ValueError, match=re.escape(f"Received: {received}")):
        plot_forecasts(time, actual, forecasts)


# --- plot_curves ------------------------------------------------------------------------


def test_plot_curves_lines_labels_and_axes():
    x = np.arange(1, 6)
    curves = {"AR": x * 0.5, "last value": x * 1.0, "mean": x * 2.0}
    fig = plot_curves(x, curves, xlabel="k", ylabel="RMSE", title="Horizon", marker="s")
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == list(curves)
    for line, values in zip(ax.lines, curves.values(), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), values)
        assert line.get_marker() == "s"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == list(curves)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("k", "RMSE", "Horizon")
    assert ax.get_yscale() == "linear"


def test_plot_curves_log_scale():
    fig = plot_curves([1, 2, 3], {"loss": [1.0, 0.1, 0.01]}, logy=True)
    assert fig.axes[0].get_yscale() == "log"


@pytest.mark.parametrize(
    ("x", "curves", "received"),
    [
        (np.zeros((2, 2)), {"a": np.zeros(2)}, "x.shape=(2, 2)"),
        (np.zeros(3), {"a": np.zeros(3), "b": np.zeros(4)}, "curves['b'].shape=(4,)"),
        (np.zeros(3), {"a": np.zeros((3, 1))}, "curves['a'].shape=(3, 1)"),
        (np.zeros(3), {}, "curves={}"),
        (np.zeros(3), None, "curves=None"),
    ],
)
def test_plot_curves_rejects_bad_input(x, curves, received):
    with pytest.raises(ValueError, match=re.escape(f"Received: {received}")):
        plot_curves(x, curves)
