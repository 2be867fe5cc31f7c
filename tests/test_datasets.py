"""Tests for seqcourse.datasets: bundled files, their sha256 checks, and online downloads."""

import csv
import hashlib
import importlib.resources
import pathlib
import runpy
import zipfile

import numpy as np
import pytest

from seqcourse import datasets
from seqcourse.datasets import (
    BUNDLED,
    ONLINE,
    BundledFile,
    DataIntegrityError,
    OnlineFile,
    bundled_dir,
    bundled_path,
    fetch_online,
    fetch_online_archive,
    file_digest,
    load_sunspots,
    sha256_of,
)

SUNSPOTS_SHA256 = "f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b"


def fake_entry(filename="toy.csv", content=b"a,b\n1,2\n"):
    """A registry entry whose sha256 is computed here, independently of seqcourse."""
    return BundledFile(
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        description="A toy table.",
        source="written by the test",
        license="CC0",
        rebuild="python data/extract/toy.py",
    )


# --- sha256_of --------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 20])
def test_sha256_of_matches_hashlib(tmp_path, chunk_size):
    content = bytes(range(256)) * 41 + b"tail"  # not a multiple of any chunk size above
    path = tmp_path / "blob.bin"
    path.write_bytes(content)
    assert sha256_of(path, chunk_size=chunk_size) == hashlib.sha256(content).hexdigest()


def test_sha256_of_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert sha256_of(path) == hashlib.sha256(b"").hexdigest()


def test_sha256_of_missing_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        sha256_of(tmp_path / "nope")


# --- bundled_path -----------------------------------------------------------------------


def test_bundled_path_sunspots_exists_and_verifies():
    path = bundled_path("sunspots")
    assert path.is_file()
    assert path.name == "sunspots.csv"
    # Independent check of the digest, with hashlib on the whole file.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SUNSPOTS_SHA256


def test_registry_sha256_is_the_documented_one():
    assert BUNDLED["sunspots"].sha256 == SUNSPOTS_SHA256


@pytest.mark.parametrize("name", ["nope", "Sunspots", "", None, 3])
def test_bundled_path_unknown_name(name):
    with pytest.raises(
        ValueError, match=r"Known: (.*, )?sunspots(, .*)?\. Received: name="
    ) as info:
        bundled_path(name)
    assert f"Received: name={name!r}" in str(info.value)


def test_bundled_path_unknown_name_with_empty_registry():
    with pytest.raises(ValueError, match=r"\(none registered\)\. Received: name='sunspots'"):
        bundled_path("sunspots", registry={})


def test_bundled_path_missing_file_names_it_and_the_rebuild_command(tmp_path):
    registry = {"toy": fake_entry()}
    with pytest.raises(FileNotFoundError) as info:
        bundled_path("toy", registry=registry, directory=tmp_path)
    message = str(info.value)
    assert "data/toy.csv" in message
    assert "python data/extract/toy.py" in message
    assert str(tmp_path / "toy.csv") in message


def test_bundled_path_intact_custom_file(tmp_path):
    content = b"a,b\n1,2\n"
    (tmp_path / "toy.csv").write_bytes(content)
    path = bundled_path("toy", registry={"toy": fake_entry(content=content)}, directory=tmp_path)
    assert path == tmp_path / "toy.csv"


def test_bundled_path_corrupted_copy(tmp_path):
    good = b"a,b\n1,2\n"
    bad = b"a,b\n1,3\n"
    (tmp_path / "toy.csv").write_bytes(bad)
    entry = fake_entry(content=good)
    with pytest.raises(DataIntegrityError) as info:
        bundled_path("toy", registry={"toy": entry}, directory=tmp_path)
    message = str(info.value)
    assert hashlib.sha256(good).hexdigest() in message  # expected
    assert hashlib.sha256(bad).hexdigest() in message  # actual
    assert "python data/extract/toy.py" in message


def test_data_integrity_error_is_a_value_error():
    assert issubclass(DataIntegrityError, ValueError)


def test_corrupted_sunspots_copy_is_detected(tmp_path):
    original = bundled_path("sunspots").read_bytes()
    (tmp_path / "sunspots.csv").write_bytes(original.replace(b"1700,5", b"1700,6", 1))
    with pytest.raises(DataIntegrityError, match=SUNSPOTS_SHA256):
        bundled_path("sunspots", directory=tmp_path)


