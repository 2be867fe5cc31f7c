"""Tests for the bundled first-names file and `seqcourse.datasets.load_names`."""

import hashlib
import pathlib

import pytest

from seqcourse import datasets
from seqcourse.datasets import BUNDLED, DataIntegrityError, bundled_path, load_names

NAMES_SHA256 = "cba14f452b7768bd7fe093035a67491d4a334061634ccfd51522fb796910e75e"
REPO = pathlib.Path(__file__).resolve().parents[1]


def test_names_registered_with_the_recorded_sha256():
    assert BUNDLED["names"].filename == "names.txt"
    assert BUNDLED["names"].sha256 == NAMES_SHA256
    assert NAMES_SHA256 in (REPO / "data" / "README.md").read_text()
    assert NAMES_SHA256 in (REPO / "data" / "extract" / "names.py").read_text()


def test_names_file_hash_is_independent_of_seqcourse():
    data = bundled_path("names", verify=False).read_bytes()
    assert hashlib.sha256(data).hexdigest() == NAMES_SHA256


def test_load_names_content():
    names = load_names()
    assert len(names) == 5163
    assert names == sorted(set(names))
    assert all(n.isascii() and n.isalpha() and n.islower() for n in names)
    assert {"james", "mary", "john", "patricia"} <= set(names)
    assert min(map(len, names)) >= 2 and max(map(len, names)) == 11


def test_load_names_rejects_a_modified_file(tmp_path, monkeypatch):
    (tmp_path / "names.txt").write_text("alice\nbob\n")
    monkeypatch.setattr(datasets, "bundled_dir", lambda: tmp_path)
    with pytest.raises(DataIntegrityError, match="corrupt or modified"):
        load_names()


def test_load_names_rejects_bad_content(tmp_path, monkeypatch):
    content = b"alice\nBob2\n"
    (tmp_path / "names.txt").write_bytes(content)
    entry = datasets.BundledFile(
        filename="names.txt",
        sha256=hashlib.sha256(content).hexdigest(),
        description="",
        source="",
        license="",
        rebuild="",
    )
    monkeypatch.setattr(datasets, "bundled_dir", lambda: tmp_path)
    monkeypatch.setitem(datasets.BUNDLED, "names", entry)
    with pytest.raises(DataIntegrityError, match="lower-case names"):
        load_names()


def test_load_names_missing_file(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "bundled_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="data/extract/names.py"):
        load_names()
