"""Extract data/sunspots.csv from the statsmodels wheel on PyPI, byte for byte.

    python data/extract/sunspots.py            # downloads the wheel with pip (PyPI only)
    python data/extract/sunspots.py WHEEL.whl  # or reads a wheel you already have

The file is `statsmodels/datasets/sunspots/sunspots.csv` of statsmodels 0.15.0: yearly mean
sunspot numbers 1700-2008 (309 rows, columns YEAR and SUNACTIVITY), which statsmodels marks
as public domain (source: NOAA National Geophysical Data Center). The script checks the sha256
recorded in data/README.md and in seqcourse/datasets.py.
"""

import glob
import hashlib
import pathlib
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "statsmodels==0.15.0"
MEMBER = "statsmodels/datasets/sunspots/sunspots.csv"
SHA256 = "f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b"
TARGET = pathlib.Path(__file__).resolve().parents[1] / "sunspots.csv"


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        if argv:
            wheel = argv[0]
        else:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "--dest",
                    tmp,
                    PACKAGE,
                ],
                check=True,
            )
            wheel = glob.glob(f"{tmp}/statsmodels-*.whl")[0]
        with zipfile.ZipFile(wheel) as zf:
            payload = zf.read(MEMBER)
    digest = hashlib.sha256(payload).hexdigest()
    if digest != SHA256:
        sys.exit(f"sha256 of {MEMBER} is {digest}, expected {SHA256}: the wheel differs.")
    TARGET.write_bytes(payload)
    print(f"wrote {TARGET} ({len(payload)} bytes, sha256 {digest})")


if __name__ == "__main__":
    main(sys.argv[1:])
