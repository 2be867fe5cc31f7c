"""One explicit call that prepares a notebook: seeds, determinism, quiet logs, plot style.

Introduced in chapter 1.
"""

import logging
import warnings

MAX_SEED = 2**32 - 1


def silence_tensorflow_logs():
    """Silences TensorFlow's Python and absl loggers (C++ logs are handled at import).

    TensorFlow's C++ log level is read from ``TF_CPP_MIN_LOG_LEVEL`` when TensorFlow is first
    imported, which `import seqcourse` sets if it is unset. This function lowers the Python
    side: the ``tensorflow`` logger and absl's logger, to errors only.
    """
    import absl.logging
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel(logging.ERROR)
    tf.autograph.set_verbosity(0)
    # Keras warns once per process that `tf.data` pipelines are not deterministic across
    # runs unless op determinism is on; setup() turns it on, so the warning is noise here.
    warnings.filterwarnings("ignore", message=r".*`tf\.data` deterministic.*")


def is_deterministic():
    """Returns whether TensorFlow's op determinism is enabled (`setup` enables it).

    TensorFlow has no public getter for this flag, so this reads it where
    `tf.config.experimental.enable_op_determinism` stores it.
    """
    from tensorflow.python.framework import config as tf_config

    return bool(tf_config.is_op_determinism_enabled())


def setup(seed=0, *, deterministic=True, plot_style=True, verbose=True):
    """Prepares a chapter notebook: seeds everything, determinism, quiet logs, plot style.

    Call it once, at the top of every notebook, after the imports. It

    1. silences TensorFlow's log noise on stderr (see `silence_tensorflow_logs`);
    2. seeds Python's `random`, NumPy and the Keras backend with `seed`
       (`keras.utils.set_random_seed`);
    3. enables TensorFlow's op determinism (`tf.config.experimental.enable_op_determinism`),
       so that training on the same machine gives the same numbers run after run;
    4. turns on memory growth on GPUs (so one notebook does not take all GPU memory);
    5. applies the book's matplotlib style (`seqcourse.plotting.use_book_style`);
    6. prints and returns a one-line report of the environment.

    Introduced in chapter 1.

    Args:
        seed: Integer in [0, 2**32 - 1]; the seed for every random number generator.
        deterministic: Whether to enable TensorFlow's op determinism. Deterministic ops can
            be slower on GPUs; leave it on unless a chapter says otherwise.
        plot_style: Whether to apply the book's plot style.
        verbose: Whether to print the report.

    Returns:
        The one-line report, e.g.
        ``"TensorFlow 2.21.0 · Keras 3.15.1 · device: CPU (1 device) · seed 0"``.

    Example:

    >>> import seqcourse
    >>> report = seqcourse.setup(seed=0, verbose=False)
    >>> report.endswith("seed 0")
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"`seed` must be an integer in [0, {MAX_SEED}]. Received: seed={seed!r}")
    for name, value in (
        ("deterministic", deterministic),
        ("plot_style", plot_style),
        ("verbose", verbose),
    ):
        if not isinstance(value, bool):
            raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}")

    silence_tensorflow_logs()

    import keras
    import tensorflow as tf

    from seqcourse import device, plotting

    device.enable_memory_growth()
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    if plot_style:
        plotting.use_book_style()
    report = f"{device.describe()} · seed {seed}"
    if verbose:
        print(report)
    return report
