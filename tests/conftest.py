"""Shared test configuration: quiet TensorFlow, a headless matplotlib, no leaked figures."""

import os
import pathlib

# TensorFlow reads these once, when its C++ runtime loads on the first `import tensorflow`,
# so they are set here, before any test module imports it. A value chosen by the caller wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: no display on CI, and nothing opens a window

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    """Closes every figure a test opened, so figures do not pile up across tests."""
    yield
    plt.close("all")


@pytest.fixture
def repo_root():
    """The repository root (the folder holding pyproject.toml)."""
    return REPO_ROOT
