"""Tests for seqcourse.device.

GPUs and TPUs are simulated: `device.gpus`, `device._detect_tpu` and `device._accelerator`
are monkeypatched, and so are the TensorFlow constructors and set-up calls that would need
real hardware. Each fake records how it was called, so the tests check that the right
constructor gets the right arguments.
"""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqcourse import device


def fake_gpus(n):
    """`n` physical GPU descriptions, like those `tf.config.list_physical_devices` returns."""
    return [
        tf.config.PhysicalDevice(name=f"/physical_device:GPU:{i}", device_type="GPU")
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def float32_policy():
    """Every test starts and ends with Keras's default global dtype policy."""
    keras.mixed_precision.set_global_policy("float32")
    yield
    keras.mixed_precision.set_global_policy("float32")


@pytest.fixture
def no_tpu(monkeypatch):
    monkeypatch.setattr(device, "_detect_tpu", lambda tpu_address=None: None)


@pytest.fixture
def forbid_mirrored(monkeypatch):
    def mirrored_strategy(*args, **kwargs):
        raise AssertionError("MirroredStrategy must not be created here")

    monkeypatch.setattr(tf.distribute, "MirroredStrategy", mirrored_strategy)


# choose_strategy_kind -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("n_gpus", "tpu_available", "expected"),
    [
        (0, False, "default"),
        (1, False, "default"),
        (2, False, "mirrored"),
        (8, False, "mirrored"),
        (np.int64(2), False, "mirrored"),
        (0, True, "tpu"),
        (4, True, "tpu"),
    ],
)
def test_choose_strategy_kind(n_gpus, tpu_available, expected):
    assert device.choose_strategy_kind(n_gpus, tpu_available) == expected


@pytest.mark.parametrize("n_gpus", [-1, 1.5, 2.0, "2", None, True])
def test_choose_strategy_kind_rejects_bad_n_gpus(n_gpus):
    message = f"n_gpus must be a non-negative integer. Received: n_gpus={n_gpus!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        device.choose_strategy_kind(n_gpus, False)


@pytest.mark.parametrize("tpu_available", [1, 0, "yes", None, np.bool_(True)])
def test_choose_strategy_kind_rejects_bad_tpu_available(tpu_available):
    message = f"tpu_available must be a bool. Received: tpu_available={tpu_available!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        device.choose_strategy_kind(0, tpu_available)


# strategy -----------------------------------------------------------------------------


def test_strategy_on_this_machine_is_the_default_strategy():
    # Real detection, no simulation: this test machine has no GPU and no TPU.
    assert device.gpus() == []
    strategy = device.strategy()
    assert type(strategy) is type(tf.distribute.get_strategy())
    assert strategy.num_replicas_in_sync == 1


@pytest.mark.parametrize("n_gpus", [0, 1])
def test_strategy_with_fewer_than_two_gpus_is_default(monkeypatch, no_tpu, forbid_mirrored, n_gpus):
    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(n_gpus))
    strategy = device.strategy()
    assert type(strategy) is type(tf.distribute.get_strategy())


def test_strategy_with_two_gpus_is_mirrored(monkeypatch, no_tpu):
    calls = []
    sentinel = object()

    def mirrored_strategy(*args, **kwargs):
        calls.append((args, kwargs))
        return sentinel

    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(2))
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", mirrored_strategy)
    assert device.strategy() is sentinel
    assert calls == [((), {})]


def test_strategy_with_tpu_connects_initialises_then_builds_tpu_strategy(
    monkeypatch, forbid_mirrored
):
    resolver = object()
    sentinel = object()
    calls = []
    detected = []

    def detect_tpu(tpu_address=None):
        detected.append(tpu_address)
        return resolver

    monkeypatch.setattr(device, "_detect_tpu", detect_tpu)
    # A TPU wins even over several GPUs.
    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(2))
    monkeypatch.setattr(
        tf.config, "experimental_connect_to_cluster", lambda r: calls.append(("connect", r))
    )
    monkeypatch.setattr(
        tf.tpu.experimental, "initialize_tpu_system", lambda r: calls.append(("initialize", r))
    )

    def tpu_strategy(*args, **kwargs):
        calls.append(("TPUStrategy", args, kwargs))
        return sentinel

    monkeypatch.setattr(tf.distribute, "TPUStrategy", tpu_strategy)
    assert device.strategy(tpu_address="local") is sentinel
    assert detected == ["local"]
    assert calls == [
        ("connect", resolver),
        ("initialize", resolver),
        ("TPUStrategy", (resolver,), {}),
    ]


@pytest.mark.parametrize("tpu_address", ["", 3, b"local"])
def test_strategy_rejects_bad_tpu_address(tpu_address):
    with pytest.raises(ValueError, match=re.escape(f"Received: tpu_address={tpu_address!r}")):
        device.strategy(tpu_address=tpu_address)


# _detect_tpu --------------------------------------------------------------------------


