"""Tests for `seqcourse.seq2seq_data`: tokenising, vocabularies, the dates and de-en tasks."""

import collections
import datetime
import hashlib
import pathlib
import runpy
import zipfile

import numpy as np
import pytest

from seqcourse import datasets
from seqcourse import seq2seq_data as sd

REPO = pathlib.Path(__file__).resolve().parents[1]
DE_EN_SHA256 = "e0d9fcfe8d2633c31e2bd0fecd0c669d752e9bfbf50c14051c412efaa71f3d7a"


@pytest.fixture(scope="module")
def dates():
    return sd.date_task(600, 100, 100, seed=3)


@pytest.fixture(scope="module")
def de_en():
    return sd.de_en_task()


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hab Spaß!", "hab spaß !"),
        ("I’ve got   it.", "i've got it ."),
        ("„Gut“, sagte er.", '" gut " , sagte er .'),
        ("Wait... what?", "wait . . . what ?"),
        ("ﬁne", "fine"),  # NFKC folds the ligature
    ],
)
def test_standardize(text, expected):
    assert sd.standardize(text) == expected


def test_tokenize_levels_and_round_trip():
    assert sd.tokenize("3 May", "char") == ["3", " ", "M", "a", "y"]
    assert sd.detokenize(sd.tokenize("3 May, 2021", "char"), "char") == "3 May, 2021"
    words = sd.tokenize("Das ist gut.", "word")
    assert words == ["das", "ist", "gut", "."]
    assert sd.detokenize(words, "word") == "das ist gut ."


@pytest.mark.parametrize("level", ["chars", "", None])
def test_tokenize_rejects_a_bad_level(level):
    with pytest.raises(ValueError, match="level must be 'char' or 'word'. Received: level="):
        sd.tokenize("x", level)


def test_standardize_rejects_non_strings():
    with pytest.raises(ValueError, match="text must be a string. Received: text=3"):
        sd.standardize(3)


# --- Vocabulary --------------------------------------------------------------------------------


def test_vocabulary_ids_special_tokens_and_order():
    vocab = sd.Vocabulary.from_token_lists([["b", "a", "a"], ["c", "b", "a"]])
    assert vocab.tokens[:4] == ["", "[UNK]", "<s>", "</s>"]
    assert (sd.PAD_ID, sd.UNK_ID, sd.START_ID, sd.END_ID) == (0, 1, 2, 3)
    assert vocab.tokens[4:] == ["a", "b", "c"]  # by count, then alphabetically
    assert vocab.size == len(vocab) == 7


def test_vocabulary_encode_agrees_with_a_python_dict_and_the_lookup_layer():
    lists = [["a", "b"], ["c"], ["b", "zz", "a"]]
    vocab = sd.Vocabulary.from_token_lists(lists[:2])
    ids = vocab.encode(lists, add_start=True, add_end=True)
    table = {t: i for i, t in enumerate(vocab.tokens)}
    expected = np.zeros((3, 5), np.int32)
    for r, tokens in enumerate(lists):
        row = [2] + [table.get(t, 1) for t in tokens] + [3]
        expected[r, : len(row)] = row
    np.testing.assert_array_equal(ids, expected)
    assert ids.dtype == np.int32
    # The Keras layer is the mapping.
    np.testing.assert_array_equal(np.asarray(vocab.lookup(["a", "zz", ""])), [4, 1, 0])


def test_vocabulary_decode_strips_and_stops_at_end():
    vocab = sd.Vocabulary.from_token_lists([["x", "y"]])
    ids = np.array([[2, 4, 5, 3, 4, 0], [4, 0, 0, 0, 0, 0]])
    assert vocab.decode(ids) == [["x", "y"], ["x"]]
    assert vocab.decode(ids, strip=False)[0] == ["<s>", "x", "y", "</s>", "x", ""]


def test_vocabulary_min_count_and_max_size():
    lists = [["a"] * 3 + ["b"] * 2 + ["c"]]
    assert sd.Vocabulary.from_token_lists(lists, min_count=2).tokens[4:] == ["a", "b"]
    assert sd.Vocabulary.from_token_lists(lists, max_size=5).tokens[4:] == ["a"]