def test_bundled_path_verify_false_skips_the_check(tmp_path):
    (tmp_path / "toy.csv").write_bytes(b"not what was registered")
    path = bundled_path("toy", verify=False, registry={"toy": fake_entry()}, directory=tmp_path)
    assert path == tmp_path / "toy.csv"


def test_bundled_path_verify_false_still_reports_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="data/toy.csv"):
        bundled_path("toy", verify=False, registry={"toy": fake_entry()}, directory=tmp_path)


def test_bundled_dir_holds_every_bundled_file():
    directory = bundled_dir()
    assert directory.is_dir(), directory
    for entry in BUNDLED.values():
        assert (directory / entry.filename).is_file(), entry.filename


def test_installed_package_ships_the_data():
    """`seqcourse.bundled_data` (data/, mapped in pyproject.toml) resolves to the data files.

    With the editable install this import fails when data/ has no ``__init__.py``: the
    editable finder of setuptools maps ``seqcourse.bundled_data`` to data/ but only finds
    regular packages there, and a nested namespace package is not reachable through it.
    This does not depend on the current directory: it fails from outside the checkout too.
    """
    try:
        root = importlib.resources.files("seqcourse.bundled_data")
    except ModuleNotFoundError as exc:
        pytest.fail(
            f"`seqcourse.bundled_data` cannot be imported ({exc}). data/ needs an __init__.py "
            "so that the editable install (and importlib.resources on a wheel install, which "
            "returns a MultiplexedPath for a namespace package) sees a regular package."
        )
    assert (root / "sunspots.csv").is_file()
    # bundled_dir() must give a real folder (not the str() of a MultiplexedPath).
    assert (bundled_dir() / "sunspots.csv").is_file()


# --- load_sunspots ----------------------------------------------------------------------