def test_detect_tpu_finds_none_on_this_machine(monkeypatch):
    for name in ("TPU_NAME", "KUBE_GOOGLE_CLOUD_TPU_ENDPOINTS", "TPU_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    assert device._detect_tpu() is None


def test_detect_tpu_returns_the_resolver(monkeypatch):
    calls = []

    class FakeResolver:
        def __init__(self, tpu=None):
            calls.append(tpu)

    monkeypatch.setattr(tf.distribute.cluster_resolver, "TPUClusterResolver", FakeResolver)
    assert isinstance(device._detect_tpu("grpc://10.0.0.2:8470"), FakeResolver)
    assert calls == ["grpc://10.0.0.2:8470"]


def test_detect_tpu_raises_for_an_explicit_address_that_does_not_resolve(monkeypatch):
    def failing_resolver(tpu=None):
        raise ValueError("no such TPU")

    monkeypatch.setattr(tf.distribute.cluster_resolver, "TPUClusterResolver", failing_resolver)
    assert device._detect_tpu(None) is None
    with pytest.raises(ValueError, match=re.escape("Received: tpu_address='my-tpu'")):
        device._detect_tpu("my-tpu")


# gpus, gpu_names, enable_memory_growth -----------------------------------------------


def test_gpu_names_on_this_machine_is_empty():
    assert device.gpu_names() == []


def test_gpu_names_falls_back_to_the_device_name(monkeypatch):
    gpus = fake_gpus(2)
    details = {gpus[0].name: {"device_name": "NVIDIA H100 80GB HBM3"}, gpus[1].name: {}}
    monkeypatch.setattr(device, "gpus", lambda: gpus)
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda gpu: details[gpu.name])
    assert device.gpu_names() == ["NVIDIA H100 80GB HBM3", "/physical_device:GPU:1"]


def test_gpu_names_survives_unknown_devices(monkeypatch):
    # The real get_device_details raises ValueError for a device it did not list.
    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(1))
    assert device.gpu_names() == ["/physical_device:GPU:0"]


def test_enable_memory_growth_on_this_machine_configures_nothing():
    assert device.enable_memory_growth() == 0


def test_enable_memory_growth_sets_growth_on_every_gpu(monkeypatch):
    calls = []
    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(3))
    monkeypatch.setattr(
        tf.config.experimental,
        "set_memory_growth",
        lambda gpu, enable: calls.append((gpu.name, enable)),
    )
    assert device.enable_memory_growth() == 3
    assert calls == [(f"/physical_device:GPU:{i}", True) for i in range(3)]


def test_enable_memory_growth_skips_initialised_gpus_without_crashing(monkeypatch):
    calls = []

    def set_memory_growth(gpu, enable):
        if gpu.name.endswith(":0"):
            raise RuntimeError("Physical devices cannot be modified after being initialized")
        calls.append((gpu.name, enable))

    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(2))
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", set_memory_growth)
    with pytest.warns(UserWarning, match="GPU:0: it is already initialised"):
        assert device.enable_memory_growth() == 1
    assert calls == [("/physical_device:GPU:1", True)]


# describe -----------------------------------------------------------------------------


def test_describe_on_this_machine():
    line = device.describe()
    assert line == (
        f"TensorFlow {tf.__version__} · Keras {keras.__version__} · device: CPU (1 device)"
    )


def test_describe_names_the_gpus(monkeypatch):
    monkeypatch.setattr(device, "_accelerator", lambda: "gpu")
    monkeypatch.setattr(device, "gpu_names", lambda: ["NVIDIA H100 80GB HBM3"] * 2)
    monkeypatch.setattr(device, "_logical_device_count", {"GPU": 2}.__getitem__)
    assert device.describe().endswith(" · device: GPU NVIDIA H100 80GB HBM3 (2 devices)")


def test_describe_counts_tpu_cores(monkeypatch):
    monkeypatch.setattr(device, "_accelerator", lambda: "tpu")
    monkeypatch.setattr(device, "_logical_device_count", {"TPU": 8}.__getitem__)
    assert device.describe() == (
        f"TensorFlow {tf.__version__} · Keras {keras.__version__} · device: TPU (8 cores)"
    )


def test_accelerator_detection(monkeypatch):
    assert device._accelerator() == "cpu"
    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(1))
    assert device._accelerator() == "gpu"


# mixed precision ----------------------------------------------------------------------


def test_enable_mixed_precision_on_this_machine_warns_and_changes_nothing():
    with pytest.warns(UserWarning, match="Mixed precision only helps on GPUs"):
        assert device.enable_mixed_precision() is False
    assert keras.mixed_precision.global_policy().name == "float32"


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_enable_mixed_precision_with_a_gpu_sets_the_policy(monkeypatch, policy):
    monkeypatch.setattr(device, "gpus", lambda: fake_gpus(1))
    assert device.enable_mixed_precision(policy) is True
    assert keras.mixed_precision.global_policy().name == policy
    # A layer built now computes in 16 bits and keeps float32 weights.
    layer = keras.layers.Dense(2)
    assert layer.compute_dtype == policy.removeprefix("mixed_")
    assert layer.variable_dtype == "float32"


def test_enable_mixed_precision_on_a_tpu_needs_bfloat16(monkeypatch):
    monkeypatch.setattr(device, "_accelerator", lambda: "tpu")
    with pytest.warns(UserWarning, match="use policy='mixed_bfloat16'"):
        assert device.enable_mixed_precision("mixed_float16") is False
    assert keras.mixed_precision.global_policy().name == "float32"
    assert device.enable_mixed_precision("mixed_bfloat16") is True
    assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"


@pytest.mark.parametrize("policy", ["float16", "mixed_float32", "float32", None, 16])
def test_enable_mixed_precision_rejects_bad_policy(monkeypatch, policy):
    monkeypatch.setattr(device, "_accelerator", lambda: "gpu")
    with pytest.raises(ValueError, match=re.escape(f"Received: policy={policy!r}")):
        device.enable_mixed_precision(policy)
    assert keras.mixed_precision.global_policy().name == "float32"


def test_disable_mixed_precision_restores_float32():
    keras.mixed_precision.set_global_policy("mixed_float16")
    assert device.disable_mixed_precision() is None
    assert keras.mixed_precision.global_policy().name == "float32"