def test_vocabulary_errors():
    vocab = sd.Vocabulary.from_token_lists([["a"]])
    with pytest.raises(ValueError, match="token_lists must be a list of token lists"):
        vocab.encode("abc")
    with pytest.raises(ValueError, match="more than max_length. Received: max_length=2"):
        vocab.encode([["a", "a"]], max_length=2, add_end=True)
    with pytest.raises(ValueError, match=r"ids must be a 2-D integer array \(N, T\)"):
        vocab.decode([1, 2])
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        vocab.decode([[9]])
    with pytest.raises(ValueError, match="tokens must be distinct strings"):
        sd.Vocabulary(["a", "a"])
    with pytest.raises(ValueError, match="tokens must be distinct strings"):
        sd.Vocabulary(["</s>"])
    with pytest.raises(
        ValueError, match="`min_count` must be a positive integer. Received: min_count=0"
    ):
        sd.Vocabulary.from_token_lists([["a"]], min_count=0)


# --- dates -------------------------------------------------------------------------------------


def test_format_date_every_format():
    day = datetime.date(2021, 3, 3)
    got = {f: sd.format_date(day, f) for f in sd.DATE_FORMATS}
    assert got["weekday_month_day_year"] == "Wednesday, March 3, 2021"
    assert got["day_month_year"] == "3 March 2021"
    assert got["dotted_day_first"] == "03.03.2021"
    assert got["slashed_year_first"] == "2021/03/03"
    assert got["ordinal_of_month"] == "the 3rd of March 2021"
    assert sd.format_date(datetime.date(2021, 3, 11), "month_ordinal") == "March 11th, 2021"
    assert sd.format_date(datetime.date(2021, 3, 22), "month_ordinal") == "March 22nd, 2021"


def test_no_date_format_is_ambiguous():
    """Every source string determines its date: parse each format back independently."""
    parsers = {
        "weekday_month_day_year": "%A, %B %d, %Y",
        "day_month_year": "%d %B %Y",
        "month_day_year": "%B %d, %Y",
        "day_mon_year": "%d %b %Y",
        "mon_day_year": "%b %d %Y",
        "weekday_day_month_year": "%a %d %B %Y",
        "lower_month_day_year": "%B %d %Y",
        "upper_day_mon_year": "%d %b %Y",
        "dotted_day_first": "%d.%m.%Y",
        "slashed_year_first": "%Y/%m/%d",
    }
    rng = np.random.default_rng(0)
    for offset in rng.integers(0, 36524, size=200):
        day = datetime.date(1950, 1, 1) + datetime.timedelta(days=int(offset))
        for fmt, pattern in parsers.items():
            text = sd.format_date(day, fmt)
            assert datetime.datetime.strptime(text.title(), pattern).date() == day, text


def test_make_date_pairs_is_deterministic_distinct_and_correct():
    a = sd.make_date_pairs(500, seed=7)
    assert a == sd.make_date_pairs(500, seed=7)
    assert a != sd.make_date_pairs(500, seed=8)
    assert len({s for s, _ in a}) == 500
    for source, target in a:
        day = datetime.date.fromisoformat(target)
        assert datetime.date(1950, 1, 1) <= day <= datetime.date(2049, 12, 31)
        assert str(day.year) in source
    used = collections.Counter(
        next(f for f in sd.DATE_FORMATS if sd.format_date(datetime.date.fromisoformat(t), f) == s)
        for s, t in a
    )
    assert set(used) == set(sd.DATE_FORMATS)


def test_make_date_pairs_errors():
    with pytest.raises(ValueError, match="`n` must be a positive integer. Received: n=0"):
        sd.make_date_pairs(0)
    with pytest.raises(ValueError, match="n must be at most"):
        sd.make_date_pairs(10**7)
    with pytest.raises(ValueError, match="formats must be names from"):
        sd.make_date_pairs(5, formats=["nope"])
    with pytest.raises(ValueError, match="fmt must be one of"):
        sd.format_date(datetime.date(2000, 1, 1), "nope")
    with pytest.raises(ValueError, match="date must be a datetime.date"):
        sd.format_date("2000-01-01", "day_month_year")


