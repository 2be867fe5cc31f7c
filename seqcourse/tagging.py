"""Synthetic named-entity tagging whose tags are decided by words to the right.

A sentence is a fixed-length row of words: filler words (tag ``O``) and entity mentions.
A mention is a name followed, ``gap`` words later, by a cue verb: a person cue ("said",
"smiled", ...) after a person, a place cue ("flooded", "expanded", ...) after a place.
Some names are unambiguous ("alice" is always a person, "oslo" always a place); the
*ambiguous* names ("washington", "jordan", ...) are persons or places with equal
probability, and only the cue that comes later tells which. A left-to-right tagger has
not seen the cue when it must tag the name, so it can only guess on ambiguous names; a
bidirectional tagger sees both sides (chapter 6).

Tags are ``O`` (0), ``PER`` (1) and ``LOC`` (2), one per word (IO tagging: every entity
is one word long, so B- and I- prefixes are not needed).

Introduced in chapter 6.
"""

import numpy as np

from seqcourse.validation import check_int

TAGS = ("O", "PER", "LOC")
AMBIGUOUS_NAMES = ("washington", "jordan", "georgia", "florence", "victoria", "chelsea")
PERSON_NAMES = ("alice", "omar", "maria", "kenji")
PLACE_NAMES = ("oslo", "lima", "cairo", "perth")
PERSON_CUES = ("said", "smiled", "laughed", "wrote")
PLACE_CUES = ("flooded", "expanded", "froze", "prospered")
FILLERS = ("the", "old", "quiet", "yesterday", "again", "often", "really", "then", "and", "near")


def tagging_vocabulary():
    """The token vocabulary of `make_tagging_data`, as a list indexed by token id.

    Id 0 is the padding token ``"<pad>"`` (never produced by the generator, kept so that
    the ids match the other tasks' convention), then the fillers, the unambiguous person and
    place names, the ambiguous names, and the person and place cues.

    Introduced in chapter 6.

    Returns:
        A list of strings.
    """
    return [
        "<pad>",
        *FILLERS,
        *PERSON_NAMES,
        *PLACE_NAMES,
        *AMBIGUOUS_NAMES,
        *PERSON_CUES,
        *PLACE_CUES,
    ]


def make_tagging_data(n, length=12, max_gap=3, ambiguous_rate=0.5, seed=0):
    """Sentences with one tag per word, where a later cue decides ambiguous names.

    Each row is built left to right. At each free position a mention starts with
    probability 0.4 if it fits: a name, ``gap - 1`` fillers and a cue, with ``gap`` drawn
    uniformly from ``1..max_gap``; otherwise the position gets a filler. The entity type of
    a mention (person or place) is drawn with probability 1/2; its name is ambiguous with
    probability `ambiguous_rate`, and otherwise an unambiguous name of that type. The cue
    always agrees with the type. Every row holds at least one mention (the first one
    starts at a random position in ``0..length - max_gap - 1``).

    Introduced in chapter 6.

    Args:
        n: Number of sentences, a positive integer.
        length: Words per sentence, at least ``max_gap + 1``.
        max_gap: Largest distance from a name to its cue, a positive integer.
        ambiguous_rate: Probability that a mention uses an ambiguous name, in [0, 1].
        seed: Seed of the NumPy generator.

    Returns:
        ``(tokens, tags, ambiguous, vocab)``: ``tokens`` and ``tags`` int32 arrays of shape
        ``(n, length)`` (tag ids index ``TAGS``); ``ambiguous`` a bool array of the same
        shape, True at the ambiguous names; ``vocab`` the list of `tagging_vocabulary`.

    Example:

    >>> tokens, tags, ambiguous, vocab = make_tagging_data(2, length=8, seed=0)
    >>> tokens.shape, tags.shape
    ((2, 8), (2, 8))
    >>> bool(np.all(tags[ambiguous] > 0))
    True
    """
    n = check_int(n, "n", 1)
    max_gap = check_int(max_gap, "max_gap", 1)
    length = check_int(length, "length", max_gap + 1)
    if (
        isinstance(ambiguous_rate, bool)
        or not isinstance(ambiguous_rate, int | float | np.floating)
        or not 0 <= ambiguous_rate <= 1
    ):
        raise ValueError(
            "`ambiguous_rate` must be a number in [0, 1]. "
            f"Received: ambiguous_rate={ambiguous_rate!r}"
        )
    vocab = tagging_vocabulary()
    index = {word: i for i, word in enumerate(vocab)}

    def ids(words):
        return np.array([index[w] for w in words], dtype=np.int32)

    fillers, ambiguous_names = ids(FILLERS), ids(AMBIGUOUS_NAMES)
    names = (ids(PERSON_NAMES), ids(PLACE_NAMES))
    cues = (ids(PERSON_CUES), ids(PLACE_CUES))

    rng = np.random.default_rng(seed)
    tokens = np.zeros((n, length), dtype=np.int32)
    tags = np.zeros((n, length), dtype=np.int32)
    ambiguous = np.zeros((n, length), dtype=bool)
    for i in range(n):
        first = int(rng.integers(0, length - max_gap))
        t = 0
        while t < length:
            gap = int(rng.integers(1, max_gap + 1))
            start_here = t == first or (t > first and rng.random() < 0.4)
            if start_here and t + gap < length:
                kind = int(rng.integers(0, 2))  # 0: person, 1: place
                if rng.random() < ambiguous_rate:
                    tokens[i, t] = rng.choice(ambiguous_names)
                    ambiguous[i, t] = True
                else:
                    tokens[i, t] = rng.choice(names[kind])
                tags[i, t] = 1 + kind
                tokens[i, t + 1 : t + gap] = rng.choice(fillers, size=gap - 1)
                tokens[i, t + gap] = rng.choice(cues[kind])
                t += gap + 1
            else:
                tokens[i, t] = rng.choice(fillers)
                t += 1
    return tokens, tags, ambiguous, vocab
