"""Data for sequence-to-sequence models: vocabularies, a synthetic task and a real one.

Two translation tasks are shared by chapters 7-9, so that every model is compared on the same
data:

- **dates** (`date_task`): human-readable dates in many formats ("Wednesday, March 3, 2021",
  "3 March 2021", "03.03.2021", ...) to ISO 8601 ("2021-03-03"), character by character. It is
  generated here, deterministically from a seed. No format is ambiguous without a locale: the
  only all-numeric formats are day-first with dots (German and most of Europe) and year-first
  with slashes; "03/04/2021", which the US and Europe read differently, is never produced.
- **German to English** (`de_en_task`): the example sentences of the Ding dictionary, bundled
  as ``data/de_en_sentences.tsv`` (GPL-2+, see ``data/README.md``), word by word, with fixed
  train/validation/test splits.

Both are turned into integer arrays by a `Vocabulary`, a thin wrapper around
`keras.layers.StringLookup`. Every vocabulary starts with the same four tokens, so their ids
are the same in every task: padding ``""`` (0), the unknown token ``"[UNK]"`` (1), start
``"<s>"`` (2) and end ``"</s>"`` (3).

Introduced in chapter 7.
"""

import collections
import dataclasses
import datetime
import re
import unicodedata

import numpy as np

from seqcourse import datasets
from seqcourse.validation import check_int

PAD, UNK, START, END = "", "[UNK]", "<s>", "</s>"
PAD_ID, UNK_ID, START_ID, END_ID = 0, 1, 2, 3
SPECIAL_TOKENS = (PAD, UNK, START, END)
LEVELS = ("char", "word")

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"'})
_PUNCTUATION = re.compile(r'([.,!?;:"()\-–—…])')


def _check_level(level):
    if level not in LEVELS:
        raise ValueError(f"level must be 'char' or 'word'. Received: level={level!r}")


def _check_text(text, name="text"):
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a string. Received: {name}={text!r}")


