"""The data layer: bundled files with sha256 checks, and opt-in online downloads.

Bundled files live in the repository's ``data/`` folder, which is installed as the package
``seqcourse.bundled_data`` (see ``pyproject.toml``), so they are there after
``pip install -e .`` locally and after ``pip install git+...`` on Colab alike. Each one is
registered in `BUNDLED` with its sha256, provenance and the command that rebuilds it, and
listed in ``data/README.md``.

Online datasets are never used by the tests or by CI. They are opt-in upgrades for Colab,
downloaded with `keras.utils.get_file` and verified against a sha256 (`fetch_online`).

Introduced in chapter 1.
"""

import dataclasses
import hashlib
import importlib.resources
import pathlib

import numpy as np


class DataIntegrityError(ValueError):
    """A data file exists but its content is not the content the course was built with."""


@dataclasses.dataclass(frozen=True)
class BundledFile:
    """A file shipped in ``data/``.

    Attributes:
        filename: Name of the file inside ``data/``.
        sha256: Hex digest of the file's bytes.
        description: One line: what the file holds.
        source: Where it was extracted from (registry, package, version, member path).
        license: License of the data.
        rebuild: The command that recreates it from its registry package.
    """

    filename: str
    sha256: str
    description: str
    source: str
    license: str
    rebuild: str


@dataclasses.dataclass(frozen=True)
class OnlineFile:
    """A file that can be downloaded on demand (Colab), verified by sha256."""

    url: str
    sha256: str
    description: str
    license: str


BUNDLED = {
    "sunspots": BundledFile(
        filename="sunspots.csv",
        sha256="f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b",
        description="Yearly mean sunspot numbers, 1700-2008 (309 rows: YEAR, SUNACTIVITY).",
        source="PyPI statsmodels 0.15.0 wheel, statsmodels/datasets/sunspots/sunspots.csv "
        "(from NOAA's National Geophysical Data Center)",
        license="Public domain (as marked by statsmodels)",
        rebuild="python data/extract/sunspots.py",
    ),
    "names": BundledFile(
        filename="names.txt",
        sha256="cba14f452b7768bd7fe093035a67491d4a334061634ccfd51522fb796910e75e",
        description="5,163 US first names of the 1990 census, lower-case, one per line, sorted.",
        source="PyPI names 0.3.0 sdist, names/dist.male.first and names/dist.female.first "
        "(first field, lower-cased, merged, de-duplicated)",
        license="Public domain (US census data, as marked by the package; package MIT)",
        rebuild="python data/extract/names.py",
    ),
    "de_en_sentences": BundledFile(
        filename="de_en_sentences.tsv",
        sha256="e0d9fcfe8d2633c31e2bd0fecd0c669d752e9bfbf50c14051c412efaa71f3d7a",
        description="15,004 German-English example sentence pairs of the Ding dictionary "
        "(TSV with header de, en).",
        source="Debian trans-de-en 1.9-6 (source package ding), /usr/share/trans/de-en: "
        "the whole-sentence senses of each entry, paired position by position",
        license="GPL-2+ (Frank Richter, TU Chemnitz); license texts in data/LICENSES/",
        rebuild="python data/extract/de_en_sentences.py",
    ),
}

# Opt-in downloads for Colab. Later chapters register their datasets here; the loader is
# tested offline with a file:// URL (tests/test_datasets.py).
ONLINE = {}


def _check_name(name, registry, kind):
    if not isinstance(name, str) or name not in registry:
        known = ", ".join(sorted(registry)) or "(none registered)"
        raise ValueError(f"Unknown {kind} dataset. Known: {known}. Received: name={name!r}")
    return registry[name]


