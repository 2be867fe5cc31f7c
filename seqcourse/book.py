"""Integration with the Jupyter Book build: numbers in prose come from the computation.

Introduced in chapter 1.
"""

import numbers

# The MIME prefix under which MyST-NB looks for glued values (``{glue:text}`name```).
GLUE_MIME_PREFIX = "application/papermill.record/"


def glue(name, value, fmt=None):
    """Stores a value in the notebook's outputs for the book's ``{glue}`` roles, silently.

    The protocol is MyST-NB's ``glue(name, value, display=False)``: the value's display
    representation is emitted under `GLUE_MIME_PREFIX` with ``scrapbook`` metadata. It is
    implemented here so that notebooks run where MyST-NB is not installed (Colab).

    Introduced in chapter 1.

    Args:
        name: Key used in the prose, e.g. ``{glue:text}`ar_test_rmse```; letters, digits,
            ``_`` and ``-``.
        value: The value. Numbers are rounded for display by `fmt`.
        fmt: Optional format spec applied to numbers before storing, e.g. ``".1f"``, so that
            the stored text is what the prose shows.

    Returns:
        None, so that a `glue` call on the last line of a cell displays nothing more.
    """
    import re

    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"`name` must match [A-Za-z0-9_-]+. Received: name={name!r}")
    shown = value
    if fmt is not None:
        if not isinstance(value, numbers.Number):
            raise ValueError(f"`fmt` applies to numbers only. Received: value={value!r}")
        shown = format(value, fmt)
    # A formatted number is stored as a string, i.e. as its repr "'1.00'": MyST-NB's
    # {glue:text} role literal-evals the stored text, which keeps "1.00" as written, whereas
    # an unquoted 1.00 would come back as the float 1.0.
    bundle, metadata = format_display_data(shown)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_MIME_PREFIX}
    display({GLUE_MIME_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