def standardize(text):
    """Normalises a sentence for word-level models.

    Applies Unicode NFKC, turns typographic quotes and apostrophes into ASCII ones, lower-cases,
    puts spaces around punctuation marks (so that "Nein!" becomes "nein !"), and collapses
    runs of white space. Apostrophes inside words are kept ("i've" stays one word).

    Introduced in chapter 7.

    Args:
        text: A string.

    Returns:
        The standardised string.

    Example:

    >>> standardize("Ich hab’s!  „Gut“, sagte er.")
    'ich hab\\'s ! " gut " , sagte er .'
    """
    _check_text(text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _PUNCTUATION.sub(r" \1 ", text)
    return " ".join(text.split())


def tokenize(text, level):
    """Splits a string into tokens.

    Introduced in chapter 7.

    Args:
        text: A string.
        level: ``"char"``: every character is a token (spaces included; the text is not
            changed); ``"word"``: the `standardize`d text split at spaces.

    Returns:
        A list of strings.

    Example:

    >>> tokenize("3 May", "char")
    ['3', ' ', 'M', 'a', 'y']
    >>> tokenize("Hab Spaß!", "word")
    ['hab', 'spaß', '!']
    """
    _check_text(text)
    _check_level(level)
    return list(text) if level == "char" else standardize(text).split()


def detokenize(tokens, level):
    """Joins tokens back into a string: without separator for characters, with spaces for words.

    Introduced in chapter 7.

    Example:

    >>> detokenize(["2", "0"], "char"), detokenize(["hab", "spaß", "!"], "word")
    ('20', 'hab spaß !')
    """
    _check_level(level)
    return ("" if level == "char" else " ").join(tokens)


class Vocabulary:
    """A token <-> id mapping built on `keras.layers.StringLookup`.

    Ids 0-3 are always padding ``""``, unknown ``"[UNK]"``, start ``"<s>"`` and end
    ``"</s>"``; the other tokens follow by decreasing frequency (ties alphabetically), so a
    vocabulary built from the same data is always the same.

    Introduced in chapter 7.

    Args:
        tokens: The vocabulary's real tokens (without the four special ones), in id order.

    Attributes:
        tokens: All tokens; ``tokens[i]`` has id ``i``.
        size: ``len(tokens)``.
        lookup: The `keras.layers.StringLookup` layer that maps tokens to ids (padding ``""``
            to 0, unknown tokens to 1).

    Example:

    >>> vocab = Vocabulary.from_token_lists([["a", "b", "a"], ["c"]])
    >>> vocab.tokens
    ['', '[UNK]', '<s>', '</s>', 'a', 'b', 'c']
    >>> vocab.encode([["a", "c"], ["b", "z"]], add_end=True).tolist()
    [[4, 6, 3], [5, 1, 3]]
    >>> vocab.decode([[4, 6, 3, 0]])
    [['a', 'c']]
    """

    def __init__(self, tokens):
        import keras

        tokens = list(tokens)
        bad = [t for t in tokens if not isinstance(t, str) or t in SPECIAL_TOKENS]
        if bad or len(set(tokens)) != len(tokens):
            raise ValueError(
                "tokens must be distinct strings other than the special tokens "
                f"{SPECIAL_TOKENS}. Received: tokens={tokens[:10]!r}..."
            )
        self.tokens = list(SPECIAL_TOKENS) + tokens
        self.size = len(self.tokens)
        self._ids = {token: i for i, token in enumerate(self.tokens)}
        self.lookup = keras.layers.StringLookup(
            vocabulary=[START, END] + tokens, mask_token=PAD, oov_token=UNK, num_oov_indices=1
        )

    @classmethod
    def from_token_lists(cls, token_lists, *, min_count=1, max_size=None):
        """Builds a vocabulary from tokenised texts.

        Args:
            token_lists: A list of lists of string tokens.
            min_count: Tokens seen fewer times are left out (they become ``"[UNK]"``).
            max_size: If given, at most this many ids in all (special tokens included).

        Returns:
            A `Vocabulary`.
        """
        min_count = check_int(min_count, "min_count", minimum=1)
        if max_size is not None:
            max_size = check_int(max_size, "max_size", minimum=len(SPECIAL_TOKENS) + 1)
        if isinstance(token_lists, str) or not all(
            isinstance(t, (list, tuple)) for t in token_lists
        ):
            raise ValueError(
                "token_lists must be a list of token lists. "
                f"Received: token_lists={str(token_lists)[:80]}"
            )
        counts = collections.Counter(t for tokens in token_lists for t in tokens)
        for special in SPECIAL_TOKENS:
            counts.pop(special, None)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        tokens = [t for t, c in ranked if c >= min_count]
        if max_size is not None:
            tokens = tokens[: max_size - len(SPECIAL_TOKENS)]
        return cls(tokens)

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"Vocabulary(size={self.size})"

    def encode(self, token_lists, *, max_length=None, add_start=False, add_end=False):
        """Maps token lists to a padded array of ids, through the `StringLookup` layer.

        Args:
            token_lists: A list of lists of string tokens.
            max_length: Length of the output rows; defaults to the longest sequence. Longer
                sequences raise an error (nothing is cut silently).
            add_start: Whether to put ``"<s>"`` (id 2) first.
            add_end: Whether to put ``"</s>"`` (id 3) last.

        Returns:
            An int32 array of shape ``(len(token_lists), max_length)``, padded with 0.
        """
        if isinstance(token_lists, str) or not all(
            isinstance(t, (list, tuple)) for t in token_lists
        ):
            raise ValueError(
                "token_lists must be a list of token lists. "
                f"Received: token_lists={str(token_lists)[:80]}"
            )
        rows = [
            ([START] if add_start else []) + list(tokens) + ([END] if add_end else [])
            for tokens in token_lists
        ]
        longest = max((len(r) for r in rows), default=0)
        if max_length is None:
            max_length = longest
        max_length = check_int(max_length, "max_length", minimum=1)
        if longest > max_length:
            raise ValueError(
                f"A sequence has {longest} tokens (with start/end), more than max_length. "
                f"Received: max_length={max_length}"
            )
        padded = np.full((len(rows), max_length), PAD, dtype=object)
        for i, row in enumerate(rows):
            padded[i, : len(row)] = row
        if not rows:
            return np.zeros((0, max_length), np.int32)
        return np.asarray(self.lookup(padded.astype(str)), dtype=np.int32)

    def decode(self, ids, *, strip=True):
        """Maps ids back to tokens.

        Args:
            ids: Integer array-like of shape ``(N, T)``.
            strip: If true, drop padding and ``"<s>"`` and stop at the first ``"</s>"``.

        Returns:
            A list of ``N`` token lists.
        """
        ids = np.asarray(ids)
        if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(
                f"ids must be a 2-D integer array (N, T). Received: ids with shape {ids.shape} "
                f"and dtype {ids.dtype}"
            )
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(
                f"ids must lie in [0, {self.size}). Received: ids in [{ids.min()}, {ids.max()}]"
            )
        out = []
        for row in ids:
            tokens = []
            for i in row:
                if strip and i == END_ID:
                    break
                if strip and i in (PAD_ID, START_ID):
                    continue
                tokens.append(self.tokens[i])
            out.append(tokens)
        return out


@dataclasses.dataclass
class Seq2SeqSplit:
    """One split (train, validation or test) of a translation task.

    Attributes:
        sources: The source sentences (raw strings).
        targets: The target sentences (raw strings).
        encoder_input: int32 ``(N, T_x)``: source ids, then ``"</s>"``, padded with 0.
        decoder_input: int32 ``(N, T_y)``: ``"<s>"``, then the target ids, padded with 0.
        decoder_target: int32 ``(N, T_y)``: the target ids, then ``"</s>"``, padded with 0
            (``decoder_input`` shifted left by one step).
        source_level: ``"char"`` or ``"word"``.
        target_level: ``"char"`` or ``"word"``.
    """

    sources: list
    targets: list
    encoder_input: np.ndarray
    decoder_input: np.ndarray
    decoder_target: np.ndarray
    source_level: str
    target_level: str

    def __len__(self):
        return len(self.sources)

    @property
    def source_tokens(self):
        """The tokenised sources (unknown words kept as they are)."""
        return [tokenize(s, self.source_level) for s in self.sources]

    @property
    def target_tokens(self):
        """The tokenised targets: the references for exact match and BLEU (unknown words
        kept, so that a model that outputs ``"[UNK]"`` is not rewarded)."""
        return [tokenize(t, self.target_level) for t in self.targets]

    @property
    def source_lengths(self):
        """int array ``(N,)``: the number of source tokens (without ``"</s>"``)."""
        return (self.encoder_input != PAD_ID).sum(axis=1) - 1


@dataclasses.dataclass
class Seq2SeqTask:
    """A translation task: vocabularies and fixed train/validation/test splits.

    Attributes:
        name: ``"dates"`` or ``"de-en"``.
        source_vocab: `Vocabulary` of the source side (built from the training split).
        target_vocab: `Vocabulary` of the target side (built from the training split).
        train: `Seq2SeqSplit`.
        validation: `Seq2SeqSplit`.
        test: `Seq2SeqSplit`.
    """

    name: str
    source_vocab: Vocabulary
    target_vocab: Vocabulary
    train: Seq2SeqSplit
    validation: Seq2SeqSplit
    test: Seq2SeqSplit

    @property
    def splits(self):
        return {"train": self.train, "validation": self.validation, "test": self.test}

    def reversed_source(self):
        """Returns the same task with every source sequence reversed (``"</s>"`` stays last).

        Sutskever et al. (2014) fed the source backwards, so that the first target words are
        close, in time steps, to the source words they depend on.
        """
        splits = {}
        for key, split in self.splits.items():
            ids = split.encoder_input.copy()
            for row, n in zip(ids, split.source_lengths, strict=True):
                row[:n] = row[:n][::-1].copy()
            splits[key] = dataclasses.replace(split, encoder_input=ids)
        return dataclasses.replace(self, name=self.name + " (reversed source)", **splits)


def _make_splits(pairs_by_split, source_level, target_level, min_count, name):
    tokenized = {
        key: (
            [tokenize(s, source_level) for s, _ in pairs],
            [tokenize(t, target_level) for _, t in pairs],
        )
        for key, pairs in pairs_by_split.items()
    }
    source_vocab = Vocabulary.from_token_lists(tokenized["train"][0], min_count=min_count)
    target_vocab = Vocabulary.from_token_lists(tokenized["train"][1], min_count=min_count)
    t_x = max(len(s) for src, _ in tokenized.values() for s in src) + 1
    t_y = max(len(t) for _, tgt in tokenized.values() for t in tgt) + 1
    splits = {}
    for key, pairs in pairs_by_split.items():
        src, tgt = tokenized[key]
        target_ids = target_vocab.encode(tgt, max_length=t_y, add_end=True)
        decoder_input = target_vocab.encode(tgt, max_length=t_y, add_start=True)
        # "<s> y1 .. yn" has the length of "y1 .. yn </s>": the END slot becomes padding.
        decoder_input[decoder_input == END_ID] = PAD_ID
        splits[key] = Seq2SeqSplit(
            sources=[s for s, _ in pairs],
            targets=[t for _, t in pairs],
            encoder_input=source_vocab.encode(src, max_length=t_x, add_end=True),
            decoder_input=decoder_input,
            decoder_target=target_ids,
            source_level=source_level,
            target_level=target_level,
        )
    return Seq2SeqTask(name=name, source_vocab=source_vocab, target_vocab=target_vocab, **splits)


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_FIRST_DAY = datetime.date(1950, 1, 1)
_LAST_DAY = datetime.date(2049, 12, 31)


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_DATE_FORMATTERS = {
    "weekday_month_day_year": lambda d: (
        f"{_WEEKDAYS[d.weekday()]}, {_MONTHS[d.month - 1]} {d.day}, {d.year}"
    ),
    "day_month_year": lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
    "month_day_year": lambda d: f"{_MONTHS[d.month - 1]} {d.day}, {d.year}",
    "day_mon_year": lambda d: f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}",
    "mon_day_year": lambda d: f"{_MONTHS[d.month - 1][:3]} {d.day} {d.year}",
    "weekday_day_month_year": lambda d: (
        f"{_WEEKDAYS[d.weekday()][:3]} {d.day} {_MONTHS[d.month - 1]} {d.year}"
    ),
    "ordinal_of_month": lambda d: f"the {_ordinal(d.day)} of {_MONTHS[d.month - 1]} {d.year}",
    "month_ordinal": lambda d: f"{_MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}",
    "lower_month_day_year": lambda d: f"{_MONTHS[d.month - 1].lower()} {d.day} {d.year}",
    "upper_day_mon_year": lambda d: f"{d.day} {_MONTHS[d.month - 1][:3].upper()} {d.year}",
    "dotted_day_first": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "slashed_year_first": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
}
DATE_FORMATS = tuple(_DATE_FORMATTERS)
_DRAW = 4096