def sha256_of(path, chunk_size=1 << 20):
    """Returns the hex sha256 digest of the file at `path`."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bundled_dir():
    """Returns the folder that holds the bundled data files (``data/`` in the repository)."""
    try:
        return pathlib.Path(str(importlib.resources.files("seqcourse.bundled_data")))
    except ModuleNotFoundError:
        # seqcourse imported from a source tree that was never installed (no package map).
        return pathlib.Path(__file__).resolve().parents[1] / "data"


def bundled_path(name, *, verify=True, registry=None, directory=None):
    """Returns the path of a bundled data file, after checking that it is intact.

    Introduced in chapter 1.

    Args:
        name: Registered name, e.g. ``"sunspots"`` (see `BUNDLED`).
        verify: Whether to check the file's sha256 against the registry.
        registry: Mapping of names to `BundledFile`; defaults to `BUNDLED` (tests pass their own).
        directory: Folder to look in; defaults to `bundled_dir()`.

    Returns:
        A `pathlib.Path` to the file.

    Raises:
        ValueError: if `name` is not registered.
        FileNotFoundError: if the file is missing; the message names it and says how to
            rebuild it.
        DataIntegrityError: if its sha256 differs from the registered one.

    Example:

    >>> bundled_path("sunspots").name
    'sunspots.csv'
    """
    entry = _check_name(name, BUNDLED if registry is None else registry, "bundled")
    path = pathlib.Path(directory) if directory is not None else bundled_dir()
    path = path / entry.filename
    if not path.is_file():
        raise FileNotFoundError(
            f"Data file data/{entry.filename} ({entry.description}) is missing: looked for "
            f"{path}. Restore it with `git checkout -- data/{entry.filename}` or rebuild it "
            f"from its registry package with `{entry.rebuild}`, then reinstall seqcourse "
            "(`pip install -e .`)."
        )
    if verify:
        actual = sha256_of(path)
        if actual != entry.sha256:
            raise DataIntegrityError(
                f"Data file {path} is corrupt or modified: its sha256 is {actual}, expected "
                f"{entry.sha256}. Restore it with `git checkout -- data/{entry.filename}` or "
                f"rebuild it with `{entry.rebuild}`."
            )
    return path


def load_sunspots():
    """Loads the yearly sunspot numbers, 1700-2008.

    Introduced in chapter 1.

    Returns:
        A tuple ``(years, counts)`` of NumPy arrays of shape ``(309,)``: the years as int64
        and the yearly mean sunspot numbers as float32.

    Example:

    >>> years, counts = load_sunspots()
    >>> years[0], years[-1], counts.shape
    (np.int64(1700), np.int64(2008), (309,))
    """
    path = bundled_path("sunspots")
    table = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 2 or np.isnan(table).any():
        raise DataIntegrityError(f"{path} does not hold two numeric columns YEAR,SUNACTIVITY.")
    return table[:, 0].astype(np.int64), table[:, 1].astype(np.float32)


def load_names():
    """Loads the first names of the 1990 US census, for character-level language models.

    Introduced in chapter 2.

    Returns:
        A sorted list of 5,163 distinct lower-case names (ASCII letters ``a``-``z`` only).

    Example:

    >>> names = load_names()
    >>> len(names), names[:3]
    (5163, ['aaron', 'abbey', 'abbie'])
    """
    path = bundled_path("names")
    names = path.read_text(encoding="ascii").split()
    if not names or not all(n.isascii() and n.isalpha() and n.islower() for n in names):
        raise DataIntegrityError(f"{path} does not hold lower-case names, one per line.")
    return names


def fetch_online(name, *, cache_dir=None, registry=None):
    """Downloads an opt-in online dataset (for Colab) and verifies its sha256.

    Uses `keras.utils.get_file`, which caches the file (by default under ``~/.keras``) and
    re-downloads it when the cached copy does not match `file_hash`. Nothing in CI calls this.

    Introduced in chapter 1.

    Args:
        name: Registered name (see `ONLINE`).
        cache_dir: Folder for the cache; defaults to Keras's (``~/.keras``).
        registry: Mapping of names to `OnlineFile`; defaults to `ONLINE` (tests pass their own).

    Returns:
        A `pathlib.Path` to the verified local copy.

    Raises:
        ValueError: if `name` is not registered, or the download does not match its sha256.
    """
    import keras

    entry = _check_name(name, ONLINE if registry is None else registry, "online")
    if cache_dir is not None:
        # keras.utils.get_file silently falls back to /tmp/.keras for a folder that is missing.
        pathlib.Path(cache_dir).mkdir(parents=True, exist_ok=True)
    filename = entry.url.rstrip("/").rsplit("/", 1)[-1]
    try:
        path = keras.utils.get_file(
            fname=f"{name}-{filename}",
            origin=entry.url,
            file_hash=entry.sha256,
            hash_algorithm="sha256",
            cache_dir=None if cache_dir is None else str(cache_dir),
            cache_subdir="seqcourse",
        )
    except ValueError as exc:
        raise ValueError(
            f"Download of {name!r} from {entry.url} failed its sha256 check (expected "
            f"{entry.sha256}): the file online has changed or the download was cut. "
            f"Details: {exc}"
        ) from exc
    return pathlib.Path(path)
