"""Tests for the package as a whole: import side effects, metadata, and what a wheel ships."""

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib

import pytest
import yaml

import seqcourse

LIGHT_MODULES = [
    "seqcourse",
    "seqcourse.environment",
    "seqcourse.datasets",
    "seqcourse.timeseries",
    "seqcourse.metrics",
    "seqcourse.synthetic",
    "seqcourse.plotting",
    "seqcourse.book",
]


def clean_env(**overrides):
    """The current environment without the TensorFlow variables seqcourse sets, plus overrides."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "PYTHONPATH")
    }
    env["MPLBACKEND"] = "Agg"
    env.update(overrides)
    return env


def run_python(code, cwd, env=None):
    """Runs `code` in a fresh interpreter and returns the JSON it prints last."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- import-time side effects (fresh interpreters) --------------------------------------


def test_import_does_not_load_tensorflow_keras_or_pyplot(repo_root):
    loaded = run_python(
        f"""
        import importlib, json, sys
        for name in {LIGHT_MODULES!r}:
            importlib.import_module(name)
        heavy = ["tensorflow", "keras", "matplotlib.pyplot"]
        print(json.dumps({{"file": sys.modules["seqcourse"].__file__,
                           "heavy": [m for m in heavy if m in sys.modules]}}))
        """,
        cwd=repo_root,
    )
    assert loaded["file"] == str(repo_root / "seqcourse" / "__init__.py")
    assert loaded["heavy"] == []


def test_import_changes_no_rcparams_and_no_random_state(repo_root):
    result = run_python(
        f"""
        import importlib, json, random
        import matplotlib
        import numpy as np
        rc_before = {{key: repr(value) for key, value in matplotlib.rcParams.items()}}
        np_before = np.random.get_state()
        py_before = random.getstate()
        for name in {LIGHT_MODULES!r}:
            importlib.import_module(name)
        rc_after = {{key: repr(value) for key, value in matplotlib.rcParams.items()}}
        np_after = np.random.get_state()
        print(json.dumps({{
            "rc_changed": sorted(k for k in rc_before if rc_before[k] != rc_after.get(k)),
            "np_same": bool((np_before[1] == np_after[1]).all()) and np_before[2:] == np_after[2:],
            "py_same": py_before == random.getstate(),
        }}))
        """,
        cwd=repo_root,
    )
    assert result == {"rc_changed": [], "np_same": True, "py_same": True}


def test_import_sets_tf_log_variables_only_when_unset(repo_root):
    code = """
        import json, os
        import seqcourse
        print(json.dumps([os.environ.get("TF_CPP_MIN_LOG_LEVEL"),
                          os.environ.get("TF_ENABLE_ONEDNN_OPTS")]))
    """
    assert run_python(code, cwd=repo_root) == ["3", "0"]
    env = clean_env(TF_CPP_MIN_LOG_LEVEL="1", TF_ENABLE_ONEDNN_OPTS="1")
    assert run_python(code, cwd=repo_root, env=env) == ["1", "1"]
    env = clean_env(TF_CPP_MIN_LOG_LEVEL="0")  # "0" is a choice too, not "unset"
    assert run_python(code, cwd=repo_root, env=env) == ["0", "0"]


# --- metadata ---------------------------------------------------------------------------


def test_repository_url_matches_the_book_config(repo_root):
    config_path = repo_root / "_config.yml"
    assert config_path.is_file(), f"{config_path} is missing: it names the repository"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    assert seqcourse.REPOSITORY_URL == config["repository"]["url"]


def test_version_matches_pyproject(repo_root):
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert seqcourse.__version__ == pyproject["project"]["version"]


def test_homepage_matches_repository_url(repo_root):
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["urls"]["Homepage"] == seqcourse.REPOSITORY_URL


def test_installed_metadata_version_matches():
    try:
        installed = importlib.metadata.version("seqcourse")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("seqcourse is not installed (pip install -e .)")
    assert installed == seqcourse.__version__, "stale install: rerun `pip install -e .`"


def test_public_names():
    assert sorted(seqcourse.__all__) == ["REPOSITORY_URL", "__version__", "setup"]
    for name in seqcourse.__all__:
        assert hasattr(seqcourse, name)


# --- what a wheel ships (pip install git+... on Colab installs a wheel) ------------------


def test_wheel_ships_the_data_and_loads_it(repo_root, tmp_path):
    """Builds a wheel offline, installs it into a folder and loads the data from there."""
    pytest.importorskip("setuptools")
    pytest.importorskip("wheel")
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(repo_root / "pyproject.toml", source)
    for name in ("README.md", "LICENSE"):
        if (repo_root / name).is_file():
            shutil.copy(repo_root / name, source)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(repo_root / "seqcourse", source / "seqcourse", ignore=ignore)
    shutil.copytree(repo_root / "data", source / "data", ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    build = subprocess.run(
        [
            *pip,
            "wheel",
            str(source),
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("seqcourse-*.whl")
    site = tmp_path / "site"
    install = subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    result = run_python(
        """
        import json
        import seqcourse
        from seqcourse import datasets
        years, counts = datasets.load_sunspots()
        print(json.dumps({"file": seqcourse.__file__, "dir": str(datasets.bundled_dir()),
                          "n": len(years)}))
        """,
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=str(site)),
    )
    assert result["file"] == str(site / "seqcourse" / "__init__.py")
    assert result["dir"] == str(site / "seqcourse" / "bundled_data")
    assert result["n"] == 309
