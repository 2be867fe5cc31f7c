"""Tests for seqcourse.book.glue: the same display bundle as MyST-NB's glue(display=False)."""

import sys

import pytest

from seqcourse.book import GLUE_MIME_PREFIX, glue

myst_nb_glue = pytest.importorskip("myst_nb.ext.glue")


@pytest.fixture
def published(monkeypatch, tmp_path):
    """The display outputs published through IPython during the test.

    Uses the real `IPython.display.display` path with a capturing display publisher. The
    IPython shell singleton is created here if there is none (with history off and its
    profile in tmp_path) and removed afterwards, so later tests see no shell.
    """
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    existed = InteractiveShell.initialized()
    hooks = sys.displayhook, sys.excepthook
    if existed:
        shell = InteractiveShell.instance()
    else:
        monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
        config = Config()
        config.HistoryManager.enabled = False
        shell = InteractiveShell.instance(config=config)
    publisher = CapturingDisplayPublisher()
    monkeypatch.setattr(shell, "display_pub", publisher)
    yield publisher.outputs
    if not existed:
        InteractiveShell.clear_instance()
        sys.displayhook, sys.excepthook = hooks


def test_prefix_is_myst_nb_prefix():
    assert GLUE_MIME_PREFIX == myst_nb_glue.GLUE_PREFIX


@pytest.mark.parametrize("value", [3.14159, 42, -0.0, 10**20, 2.5e-8])
def test_glue_emits_the_myst_nb_bundle(published, value):
    myst_nb_glue.glue("answer", value, display=False)
    assert len(published) == 1
    expected = published.pop()
    assert glue("answer", value) is None  # like MyST-NB's: nothing more shown in a cell
    assert len(published) == 1
    assert published[0] == expected
    # And what that bundle is: the value's text under the prefix, with scrapbook metadata.
    assert published[0]["data"] == {GLUE_MIME_PREFIX + "text/plain": repr(value)}
    assert published[0]["metadata"]["scrapbook"] == {
        "name": "answer",
        "mime_prefix": GLUE_MIME_PREFIX,
    }


def test_glue_returns_none(published):
    # On the last line of a cell, a returned value would be displayed as a second output.
    assert glue("x", 0.123456789, fmt=".2f") is None
    assert glue("y", "text") is None
    assert len(published) == 2


def test_glue_string_is_stored_like_myst_nb(published):
    glue("model", "AR(4)")
    myst_nb_glue.glue("model", "AR(4)", display=False)
    assert published[0]["data"] == published[1]["data"]
    assert published[0]["metadata"] == published[1]["metadata"]


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (3.14159, ".2f", "3.14"),
        (1.0, ".2f", "1.00"),
        (25000.0, ".1e", "2.5e+04"),
        (0.98765, ".1%", "98.8%"),
        (1234567, ",", "1,234,567"),
        (7, "d", "7"),
    ],
)
def test_glue_fmt_text_renders_exactly_in_the_book(published, value, fmt, text):
    from myst_nb.core.variables import format_plain_text

    glue("number", value, fmt=fmt)
    stored = published[0]["data"][GLUE_MIME_PREFIX + "text/plain"]
    # What the {glue:text} role shows, without and with a string format spec.
    assert format_plain_text(stored, "") == text
    assert format_plain_text(stored, "s") == text


@pytest.mark.parametrize("name", ["", "has space", "dotted.name", "é", "a/b", None, 3])
def test_glue_rejects_bad_names(published, name):
    with pytest.raises(ValueError, match=r"\[A-Za-z0-9_-\]\+") as info:
        glue(name, 1.0)
    assert f"Received: name={name!r}" in str(info.value)
    assert published == []


@pytest.mark.parametrize("value", ["3.14", None, [1.0]])
def test_glue_rejects_fmt_on_non_numbers(published, value):
    with pytest.raises(ValueError, match="numbers only") as info:
        glue("x", value, fmt=".2f")
    assert f"Received: value={value!r}" in str(info.value)
    assert published == []