def format_date(date, fmt):
    """Writes a `datetime.date` in one of the `DATE_FORMATS` (English names, any locale).

    Introduced in chapter 7.

    Example:

    >>> format_date(datetime.date(2021, 3, 3), "weekday_month_day_year")
    'Wednesday, March 3, 2021'
    >>> format_date(datetime.date(2021, 3, 3), "dotted_day_first")
    '03.03.2021'
    """
    if not isinstance(date, datetime.date):
        raise ValueError(f"date must be a datetime.date. Received: date={date!r}")
    if fmt not in _DATE_FORMATTERS:
        raise ValueError(f"fmt must be one of {DATE_FORMATS}. Received: fmt={fmt!r}")
    return _DATE_FORMATTERS[fmt](date)


def make_date_pairs(n, *, seed=0, formats=None):
    """Generates (human-readable date, ISO date) pairs.

    Dates are drawn uniformly from 1950-01-01 to 2049-12-31 and formats uniformly from
    `formats`; the draw depends only on `seed`. Sources are distinct (a repeated draw is
    replaced), so no sentence can appear in two splits.

    Introduced in chapter 7.

    Args:
        n: Number of pairs (at most a tenth of the distinct sources possible).
        seed: Seed of the NumPy generator.
        formats: Names from `DATE_FORMATS`; all of them by default.

    Returns:
        A list of ``n`` tuples ``(source, target)``, e.g.
        ``("Wednesday, March 3, 2021", "2021-03-03")``.

    Example:

    >>> [target for _, target in make_date_pairs(3, seed=0)]
    ['2035-01-24', '2013-09-12', '2001-02-11']
    """
    formats = DATE_FORMATS if formats is None else tuple(formats)
    if not formats or any(f not in _DATE_FORMATTERS for f in formats):
        raise ValueError(f"formats must be names from {DATE_FORMATS}. Received: formats={formats}")
    span = (_LAST_DAY - _FIRST_DAY).days + 1
    n = check_int(n, "n", minimum=1)
    if n > span * len(formats) // 10:
        raise ValueError(
            f"n must be at most {span * len(formats) // 10} (a tenth of the distinct sources "
            f"of {len(formats)} formats). Received: n={n}"
        )
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    pairs, seen = [], set()
    while len(pairs) < n:
        # Fixed-size draws: the first k pairs are the same whatever n is, so a split taken
        # from the front of the stream does not change when the other splits grow.
        days = rng.integers(0, span, size=_DRAW)
        which = rng.integers(0, len(formats), size=_DRAW)
        for d, f in zip(days, which, strict=True):
            date = _FIRST_DAY + datetime.timedelta(days=int(d))
            source = _DATE_FORMATTERS[formats[f]](date)
            if source not in seen and len(pairs) < n:
                seen.add(source)
                pairs.append((source, date.isoformat()))
    return pairs