def read_sunspots_with_csv(repo_root):
    """Independent parser: the csv module on the file in data/."""
    with open(repo_root / "data" / "sunspots.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["YEAR", "SUNACTIVITY"]
    return [int(year) for year, _ in rows[1:]], [float(value) for _, value in rows[1:]]


def test_load_sunspots_shape_and_dtypes():
    years, counts = load_sunspots()
    assert years.shape == (309,) and counts.shape == (309,)
    assert years.dtype == np.int64
    assert counts.dtype == np.float32


def test_load_sunspots_years_are_consecutive():
    years, _ = load_sunspots()
    np.testing.assert_array_equal(years, np.arange(1700, 2009))


def test_load_sunspots_counts_are_non_negative_and_finite():
    _, counts = load_sunspots()
    assert np.all(np.isfinite(counts))
    assert np.all(counts >= 0)


def test_load_sunspots_matches_csv_module(repo_root):
    years, counts = load_sunspots()
    ref_years, ref_counts = read_sunspots_with_csv(repo_root)
    assert years.tolist() == ref_years
    # Exact: both are the float32 rounding of the same decimal text.
    np.testing.assert_array_equal(counts, np.array(ref_counts, dtype=np.float32))


def test_load_sunspots_rejects_a_non_numeric_table(tmp_path, monkeypatch):
    content = b"YEAR,SUNACTIVITY\n1700,five\n1701,11\n"
    (tmp_path / "sunspots.csv").write_bytes(content)
    registry = {"sunspots": fake_entry("sunspots.csv", content)}
    monkeypatch.setattr(datasets, "BUNDLED", registry)
    monkeypatch.setattr(datasets, "bundled_dir", lambda: tmp_path)
    with pytest.raises(DataIntegrityError, match="two numeric columns"):
        load_sunspots()


# --- provenance: data/README.md and the extraction script -------------------------------


def test_every_bundled_file_is_listed_in_data_readme(repo_root):
    readme = repo_root / "data" / "README.md"
    assert readme.is_file(), f"{readme} is missing: it must list every bundled file"
    text = readme.read_text(encoding="utf-8")
    for name, entry in BUNDLED.items():
        assert entry.filename in text, f"{entry.filename} ({name}) is not in data/README.md"
        assert entry.sha256 in text, f"sha256 of {entry.filename} is not in data/README.md"


def test_every_rebuild_command_names_an_existing_script(repo_root):
    for name, entry in BUNDLED.items():
        command = entry.rebuild.split()
        assert command[0] == "python", (name, entry.rebuild)
        assert (repo_root / command[1]).is_file(), (name, entry.rebuild)


def test_extraction_script_agrees_with_the_registry(repo_root):
    script = runpy.run_path(str(repo_root / "data" / "extract" / "sunspots.py"), run_name="x")
    entry = BUNDLED["sunspots"]
    assert script["SHA256"] == entry.sha256
    assert script["TARGET"].name == entry.filename
    assert script["TARGET"] == (repo_root / "data" / entry.filename).resolve()
    assert script["MEMBER"] in entry.source
    package, version = script["PACKAGE"].split("==")
    assert f"{package} {version}" in entry.source


# --- fetch_online (offline, with file:// URLs) ------------------------------------------


def online_registry(tmp_path, content=b"x,y\n0,1\n", sha256=None, name="toy"):
    source = tmp_path / f"remote-{tmp_path.name}.csv"
    source.write_bytes(content)
    entry = OnlineFile(
        url=source.as_uri(),
        file_hash=hashlib.sha256(content).hexdigest() if sha256 is None else sha256,
        description="A toy download.",
        license="CC0",
    )
    return {name: entry}, source


def test_fetch_online_file_url(tmp_path):
    content = b"x,y\n0,1\n2,3\n"
    registry, _ = online_registry(tmp_path, content)
    cache = tmp_path / "cache"
    cache.mkdir()
    path = fetch_online("toy", cache_dir=cache, registry=registry)
    assert isinstance(path, pathlib.Path)
    assert path.read_bytes() == content
    assert path.is_relative_to(cache)


def test_fetch_online_creates_a_missing_cache_dir(tmp_path):
    """A cache_dir that does not exist yet must be used, not silently replaced.

    `keras.utils.get_file` falls back to /tmp/.keras when `cache_dir` is not writable, which
    includes "does not exist"; fetch_online has to create the folder first.
    """
    content = b"x,y\n4,5\n"
    registry, _ = online_registry(tmp_path, content)
    cache = tmp_path / "cache"
    path = fetch_online("toy", cache_dir=cache, registry=registry)
    try:
        assert path.read_bytes() == content
        assert path.is_relative_to(cache), f"downloaded to {path}, not under {cache}"
    finally:
        if not path.is_relative_to(tmp_path):
            path.unlink(missing_ok=True)  # do not leave the stray copy in /tmp/.keras


def test_fetch_online_wrong_sha256(tmp_path):
    registry, source = online_registry(tmp_path, sha256="0" * 64)
    cache = tmp_path / "cache"
    cache.mkdir()
    with pytest.raises(ValueError, match="sha256") as info:
        fetch_online("toy", cache_dir=cache, registry=registry)
    assert "0" * 64 in str(info.value)
    assert source.as_uri() in str(info.value)


def test_fetch_online_unknown_name(tmp_path):
    registry, _ = online_registry(tmp_path)
    with pytest.raises(ValueError, match=r"Known: toy\. Received: name='other'"):
        fetch_online("other", cache_dir=tmp_path, registry=registry)


def test_fetch_online_default_registry_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"Received: name='no-such-dataset'"):
        fetch_online("no-such-dataset")


# --- hashes other than sha256, archives, and the registered downloads --------------------


def entry_for(source, algorithm, file_hash=None, member=""):
    content = source.read_bytes()
    return OnlineFile(
        url=source.as_uri(),
        file_hash=hashlib.new(algorithm, content).hexdigest() if file_hash is None else file_hash,
        hash_algorithm=algorithm,
        description="A toy download.",
        license="CC0",
        member=member,
    )


def test_online_file_rejects_unknown_algorithms_and_malformed_hashes():
    with pytest.raises(ValueError, match="Received: hash_algorithm='crc32'"):
        OnlineFile("file:///x", "0" * 8, "d", "l", hash_algorithm="crc32")
    with pytest.raises(ValueError, match="40 lower-case hex digits for sha1"):
        OnlineFile("file:///x", "0" * 64, "d", "l", hash_algorithm="sha1")
    with pytest.raises(ValueError, match="32 lower-case hex digits for md5"):
        OnlineFile("file:///x", "Z" * 32, "d", "l", hash_algorithm="md5")


