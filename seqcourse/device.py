"""Devices: which accelerator is there, and how to use it.

Introduced in chapter 1.

Every chapter runs on a laptop CPU, a Colab GPU or a Colab TPU. This module finds out
which one it got and configures TensorFlow and Keras for it, but only when asked:
importing it configures nothing. Call `enable_memory_growth()` first (before any tensor
or model exists), then `strategy()` and, if wanted, `enable_mixed_precision()`.

The decisions are pure functions (`choose_strategy_kind`) or go through small module-level
helpers (`gpus`, `_detect_tpu`, `_accelerator`) so that tests can simulate GPUs and TPUs
on a machine that has neither.
"""

import numbers
import warnings

import keras
import tensorflow as tf

MIXED_PRECISION_POLICIES = ("mixed_float16", "mixed_bfloat16")


def gpus():
    """Lists the physical GPUs that TensorFlow can see.

    Listing physical devices does not initialise them, so this is safe to call before
    `enable_memory_growth()`.

    Returns:
        A list of `tf.config.PhysicalDevice` with `device_type == "GPU"`; empty on a
        machine without a (CUDA-enabled) GPU.

    Example:

    >>> from seqcourse import device
    >>> len(device.gpus())  # on a CPU-only machine
    0
    """
    return tf.config.list_physical_devices("GPU")


def gpu_names():
    """Returns the human-readable name of each physical GPU.

    Returns:
        A list of strings in the order of `gpus()`, such as
        `["NVIDIA H100 80GB HBM3"]`. A GPU whose details TensorFlow cannot report is
        named by its device name, such as `"/physical_device:GPU:0"`.

    Example:

    >>> from seqcourse import device
    >>> device.gpu_names()  # on a CPU-only machine
    []
    """
    names = []
    for gpu in gpus():
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except ValueError:  # a device TensorFlow does not know about
            details = {}
        names.append(details.get("device_name") or gpu.name)
    return names


def enable_memory_growth():
    """Lets TensorFlow allocate GPU memory as needed instead of all of it at once.

    By default TensorFlow reserves nearly all GPU memory on its first operation, which
    starves any other process (a second notebook, a profiler). Memory growth must be set
    before the GPUs are initialised, that is before the first tensor or model is created.
    A GPU that is already initialised is left as it is, with a warning; this function
    never raises for that reason, so re-running a notebook cell is harmless.

    Returns:
        The number of GPUs on which memory growth was set: `0` on a CPU-only machine.

    Example:

    >>> from seqcourse import device
    >>> device.enable_memory_growth()  # on a CPU-only machine
    0
    """
    configured = 0
    for gpu in gpus():
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError as error:  # "Physical devices cannot be modified after ..."
            warnings.warn(
                f"Could not enable memory growth on {gpu.name}: it is already initialised "
                f"({error}). Call `enable_memory_growth()` before creating any tensor or "
                "model, e.g. in the first cell after the imports.",
                stacklevel=2,
            )
        else:
            configured += 1
    return configured


def _logical_device_count(device_type):
    """Counts logical devices of a type, falling back to physical ones.

    Listing logical devices initialises the runtime (see `describe()`). On a TPU that is
    not connected yet there are no logical TPU devices, so the physical ones are counted.
    """
    count = len(tf.config.list_logical_devices(device_type))
    return count or len(tf.config.list_physical_devices(device_type))


def _accelerator():
    """Returns the kind of accelerator present: `"gpu"`, `"tpu"` or `"cpu"`.

    GPUs are looked up first, among physical devices, so that a GPU machine is not
    initialised here. TPUs are found among physical devices (TPU VM) or, after
    `strategy()` connected to one, among logical devices.
    """
    if gpus():
        return "gpu"
    if tf.config.list_physical_devices("TPU") or tf.config.list_logical_devices("TPU"):
        return "tpu"
    return "cpu"


def describe():
    """Describes the software versions and the device in one line.

    The line names the TensorFlow and Keras versions and the kind of device that will
    run the computations (TPU, else GPU, else CPU), with the number of logical devices of
    that kind. Counting logical devices initialises TensorFlow's runtime: on a GPU machine
    call `enable_memory_growth()` before this function.

    Returns:
        A string such as
        `"TensorFlow 2.21.0 · Keras 3.15.1 · device: CPU (1 device)"`,
        `"TensorFlow 2.21.0 · Keras 3.15.1 · device: GPU NVIDIA H100 80GB HBM3 (1 device)"`
        or `"TensorFlow 2.21.0 · Keras 3.15.1 · device: TPU (8 cores)"`.

    Example:

    >>> from seqcourse import device
    >>> print(device.describe())  # doctest: +SKIP
    TensorFlow 2.21.0 · Keras 3.15.1 · device: CPU (1 device)
    """
    kind = _accelerator()
    if kind == "tpu":
        count = _logical_device_count("TPU")
        where = f"TPU ({count} core{'' if count == 1 else 's'})"
    else:
        count = _logical_device_count(kind.upper())
        plural = "" if count == 1 else "s"
        if kind == "gpu":
            names = ", ".join(dict.fromkeys(gpu_names()))  # unique, in order
            where = f"GPU {names} ({count} device{plural})"
        else:
            where = f"CPU ({count} device{plural})"
    return f"TensorFlow {tf.__version__} · Keras {keras.__version__} · device: {where}"


