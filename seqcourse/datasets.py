"""The data layer: bundled files with sha256 checks, and opt-in online downloads.

Bundled files live in the repository's ``data/`` folder, which is installed as the package
``seqcourse.bundled_data`` (see ``pyproject.toml``), so they are there after
``pip install -e .`` locally and after ``pip install git+...`` on Colab alike. Each one is
registered in `BUNDLED` with its sha256, provenance and the command that rebuilds it, and
listed in ``data/README.md``.

Online datasets are never used by the tests or by CI. They are opt-in upgrades for Colab,
registered in `ONLINE` with the hash their maintainers publish, downloaded with
`keras.utils.get_file` and verified against that hash (`fetch_online`, `fetch_online_archive`).

Introduced in chapter 1.
"""

import dataclasses
import hashlib
import importlib.resources
import pathlib
import zipfile

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


HASH_LENGTHS = {"sha256": 64, "sha1": 40, "md5": 32}


@dataclasses.dataclass(frozen=True)
class OnlineFile:
    """A file that can be downloaded on demand (Colab), verified by its published hash.

    Attributes:
        url: Where it is downloaded from.
        file_hash: Hex digest of the file, as published by `hash_source`.
        description: One line: what the file holds.
        license: License or terms of use of the data.
        hash_algorithm: ``"sha256"``, ``"sha1"`` or ``"md5"``: the algorithm of `file_hash`.
        hash_source: Who publishes `file_hash` (a maintained project that checks it).
        member: For a zip archive, the path inside it of the file a loader reads.
    """

    url: str
    file_hash: str
    description: str
    license: str
    hash_algorithm: str = "sha256"
    hash_source: str = ""
    member: str = ""

    def __post_init__(self):
        length = HASH_LENGTHS.get(self.hash_algorithm)
        if length is None:
            raise ValueError(
                f"`hash_algorithm` must be one of {sorted(HASH_LENGTHS)}. "
                f"Received: hash_algorithm={self.hash_algorithm!r}"
            )
        if len(self.file_hash) != length or not all(
            c in "0123456789abcdef" for c in self.file_hash
        ):
            raise ValueError(
                f"`file_hash` must be {length} lower-case hex digits for "
                f"{self.hash_algorithm}. Received: file_hash={self.file_hash!r}"
            )


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


def _flickr8k(archive, md5, description, member):
    """A Flickr8k archive of the usual mirror, with the md5 mlverse/torchvision publishes."""
    return OnlineFile(
        url=f"https://github.com/jbrownlee/Datasets/releases/download/Flickr8k/{archive}",
        file_hash=md5,
        hash_algorithm="md5",
        hash_source="mlverse/torchvision (R), flickr8k_dataset",
        description=description,
        license="Research use only (Flickr8k terms of the University of Illinois); "
        "never redistributed by the course",
        member=member,
    )


# Opt-in downloads for Colab; the loader is tested offline with file:// URLs
# (tests/test_datasets.py). The hashes are those the named projects publish and check in
# their own loaders; the course could not download the files to recompute them (its CI is
# offline), and `fetch_online` refuses any download that does not match.
ONLINE = {
    "tatoeba_fra_eng": OnlineFile(
        url="http://d2l-data.s3-accelerate.amazonaws.com/fra-eng.zip",
        file_hash="94646ad1522d915e7b0f9296181140edcf86a4f5",
        hash_algorithm="sha1",
        hash_source="Dive into Deep Learning (d2l-ai/d2l-en, d2l.DATA_HUB['fra-eng'])",
        description="About 167,000 English-French sentence pairs of the Tatoeba project "
        "(manythings.org's fra-eng.zip, as hosted by Dive into Deep Learning).",
        license="CC BY 2.0 FR (Tatoeba, https://tatoeba.org)",
        member="fra-eng/fra.txt",
    ),
    "flickr8k_images": _flickr8k(
        "Flickr8k_Dataset.zip",
        "f18a1e2920de5bd84dae7cf08ec78978",
        "The 8,091 Flickr8k photographs (JPEG, about 1 GB).",
        member="Flicker8k_Dataset",
    ),
    "flickr8k_text": _flickr8k(
        "Flickr8k_text.zip",
        "bf6c1abcb8e4a833b7f922104de18627",
        "Flickr8k's five captions per image and its train/dev/test lists.",
        member="Flickr8k.token.txt",
    ),
}


def _check_name(name, registry, kind):
    if not isinstance(name, str) or name not in registry:
        known = ", ".join(sorted(registry)) or "(none registered)"
        raise ValueError(f"Unknown {kind} dataset. Known: {known}. Received: name={name!r}")
    return registry[name]