def date_task(n_train=10000, n_validation=1000, n_test=1000, *, seed=0):
    """The date-normalisation task: human-readable dates to ISO 8601, character level.

    Introduced in chapter 7.

    Args:
        n_train: Number of training pairs.
        n_validation: Number of validation pairs.
        n_test: Number of test pairs.
        seed: Seed of the generator (`make_date_pairs`).

    Returns:
        A `Seq2SeqTask` named ``"dates"``; every split's sources are distinct from the other
        splits'. The test split depends only on `n_test` and `seed` (and the validation
        split only on `n_test`, `n_validation` and `seed`), so models trained on different
        amounts of data are compared on the same test set. Targets are 10 characters, so
        ``T_y`` is 11.

    Example:

    >>> task = date_task(200, 20, 20)
    >>> task.train.decoder_target.shape, task.target_vocab.size
    ((200, 11), 15)
    """
    sizes = [
        check_int(v, k, minimum=1)
        for k, v in (("n_train", n_train), ("n_validation", n_validation), ("n_test", n_test))
    ]
    pairs = make_date_pairs(sum(sizes), seed=seed)
    # Test first, then validation, then training pairs: chapters that train on different
    # amounts of data still share the same test set (and validation set).
    n_train, n_validation, n_test = sizes
    test = pairs[:n_test]
    validation = pairs[n_test : n_test + n_validation]
    train = pairs[n_test + n_validation :]
    return _make_splits(
        {"train": train, "validation": validation, "test": test},
        "char",
        "char",
        min_count=1,
        name="dates",
    )