def choose_strategy_kind(n_gpus, tpu_available):
    """Decides which distribution strategy suits the available devices.

    A TPU wins over GPUs; two or more GPUs are used together by mirroring the model on
    each of them; one GPU or none needs no distribution at all.

    Args:
        n_gpus: Non-negative integer, the number of GPUs.
        tpu_available: Boolean, whether a TPU could be resolved.

    Returns:
        One of `"tpu"` (`tf.distribute.TPUStrategy`), `"mirrored"`
        (`tf.distribute.MirroredStrategy`) or `"default"` (`tf.distribute.get_strategy()`).

    Example:

    >>> from seqcourse.device import choose_strategy_kind
    >>> choose_strategy_kind(n_gpus=2, tpu_available=False)
    'mirrored'
    >>> choose_strategy_kind(n_gpus=1, tpu_available=False)
    'default'
    """
    if not isinstance(n_gpus, numbers.Integral) or isinstance(n_gpus, bool) or n_gpus < 0:
        raise ValueError(f"n_gpus must be a non-negative integer. Received: n_gpus={n_gpus!r}")
    if not isinstance(tpu_available, bool):
        raise ValueError(f"tpu_available must be a bool. Received: tpu_available={tpu_available!r}")
    if tpu_available:
        return "tpu"
    if n_gpus >= 2:
        return "mirrored"
    return "default"


def _detect_tpu(tpu_address=None):
    """Resolves a TPU without connecting to it.

    Args:
        tpu_address: `None` to look for the TPU of the environment (Colab sets
            `TPU_NAME`), `"local"` for a TPU VM, or a gRPC address.

    Returns:
        A `tf.distribute.cluster_resolver.TPUClusterResolver`, or `None` when
        `tpu_address` is `None` and no TPU is found.

    Raises:
        ValueError: When an explicit `tpu_address` cannot be resolved.
    """
    try:
        return tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu_address)
    except ValueError as error:
        if tpu_address is None:
            return None
        raise ValueError(
            f"Could not resolve a TPU at this address ({error}). "
            f"Received: tpu_address={tpu_address!r}"
        ) from error


def strategy(tpu_address=None):
    """Returns the distribution strategy that suits the available devices.

    On a TPU this connects to it and initialises the TPU system, then returns a
    `tf.distribute.TPUStrategy`; with two or more GPUs it returns a
    `tf.distribute.MirroredStrategy` over all of them; otherwise the default strategy,
    which runs on the one GPU if there is one, else on the CPU. The choice itself is made
    by `choose_strategy_kind()`. Build and compile models inside `strategy.scope()`.

    Args:
        tpu_address: Optional string. `None` (default) looks for a TPU and falls back to
            GPUs or the CPU when there is none. A given address (`"local"` on a TPU VM, a
            TPU name or `"grpc://..."`) must resolve, else this raises.

    Returns:
        A `tf.distribute.Strategy`; its `num_replicas_in_sync` is the number of devices
        a batch is split over.

    Example:

    >>> from seqcourse import device
    >>> strategy = device.strategy()
    >>> strategy.num_replicas_in_sync  # on a CPU-only machine
    1
    >>> with strategy.scope():  # doctest: +SKIP
    ...     model = build_model()
    """
    if tpu_address is not None and (not isinstance(tpu_address, str) or not tpu_address):
        raise ValueError(
            f"tpu_address must be None or a non-empty string. Received: tpu_address={tpu_address!r}"
        )
    resolver = _detect_tpu(tpu_address)
    kind = choose_strategy_kind(n_gpus=len(gpus()), tpu_available=resolver is not None)
    if kind == "tpu":
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def enable_mixed_precision(policy="mixed_float16"):
    """Computes in 16-bit floats while keeping the weights in 32 bits, where it pays.

    Mixed precision speeds up training on GPUs with tensor cores (`"mixed_float16"`,
    or `"mixed_bfloat16"` on Ampere and newer) and on TPUs (`"mixed_bfloat16"`). On a CPU
    it only slows things down, so there this function changes nothing and warns; on a
    TPU it accepts only `"mixed_bfloat16"`. It is opt-in: no chapter needs it, and
    `disable_mixed_precision()` undoes it. Call it before building the model.

    Args:
        policy: String, `"mixed_float16"` (default) or `"mixed_bfloat16"`.

    Returns:
        `True` if the Keras global dtype policy was set to `policy`, `False` if it was
        left unchanged.

    Example:

    >>> from seqcourse import device
    >>> device.enable_mixed_precision()  # doctest: +SKIP
    True
    >>> device.disable_mixed_precision()
    """
    if policy not in MIXED_PRECISION_POLICIES:
        raise ValueError(
            f"policy must be one of {MIXED_PRECISION_POLICIES}. Received: policy={policy!r}"
        )
    kind = _accelerator()
    if kind == "gpu" or (kind == "tpu" and policy == "mixed_bfloat16"):
        keras.mixed_precision.set_global_policy(policy)
        return True
    if kind == "tpu":
        message = (
            f"TPUs compute in bfloat16, not float16: use policy='mixed_bfloat16'. "
            f"The global policy stays {keras.mixed_precision.global_policy().name!r}."
        )
    else:
        message = (
            "Mixed precision only helps on GPUs (or on a TPU with 'mixed_bfloat16'); no "
            "accelerator was found, so the global policy stays "
            f"{keras.mixed_precision.global_policy().name!r}."
        )
    warnings.warn(message, stacklevel=2)
    return False


def disable_mixed_precision():
    """Restores the default Keras global dtype policy, `"float32"`.

    Returns:
        None.

    Example:

    >>> from seqcourse import device
    >>> device.disable_mixed_precision()
    >>> import keras
    >>> keras.mixed_precision.global_policy().name
    'float32'
    """
    keras.mixed_precision.set_global_policy("float32")
