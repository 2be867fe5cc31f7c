"""The book's plot style and the figures the chapters share.

Every function returns the matplotlib ``Figure`` so that a chapter can save or restyle it.
Introduced in chapter 1.
"""

import numpy as np
from cycler import cycler

# Modest resolution keeps the stored notebooks small (PNG, ~30-60 kB a figure).
BOOK_STYLE = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "legend.frameon": False,
    "legend.fontsize": "small",
    "lines.linewidth": 1.5,
    "font.size": 10,
    "image.cmap": "viridis",
    "axes.prop_cycle": cycler(
        color=["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f"]
    ),
}


def use_book_style():
    """Applies `BOOK_STYLE` to matplotlib's rcParams and makes inline figures PNG.

    Called by `seqcourse.setup`; importing this module changes nothing.
    """
    import matplotlib as mpl

    mpl.rcParams.update(BOOK_STYLE)
    try:  # Inside IPython: inline figures as PNG at the dpi above, not retina or SVG.
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        if get_ipython() is not None:
            set_matplotlib_formats("png")
    except ImportError:  # pragma: no cover - plain Python without IPython
        pass


def _check_1d(name, values, length=None):
    values = np.asarray(values)
    if values.ndim != 1 or (length is not None and values.shape[0] != length):
        expected = "(n,)" if length is None else f"({length},)"
        raise ValueError(
            f"`{name}` must have shape {expected}. Received: {name}.shape={values.shape}"
        )
    return values


def plot_autocorrelation(acf, ax=None, title="Autocorrelation", mark_lags=()):
    """Stem plot of an autocorrelation function ``acf[0..max_lag]``.

    Args:
        acf: Array ``(max_lag + 1,)``, e.g. from `seqcourse.timeseries.autocorrelation`.
        ax: Axes to draw on (a new figure if None).
        title: Axes title.
        mark_lags: Lags to annotate with their value.

    Returns:
        The figure.
    """
    import matplotlib.pyplot as plt

    acf = _check_1d("acf", acf)
    if ax is None:
        _, ax = plt.subplots()
    lags = np.arange(acf.shape[0])
    ax.vlines(lags, 0, acf, lw=1.2)
    ax.plot(lags, acf, "o", ms=3)
    ax.axhline(0, color="black", lw=0.8)
    for lag in mark_lags:
        if (
            isinstance(lag, bool)
            or not isinstance(lag, int | np.integer)
            or not (0 <= lag < acf.shape[0])
        ):
            raise ValueError(
                f"`mark_lags` must hold lags in 0..{acf.shape[0] - 1}. "
                f"Received: mark_lags={mark_lags!r}"
            )
        ax.annotate(
            f"lag {lag}: {acf[lag]:.2f}",
            (lag, acf[lag]),
            textcoords="offset points",
            xytext=(4, 6),
            fontsize="small",
        )
    ax.set(xlabel="lag k (years)", ylabel="r(k)", title=title)
    return ax.figure


def plot_forecasts(time, actual, forecasts, ax=None, title=None, ylabel=None):
    """Plots a series and one or more forecasts of it over the same time axis.

    Args:
        time: Array ``(n,)`` of time stamps.
        actual: Array ``(n,)`` of observed values.
        forecasts: Dict mapping a label to an array ``(n,)`` of forecasts.
        ax: Axes to draw on (a new figure if None).
        title: Axes title.
        ylabel: Y axis label.

    Returns:
        The figure.
    """
    import matplotlib.pyplot as plt

    time = _check_1d("time", time)
    actual = _check_1d("actual", actual, time.shape[0])
    if not isinstance(forecasts, dict) or not forecasts:
        raise ValueError(f"`forecasts` must be a non-empty dict. Received: forecasts={forecasts!r}")
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(time, actual, color="black", lw=2.2, alpha=0.35, label="observed")
    for label, values in forecasts.items():
        ax.plot(time, _check_1d(f"forecasts[{label!r}]", values, time.shape[0]), label=label)
    ax.set(title=title, ylabel=ylabel)
    ax.legend(ncols=min(4, len(forecasts) + 1), loc="upper left")
    return ax.figure


def plot_curves(x, curves, ax=None, xlabel=None, ylabel=None, title=None, logy=False, marker="o"):
    """Plots several named curves ``y(x)`` on shared axes (errors vs horizon, vs window, ...).

    Args:
        x: Array ``(n,)`` of x values.
        curves: Dict mapping a label to an array ``(n,)``.
        ax: Axes to draw on (a new figure if None).
        xlabel: X axis label.
        ylabel: Y axis label.
        title: Axes title.
        logy: Whether the y axis is logarithmic.
        marker: Matplotlib marker for the points.

    Returns:
        The figure.
    """
    import matplotlib.pyplot as plt

    x = _check_1d("x", x)
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"`curves` must be a non-empty dict. Received: curves={curves!r}")
    if ax is None:
        _, ax = plt.subplots()
    for label, values in curves.items():
        ax.plot(
            x, _check_1d(f"curves[{label!r}]", values, x.shape[0]), marker=marker, ms=3, label=label
        )
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax.figure
