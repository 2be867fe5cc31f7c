"""Tests for seqcourse.setup: seeding, determinism, the report, plot style and argument checks."""

import random
import re

import keras
import matplotlib as mpl
import numpy as np
import pytest
import tensorflow as tf

import seqcourse
from seqcourse.plotting import BOOK_STYLE


@pytest.fixture(autouse=True)
def _restore_rcparams():
    """setup() applies the book style by default; keep it from leaking into other tests."""
    with mpl.rc_context():
        yield


def op_determinism_enabled():
    public = getattr(tf.config.experimental, "is_op_determinism_enabled", None)
    if public is not None:
        return public()
    from tensorflow.python.framework import config  # not exported in TF 2.21

    return config.is_op_determinism_enabled()


def draws():
    """One draw from each generator setup() seeds."""
    return (
        random.random(),
        np.random.rand(),  # noqa: NPY002 - the global generator is what setup() seeds
        keras.ops.convert_to_numpy(keras.random.uniform((4,))).tolist(),
        keras.ops.convert_to_numpy(keras.random.normal((2, 2))).tolist(),
        tf.random.uniform((3,)).numpy().tolist(),
    )


def test_report_names_versions_and_seed():
    report = seqcourse.setup(seed=7, plot_style=False, verbose=False)
    assert isinstance(report, str)
    assert f"TensorFlow {tf.__version__}" in report
    assert f"Keras {keras.__version__}" in report
    assert report.endswith("seed 7")
    assert "\n" not in report


def test_verbose_prints_the_report(capsys):
    report = seqcourse.setup(seed=1, plot_style=False, verbose=True)
    assert capsys.readouterr().out == report + "\n"


def test_not_verbose_prints_nothing(capsys):
    seqcourse.setup(seed=1, plot_style=False, verbose=False)
    captured = capsys.readouterr()
    assert captured.out == ""


def test_same_seed_same_random_numbers():
    seqcourse.setup(seed=123, plot_style=False, verbose=False)
    first = draws()
    seqcourse.setup(seed=123, plot_style=False, verbose=False)
    second = draws()
    assert first == second


def test_different_seeds_different_random_numbers():
    seqcourse.setup(seed=123, plot_style=False, verbose=False)
    first = draws()
    seqcourse.setup(seed=124, plot_style=False, verbose=False)
    second = draws()
    for a, b in zip(first, second, strict=True):
        assert a != b


def test_seed_matches_keras_set_random_seed():
    # Independent reference: what the seeded generators give after Keras's own seeding.
    keras.utils.set_random_seed(99)
    expected = draws()
    seqcourse.setup(seed=99, plot_style=False, verbose=False)
    assert draws() == expected


def test_extreme_seeds_are_accepted():
    for seed in (0, 2**32 - 1):
        assert seqcourse.setup(seed=seed, plot_style=False, verbose=False).endswith(f"seed {seed}")


def test_op_determinism_is_enabled():
    seqcourse.setup(seed=0, plot_style=False, verbose=False)
    assert op_determinism_enabled()


def test_deterministic_false_does_not_enable_it(monkeypatch):
    calls = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(1))
    seqcourse.setup(seed=0, deterministic=False, plot_style=False, verbose=False)
    assert calls == []
    seqcourse.setup(seed=0, deterministic=True, plot_style=False, verbose=False)
    assert calls == [1]


def test_plot_style_true_applies_the_book_style():
    mpl.rcdefaults()
    seqcourse.setup(seed=0, plot_style=True, verbose=False)
    for key, value in BOOK_STYLE.items():
        actual = mpl.rcParams[key]
        assert (list(actual) == list(value)) if isinstance(value, tuple) else actual == value, key


def test_plot_style_false_leaves_rcparams_alone():
    mpl.rcdefaults()
    before = dict(mpl.rcParams)
    seqcourse.setup(seed=0, plot_style=False, verbose=False)
    assert dict(mpl.rcParams) == before


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, False, "1", None])
def test_rejects_bad_seeds(seed):
    state = np.random.get_state()  # noqa: NPY002 - checks the global generator
    with pytest.raises(ValueError, match=re.escape(f"Received: seed={seed!r}")):
        seqcourse.setup(seed=seed, verbose=False)
    # Nothing was seeded before the check.
    assert np.array_equal(np.random.get_state()[1], state[1])  # noqa: NPY002


@pytest.mark.parametrize("flag", ["deterministic", "plot_style", "verbose"])
@pytest.mark.parametrize("value", [1, 0, "yes", None, np.bool_(True)])
def test_rejects_non_bool_flags(flag, value):
    with pytest.raises(ValueError, match="must be True or False") as info:
        seqcourse.setup(seed=0, **{flag: value})
    assert f"Received: {flag}={value!r}" in str(info.value)


def test_silence_tensorflow_logs_lowers_python_loggers():
    import logging

    import absl.logging

    from seqcourse.environment import silence_tensorflow_logs

    tf_logger = tf.get_logger()
    saved = tf_logger.level, absl.logging.get_verbosity()
    try:
        tf_logger.setLevel(logging.INFO)
        absl.logging.set_verbosity(absl.logging.INFO)
        silence_tensorflow_logs()
        assert tf_logger.level == logging.ERROR
        assert absl.logging.get_verbosity() == absl.logging.ERROR
    finally:
        tf_logger.setLevel(saved[0])
        absl.logging.set_verbosity(saved[1])