def file_digest(path, algorithm="sha256", chunk_size=1 << 20):
    """Returns the hex digest of the file at `path` (``"sha256"``, ``"sha1"`` or ``"md5"``)."""
    if algorithm not in HASH_LENGTHS:
        raise ValueError(
            f"`algorithm` must be one of {sorted(HASH_LENGTHS)}. Received: algorithm={algorithm!r}"
        )
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path, chunk_size=1 << 20):
    """Returns the hex sha256 digest of the file at `path`."""
    return file_digest(path, "sha256", chunk_size)


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
    """Downloads an opt-in online dataset (for Colab) and verifies its published hash.

    Uses `keras.utils.get_file`, which caches the file (by default under ``~/.keras``) and,
    for sha256 and md5, re-downloads it when the cached copy does not match `file_hash`.
    `get_file` knows no sha1, so a sha1 file is checked here, and a copy that does not match
    is deleted. Nothing in CI calls this.

    Introduced in chapter 1.

    Args:
        name: Registered name (see `ONLINE`).
        cache_dir: Folder for the cache; defaults to Keras's (``~/.keras``).
        registry: Mapping of names to `OnlineFile`; defaults to `ONLINE` (tests pass their own).

    Returns:
        A `pathlib.Path` to the verified local copy.

    Raises:
        ValueError: if `name` is not registered, or the download does not match its hash.

    Example:

    >>> path = fetch_online("tatoeba_fra_eng")  # doctest: +SKIP
    """
    import keras

    entry = _check_name(name, ONLINE if registry is None else registry, "online")
    if cache_dir is not None:
        # keras.utils.get_file silently falls back to /tmp/.keras for a folder that is missing.
        pathlib.Path(cache_dir).mkdir(parents=True, exist_ok=True)
    filename = entry.url.rstrip("/").rsplit("/", 1)[-1]
    by_keras = entry.hash_algorithm in ("sha256", "md5")
    mismatch = (
        f"Download of {name!r} from {entry.url} failed its {entry.hash_algorithm} check "
        f"(expected {entry.file_hash}): the file online has changed or the download was cut."
    )
    try:
        path = keras.utils.get_file(
            fname=f"{name}-{filename}",
            origin=entry.url,
            file_hash=entry.file_hash if by_keras else None,
            hash_algorithm=entry.hash_algorithm if by_keras else "auto",
            cache_dir=None if cache_dir is None else str(cache_dir),
            cache_subdir="seqcourse",
        )
    except ValueError as exc:
        raise ValueError(f"{mismatch} Details: {exc}") from exc
    path = pathlib.Path(path)
    if not by_keras:
        actual = file_digest(path, entry.hash_algorithm)
        if actual != entry.file_hash:
            path.unlink()  # or get_file would serve the bad copy from its cache next time
            raise ValueError(f"{mismatch} Received: {entry.hash_algorithm}={actual}")
    return path


def fetch_online_archive(name, *, cache_dir=None, registry=None):
    """Downloads a registered zip archive with `fetch_online`, extracts it once, and returns
    the path of its registered member (the file or folder a loader reads).

    Introduced in chapter 7.

    Args:
        name: Registered name of a zip archive with a ``member`` (see `ONLINE`).
        cache_dir: Folder for the cache; defaults to Keras's (``~/.keras``).
        registry: Mapping of names to `OnlineFile`; defaults to `ONLINE`.

    Returns:
        A `pathlib.Path` to the extracted member.

    Raises:
        ValueError: as `fetch_online`, or if the entry has no member, or the archive does
            not hold it (the message lists what it holds).

    Example:

    >>> fra_txt = fetch_online_archive("tatoeba_fra_eng")  # doctest: +SKIP
    """
    entry = _check_name(name, ONLINE if registry is None else registry, "online")
    if not entry.member:
        raise ValueError(f"Online dataset {name!r} has no archive member. Received: {entry}")
    archive = fetch_online(name, cache_dir=cache_dir, registry=registry)
    folder = archive.with_name(archive.name + ".extracted")
    done = folder / ".seqcourse-extracted"
    if not done.is_file() or done.read_text() != entry.file_hash:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            if not any(
                n.rstrip("/") == entry.member or n.startswith(entry.member + "/") for n in names
            ):
                shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
                raise ValueError(
                    f"The archive {archive} of {name!r} does not hold {entry.member!r}. "
                    f"Received: {shown}"
                )
            zf.extractall(folder)  # zipfile drops absolute paths and '..' from member names
        done.write_text(entry.file_hash)
    return folder / entry.member
