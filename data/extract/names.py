"""Extract data/names.txt (US first names, 1990 census) from the `names` sdist on PyPI.

    python data/extract/names.py               # downloads the sdist with pip (PyPI only)
    python data/extract/names.py SDIST.tar.gz  # or reads an sdist you already have

The sdist of `names` 0.3.0 holds `names/dist.male.first` (1,219 names) and
`names/dist.female.first` (4,275 names), the first-name frequency lists of the 1990 US census.
Each line is "NAME  frequency  cumulative-frequency  rank". The script keeps the first field,
lower-cases it, merges the two lists (331 names are in both), sorts, and writes one name per
line. Its README states: "Data in the following files are public domain (derived from 1990
Census data)"; the package itself is MIT licensed. The script checks the sha256 of the sdist
and of the result (both recorded in data/README.md and seqcourse/datasets.py).
"""

import glob
import hashlib
import pathlib
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "names==0.3.0"
MEMBERS = ("names-0.3.0/names/dist.male.first", "names-0.3.0/names/dist.female.first")
SDIST_SHA256 = "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"
SHA256 = "cba14f452b7768bd7fe093035a67491d4a334061634ccfd51522fb796910e75e"
TARGET = pathlib.Path(__file__).resolve().parents[1] / "names.txt"


def extract(sdist):
    """Returns the sorted, lower-cased, de-duplicated first names from the sdist."""
    names = set()
    with tarfile.open(sdist, "r:gz") as tar:
        for member in MEMBERS:
            text = tar.extractfile(member).read().decode("ascii")
            for line in text.splitlines():
                if line.strip():
                    names.add(line.split()[0].lower())
    if not all(name.isalpha() and name.isascii() for name in names):
        sys.exit("unexpected characters in the census lists")
    return sorted(names)


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        if argv:
            sdist = argv[0]
        else:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "--dest",
                    tmp,
                    PACKAGE,
                ],
                check=True,
            )
            sdist = glob.glob(f"{tmp}/names-0.3.0.tar.gz")[0]
        digest = hashlib.sha256(pathlib.Path(sdist).read_bytes()).hexdigest()
        if digest != SDIST_SHA256:
            sys.exit(f"sha256 of the sdist is {digest}, expected {SDIST_SHA256}.")
        names = extract(sdist)
    payload = ("\n".join(names) + "\n").encode("ascii")
    digest = hashlib.sha256(payload).hexdigest()
    if digest != SHA256:
        sys.exit(f"sha256 of names.txt is {digest}, expected {SHA256}: the sdist differs.")
    TARGET.write_bytes(payload)
    print(f"wrote {TARGET} ({len(names)} names, {len(payload)} bytes, sha256 {digest})")


if __name__ == "__main__":
    main(sys.argv[1:])
