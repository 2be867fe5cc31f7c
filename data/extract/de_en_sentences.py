"""Extract data/de_en_sentences.tsv (German-English example sentences) from Debian's trans-de-en.

    python data/extract/de_en_sentences.py              # downloads the .deb from deb.debian.org
    python data/extract/de_en_sentences.py PACKAGE.deb  # or reads a .deb you already have

Debian's `trans-de-en` 1.9-6 (source package `ding`) ships the German-English dictionary of
TU Chemnitz as `/usr/share/trans/de-en`: one entry per line, "German :: English", where each
side holds the same number of `|`-separated senses, and each sense may list `;`-separated
alternatives, grammar marks in braces (`{m}`) and subject marks in brackets (`[ugs.]`). Many
senses are whole example sentences. The script pairs the senses of each entry position by
position and keeps a pair when

- both sides end in `.`, `?` or `!` (a sentence, not a headword),
- neither side has alternatives or marks (`;`, `/`, `{`, `}`, `[`, `]`, `(`, `)`),
- it has not been kept before (exact duplicates are dropped; the first one stays).

It writes them in dictionary order as UTF-8 "German<TAB>English" lines under a header line
`de<TAB>en`. The data is GPL-2+ (Frank Richter, TU Chemnitz): it is kept as a separate file
with its license in `data/LICENSES/`. The script checks the sha256 of the .deb and of the
result (both recorded in data/README.md and seqcourse/datasets.py).
"""

import hashlib
import io
import pathlib
import re
import sys
import tarfile
import tempfile
import urllib.request

URL = "https://deb.debian.org/debian/pool/main/d/ding/trans-de-en_1.9-6_all.deb"
DEB_SHA256 = "45f6b4cf1c434776fba6811d7bc522efabb5425c43ba8afd0e289bf9e2e53df4"
MEMBER = "./usr/share/trans/de-en"
SHA256 = "e0d9fcfe8d2633c31e2bd0fecd0c669d752e9bfbf50c14051c412efaa71f3d7a"
TARGET = pathlib.Path(__file__).resolve().parents[1] / "de_en_sentences.tsv"
_MARKS = re.compile(r"[;/{}\[\]()\t]")
_SENTENCE_END = re.compile(r"[.?!]$")


def ar_members(blob):
    """Yields (name, bytes) for each member of a Debian package (an `ar` archive)."""
    if not blob.startswith(b"!<arch>\n"):
        sys.exit("not a Debian package: the ar magic is missing")
    pos = 8
    while pos + 60 <= len(blob):
        header = blob[pos : pos + 60]
        name = header[:16].decode("ascii").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        yield name, blob[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size % 2)


def dictionary_text(deb_bytes):
    """Returns the text of /usr/share/trans/de-en from the package's data archive."""
    for name, payload in ar_members(deb_bytes):
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(payload)) as tar:
                return tar.extractfile(MEMBER).read().decode("utf-8")
    sys.exit("the package has no data.tar member")


def sentence_pairs(text):
    """Returns the (German, English) example-sentence pairs of the dictionary, in order."""
    pairs, seen = [], set()
    for line in text.splitlines():
        if line.startswith("#") or "::" not in line:
            continue
        german, english = line.split("::", 1)
        german_senses = [s.strip() for s in german.split("|")]
        english_senses = [s.strip() for s in english.split("|")]
        if len(german_senses) != len(english_senses):
            continue
        for de, en in zip(german_senses, english_senses, strict=True):
            if _MARKS.search(de) or _MARKS.search(en):
                continue
            if not (_SENTENCE_END.search(de) and _SENTENCE_END.search(en)):
                continue
            if (de, en) not in seen:
                seen.add((de, en))
                pairs.append((de, en))
    return pairs


def main(argv):
    if argv:
        deb = pathlib.Path(argv[0]).read_bytes()
    else:
        with tempfile.TemporaryDirectory():
            with urllib.request.urlopen(URL) as response:
                deb = response.read()
    digest = hashlib.sha256(deb).hexdigest()
    if digest != DEB_SHA256:
        sys.exit(f"sha256 of the .deb is {digest}, expected {DEB_SHA256}.")
    pairs = sentence_pairs(dictionary_text(deb))
    payload = ("de\ten\n" + "".join(f"{de}\t{en}\n" for de, en in pairs)).encode("utf-8")
    digest = hashlib.sha256(payload).hexdigest()
    if digest != SHA256:
        sys.exit(f"sha256 of de_en_sentences.tsv is {digest}, expected {SHA256}.")
    TARGET.write_bytes(payload)
    print(f"wrote {TARGET} ({len(pairs)} pairs, {len(payload)} bytes, sha256 {digest})")


if __name__ == "__main__":
    main(sys.argv[1:])