def test_date_task_arrays(dates):
    assert (len(dates.train), len(dates.validation), len(dates.test)) == (600, 100, 100)
    split = dates.train
    t_y = split.decoder_target.shape[1]
    assert t_y == 11 and split.decoder_input.shape == (600, 11)
    # decoder_input is <s> + target, decoder_target is target + </s>
    np.testing.assert_array_equal(split.decoder_input[:, 0], sd.START_ID)
    np.testing.assert_array_equal(split.decoder_input[:, 1:], split.decoder_target[:, :-1])
    np.testing.assert_array_equal(split.decoder_target[:, -1], sd.END_ID)
    decoded = dates.target_vocab.decode(split.decoder_target)
    assert ["".join(t) for t in decoded] == split.targets
    sources = dates.source_vocab.decode(split.encoder_input)
    assert ["".join(s) for s in sources] == split.sources
    assert (split.source_lengths == [len(s) for s in split.sources]).all()
    # Every row ends its source with </s>, then padding.
    for row, n in zip(split.encoder_input, split.source_lengths, strict=True):
        assert row[n] == sd.END_ID and not row[n + 1 :].any()


def test_date_task_test_split_does_not_depend_on_the_other_splits(dates):
    small = sd.date_task(50, 30, 100, seed=3)
    big = sd.date_task(5000, 100, 100, seed=3)
    assert small.test.sources == big.test.sources == dates.test.sources
    assert big.validation.sources == dates.validation.sources
    assert sd.make_date_pairs(10, seed=1) == sd.make_date_pairs(9000, seed=1)[:10]


def test_date_task_splits_are_disjoint_and_fixed(dates):
    train, val, test = (set(s.sources) for s in (dates.train, dates.validation, dates.test))
    assert not (train & val or train & test or val & test)
    again = sd.date_task(600, 100, 100, seed=3)
    np.testing.assert_array_equal(again.test.encoder_input, dates.test.encoder_input)


def test_reversed_source(dates):
    rev = dates.reversed_source()
    assert rev.name == "dates (reversed source)"
    for k in range(5):
        forward = dates.source_vocab.decode(dates.train.encoder_input[k : k + 1])[0]
        backward = dates.source_vocab.decode(rev.train.encoder_input[k : k + 1])[0]
        assert backward == forward[::-1]
    np.testing.assert_array_equal(rev.test.decoder_target, dates.test.decoder_target)
    np.testing.assert_array_equal(
        (rev.train.encoder_input == sd.END_ID), (dates.train.encoder_input == sd.END_ID)
    )


# --- German -> English -----------------------------------------------------------------------


def test_de_en_file_registered_and_intact():
    entry = datasets.BUNDLED["de_en_sentences"]
    assert entry.sha256 == DE_EN_SHA256
    data = datasets.bundled_path("de_en_sentences", verify=False).read_bytes()
    assert hashlib.sha256(data).hexdigest() == DE_EN_SHA256
    assert DE_EN_SHA256 in (REPO / "data" / "README.md").read_text()
    assert (REPO / "data" / "LICENSES" / "GPL-2.txt").is_file()
    assert "GPL-2+" in (REPO / "data" / "LICENSES" / "de_en_sentences.copyright").read_text()
    script = runpy.run_path(str(REPO / "data" / "extract" / "de_en_sentences.py"), run_name="x")
    assert script["SHA256"] == DE_EN_SHA256
    assert script["TARGET"].name == entry.filename


def test_extraction_rules_on_a_small_dictionary():
    script = runpy.run_path(str(REPO / "data" / "extract" / "de_en_sentences.py"), run_name="x")
    text = "\n".join(
        [
            "# comment :: line",
            "Haus {n} | Das Haus ist rot. :: house | The house is red.",
            "gut {adj} | Gut gemacht! :: good | Well done!",
            "Das geht. ; Ok. :: That works. ; OK.",
            "Ja. | Nein. :: Yes. | No. | Extra.",
            "Das Haus ist rot. :: The house is red.",
        ]
    )
    assert script["sentence_pairs"](text) == [
        ("Das Haus ist rot.", "The house is red."),
        ("Gut gemacht!", "Well done!"),
    ]


def test_load_de_en_pairs():
    pairs = sd.load_de_en_pairs()
    assert len(pairs) == 15004 == len(set(pairs))
    assert pairs[3] == ("Das Abendessen hat mir geschmeckt.", "I enjoyed my supper.")
    assert all(de[-1] in ".?!" and en[-1] in ".?!" for de, en in pairs)