# ---------------------------------------------------------------------------------------------
# German -> English


def load_de_en_pairs():
    """Loads the German-English example sentences of the Ding dictionary (bundled).

    Introduced in chapter 7.

    Returns:
        A list of 15,004 ``(German, English)`` string pairs, in dictionary order.

    Example:

    >>> pairs = load_de_en_pairs()
    >>> len(pairs), pairs[3]
    (15004, ('Das Abendessen hat mir geschmeckt.', 'I enjoyed my supper.'))
    """
    path = datasets.bundled_path("de_en_sentences")
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "de\ten":
        raise datasets.DataIntegrityError(f"{path} does not start with the header 'de<TAB>en'.")
    pairs = [tuple(line.split("\t")) for line in lines[1:]]
    if any(len(p) != 2 or not p[0] or not p[1] for p in pairs):
        raise datasets.DataIntegrityError(f"{path} does not hold two columns on every line.")
    return pairs


def de_en_task(*, max_words=10, min_count=2, seed=0):
    """The German-to-English task on the bundled Ding sentences, word level.

    Keeps the pairs whose two sides both have at most `max_words` tokens after
    `standardize` (punctuation marks count as tokens), shuffles the distinct German sentences
    once with `seed`, and splits them 80/10/10 (a sentence with two translations keeps both in
    one split). The vocabularies come from the training split; words seen fewer than
    `min_count` times there become ``"[UNK]"`` in the model's inputs and targets, but the
    reference sentences (`Seq2SeqSplit.target_tokens`) keep them.

    Introduced in chapter 7.

    Args:
        max_words: Longest sentence kept, in tokens.
        min_count: Rarest word kept in a vocabulary.
        seed: Seed of the shuffle.

    Returns:
        A `Seq2SeqTask` named ``"de-en"``.
    """
    return pairs_task(
        load_de_en_pairs(), name="de-en", max_words=max_words, min_count=min_count, seed=seed
    )