def test_file_digest_matches_hashlib(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"seqcourse" * 1000)
    for algorithm in ("sha256", "sha1", "md5"):
        expected = hashlib.new(algorithm, path.read_bytes()).hexdigest()
        assert file_digest(path, algorithm, chunk_size=7) == expected
    with pytest.raises(ValueError, match="Received: algorithm='sha512'"):
        file_digest(path, "sha512")


@pytest.mark.parametrize("algorithm", ["md5", "sha1"])
def test_fetch_online_other_algorithms(tmp_path, algorithm):
    source = tmp_path / "remote.txt"
    source.write_bytes(b"hello\tbonjour\n")
    cache = tmp_path / "cache"
    path = fetch_online("toy", cache_dir=cache, registry={"toy": entry_for(source, algorithm)})
    assert path.read_bytes() == source.read_bytes() and path.is_relative_to(cache)


@pytest.mark.parametrize("algorithm", ["md5", "sha1"])
def test_fetch_online_other_algorithms_wrong_hash(tmp_path, algorithm):
    source = tmp_path / "remote.txt"
    source.write_bytes(b"hello\tbonjour\n")
    cache = tmp_path / "cache"
    wrong = "0" * len(hashlib.new(algorithm).hexdigest())
    registry = {"toy": entry_for(source, algorithm, file_hash=wrong)}
    with pytest.raises(ValueError, match=f"failed its {algorithm} check") as info:
        fetch_online("toy", cache_dir=cache, registry=registry)
    assert wrong in str(info.value) and source.as_uri() in str(info.value)
    # The bad copy is not kept: with the right hash, the next call downloads and passes.
    assert fetch_online("toy", cache_dir=cache, registry={"toy": entry_for(source, algorithm)})


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_fetch_online_archive_extracts_once_and_returns_the_member(tmp_path):
    archive = make_zip(
        tmp_path / "toy.zip", {"toy/pairs.txt": "Go.\tVa !\n", "toy/_about.txt": "x"}
    )
    registry = {"toy": entry_for(archive, "sha1", member="toy/pairs.txt")}
    cache = tmp_path / "cache"
    path = fetch_online_archive("toy", cache_dir=cache, registry=registry)
    assert path.name == "pairs.txt" and path.read_text() == "Go.\tVa !\n"
    path.write_text("edited")  # a second call must not extract again
    assert fetch_online_archive("toy", cache_dir=cache, registry=registry).read_text() == "edited"
    folder = make_zip(tmp_path / "dir.zip", {"images/a.jpg": b"1", "images/b.jpg": b"2"})
    registry = {"dir": entry_for(folder, "md5", member="images")}
    assert sorted(
        p.name for p in fetch_online_archive("dir", cache_dir=cache, registry=registry).iterdir()
    ) == ["a.jpg", "b.jpg"]


def test_fetch_online_archive_errors(tmp_path):
    archive = make_zip(tmp_path / "toy.zip", {"other.txt": "x"})
    with pytest.raises(ValueError, match=r"does not hold 'fra-eng/fra.txt'. Received: other.txt"):
        fetch_online_archive(
            "toy",
            cache_dir=tmp_path / "c",
            registry={"toy": entry_for(archive, "md5", member="fra-eng/fra.txt")},
        )
    with pytest.raises(ValueError, match="has no archive member"):
        fetch_online_archive(
            "toy", cache_dir=tmp_path / "c", registry={"toy": entry_for(archive, "md5")}
        )


def test_registered_online_datasets_are_complete():
    assert set(ONLINE) == {"tatoeba_fra_eng", "flickr8k_images", "flickr8k_text"}
    for name, entry in ONLINE.items():
        assert entry.url.startswith(("https://", "http://")) and entry.url.endswith(".zip"), name
        assert entry.hash_source and entry.license and entry.member and entry.description, name
    assert "Tatoeba" in ONLINE["tatoeba_fra_eng"].license
    assert "never redistributed" in ONLINE["flickr8k_images"].license