def test_load_de_en_rejects_a_bad_header(tmp_path, monkeypatch):
    content = b"german\tenglish\nA.\tB.\n"
    (tmp_path / "de_en_sentences.tsv").write_bytes(content)
    entry = datasets.BundledFile(
        filename="de_en_sentences.tsv",
        sha256=hashlib.sha256(content).hexdigest(),
        description="",
        source="",
        license="",
        rebuild="",
    )
    monkeypatch.setattr(datasets, "bundled_dir", lambda: tmp_path)
    monkeypatch.setitem(datasets.BUNDLED, "de_en_sentences", entry)
    with pytest.raises(datasets.DataIntegrityError, match="header"):
        sd.load_de_en_pairs()


def test_load_de_en_missing_file_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "bundled_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="de_en_sentences.tsv.*extract/de_en_sentences"):
        sd.load_de_en_pairs()


def test_de_en_task_splits(de_en):
    n = len(de_en.train) + len(de_en.validation) + len(de_en.test)
    assert abs(len(de_en.train) - 0.8 * n) < 0.01 * n
    train, val, test = (set(s.sources) for s in de_en.splits.values())
    assert not (train & val or train & test or val & test)
    for split in de_en.splits.values():
        assert max(map(len, split.source_tokens)) <= 10
        assert max(map(len, split.target_tokens)) <= 10
    # The vocabularies come from the training split only.
    train_words = {w for s in de_en.train.target_tokens for w in s}
    assert set(de_en.target_vocab.tokens[4:]) <= train_words


def test_de_en_references_keep_unknown_words(de_en):
    split = de_en.test
    decoded = de_en.target_vocab.decode(split.decoder_target)
    refs = split.target_tokens
    assert [len(d) for d in decoded] == [len(r) for r in refs]
    unknown = sum(t == "[UNK]" for d in decoded for t in d)
    assert unknown > 0 and not any("[UNK]" in r for r in refs)


def test_de_en_task_errors():
    with pytest.raises(
        ValueError, match="`max_words` must be an integer >= 2. Received: max_words=1"
    ):
        sd.de_en_task(max_words=1)


def test_pairs_task_on_tatoeba_style_file(tmp_path):
    lines = [
        f"I see {i}.\tVeo {i}.\tCC-BY 2.0 (France) Attribution: tatoeba.org" for i in range(50)
    ]
    lines += ["Go.\tVe.\tCC-BY", "Go.\tVete.\tCC-BY"]
    path = tmp_path / "spa.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs = sd.read_tab_pairs(path)
    assert pairs[0] == ("Veo 0.", "I see 0.") and len(pairs) == 52
    task = sd.pairs_task(pairs, name="spa-en", min_count=1)
    assert task.name == "spa-en"
    assert sum(map(len, task.splits.values())) == 52
    train, val, test = (set(s.sources) for s in task.splits.values())
    assert not (train & val or train & test or val & test)


def test_read_tab_pairs_and_pairs_task_errors(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("only one column\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.txt, line 1: expected at least 2"):
        sd.read_tab_pairs(path)
    with pytest.raises(ValueError, match="pairs must be a list of"):
        sd.pairs_task([("a", "")], name="x")
    with pytest.raises(ValueError, match="at least 10 distinct source sentences"):
        sd.pairs_task([("a b", "c d")] * 20, name="x")


def test_load_tatoeba_pairs_offline_archive(tmp_path):
    """The registered Tatoeba download, replaced by a toy archive of the same layout."""
    archive = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("fra-eng/fra.txt", "Go.\tVa !\nWho?\tQui ?\tCC-BY 2.0 (France)\n")
        zf.writestr("fra-eng/_about.txt", "Tatoeba")
    entry = datasets.OnlineFile(
        url=archive.as_uri(),
        file_hash=hashlib.sha1(archive.read_bytes()).hexdigest(),
        hash_algorithm="sha1",
        description="toy",
        license="CC BY 2.0 FR",
        member="fra-eng/fra.txt",
    )
    pairs = sd.load_tatoeba_pairs("toy", cache_dir=tmp_path / "cache", registry={"toy": entry})
    assert pairs == [("Va !", "Go."), ("Qui ?", "Who?")]
    assert datasets.ONLINE["tatoeba_fra_eng"].member == "fra-eng/fra.txt"
    with pytest.raises(ValueError, match="Unknown online dataset.*Received: name='spa'"):
        sd.load_tatoeba_pairs("spa", registry={"toy": entry})