def pairs_task(pairs, *, name, max_words=10, min_count=2, seed=0):
    """A word-level translation task from any list of (source, target) sentence pairs.

    What `de_en_task` does to the bundled sentences, for pairs from elsewhere: for example the
    Tatoeba pairs of `read_tab_pairs` on Colab.

    Introduced in chapter 7.

    Args:
        pairs: A list of ``(source, target)`` string pairs.
        name: The task's name.
        max_words: Longest sentence kept, in tokens (after `standardize`).
        min_count: Rarest word kept in a vocabulary (counted in the training split).
        seed: Seed of the shuffle of the distinct source sentences.

    Returns:
        A `Seq2SeqTask`; no source sentence is in two splits.
    """
    max_words = check_int(max_words, "max_words", minimum=2)
    min_count = check_int(min_count, "min_count", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    if not isinstance(pairs, (list, tuple)) or not all(
        isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, str) and x for x in p)
        for p in pairs
    ):
        raise ValueError(
            "pairs must be a list of (source, target) tuples of non-empty strings. "
            f"Received: pairs={str(pairs)[:80]}"
        )
    kept = [
        (src, tgt)
        for src, tgt in pairs
        if len(tokenize(src, "word")) <= max_words and len(tokenize(tgt, "word")) <= max_words
    ]
    # Some sources have two translations: split by source sentence, so that no source
    # sentence is in two splits.
    groups = collections.defaultdict(list)
    for src, tgt in kept:
        groups[src].append((src, tgt))
    sources = list(groups)
    if len(sources) < 10:
        raise ValueError(
            f"pairs_task needs at least 10 distinct source sentences of at most {max_words} "
            f"words. Received: {len(sources)} of {len(pairs)} pairs"
        )
    order = rng.permutation(len(sources))
    a, b = int(0.8 * len(sources)), int(0.9 * len(sources))
    parts = [order[:a], order[a:b], order[b:]]
    train, validation, test = ([p for i in part for p in groups[sources[i]]] for part in parts)
    return _make_splits(
        {"train": train, "validation": validation, "test": test},
        "word",
        "word",
        min_count=min_count,
        name=name,
    )


def read_tab_pairs(path, *, source_column=1, target_column=0):
    """Reads sentence pairs from a tab-separated file, such as Tatoeba's ``spa.txt``.

    The Tatoeba/Anki files (``spa-eng.zip``, ``fra-eng.zip`` from manythings.org) hold
    "English<TAB>other language<TAB>attribution" lines; by default the other language is the
    source, to translate into English as in the bundled German task. Opt-in, for Colab: the
    course bundles no Tatoeba file, and CI never reads one (`load_tatoeba_pairs` downloads
    one and reads it with this function).

    Introduced in chapter 7.

    Args:
        path: The file.
        source_column: Column of the source sentences.
        target_column: Column of the target sentences.

    Returns:
        A list of ``(source, target)`` string pairs.

    Raises:
        ValueError: naming the file and the line, if a line has too few columns.
    """
    import pathlib

    source_column = check_int(source_column, "source_column", minimum=0)
    target_column = check_int(target_column, "target_column", minimum=0)
    pairs = []
    text = pathlib.Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) <= max(source_column, target_column):
            raise ValueError(
                f"{path}, line {number}: expected at least "
                f"{max(source_column, target_column) + 1} tab-separated columns. "
                f"Received: {line[:80]!r}"
            )
        pairs.append((cells[source_column].strip(), cells[target_column].strip()))
    return pairs


def load_tatoeba_pairs(name="tatoeba_fra_eng", *, cache_dir=None, registry=None):
    """Downloads Tatoeba sentence pairs (opt-in, for Colab) and reads them.

    The archive registered in `seqcourse.datasets.ONLINE` is downloaded once, checked
    against its published hash, extracted, and read with `read_tab_pairs` (the other
    language is the source, English the target). Feed the pairs to `pairs_task`. Never
    called by the tests or by CI, which are offline.

    Introduced in chapter 7.

    Args:
        name: Registered name of a Tatoeba archive, e.g. ``"tatoeba_fra_eng"``.
        cache_dir: Folder for the download; defaults to Keras's (``~/.keras``).
        registry: Mapping of names to `seqcourse.datasets.OnlineFile`; defaults to
            `seqcourse.datasets.ONLINE` (tests pass their own).

    Returns:
        A list of ``(source, target)`` string pairs.

    Raises:
        ValueError: if `name` is not registered or the download does not match its hash.

    Example:

    >>> task = pairs_task(load_tatoeba_pairs(), name="fr-en")  # doctest: +SKIP
    """
    return read_tab_pairs(
        datasets.fetch_online_archive(name, cache_dir=cache_dir, registry=registry)
    )
