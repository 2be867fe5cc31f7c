"""Synthetic subject-verb agreement: a long-range dependency with a known distance.

A sentence starts with "the" and a noun, singular ("the cat") or plural ("the cats"),
followed by `distance` filler words drawn at random. The task is to choose the verb that
comes next: "was" after a singular subject (label 0), "were" after a plural one (label 1).
The fillers may include "attractor" nouns of either number ("the cat near the dogs ... was").
Nothing but the subject noun, `distance + 1` tokens back, tells the two answers apart, so
the accuracy of a model as a function of `distance` measures how far back it carries
information.

Sentences are pre-padded with the id 0 (``"<pad>"``) to a common length, so that the verb
slot is right after the last token of every row.

Introduced in chapter 4.
"""

import numpy as np

from seqcourse.validation import check_int

PAD = "<pad>"
SINGULAR_NOUNS = ("cat", "dog", "bird", "key", "author", "teacher")
PLURAL_NOUNS = ("cats", "dogs", "birds", "keys", "authors", "teachers")
FILLERS = (
    "old", "small", "red", "quiet", "near", "on", "by", "under", "tree", "house",
    "road", "table", "yesterday", "often", "very", "green",
)  # fmt: skip
VERBS = ("was", "were")  # indexed by the label


def agreement_vocabulary():
    """The token vocabulary of `make_agreement_data`, as a list indexed by token id.

    Id 0 is the padding token, id 1 is "the", then the singular nouns, the plural nouns and
    the filler words. The verbs are not input tokens; ``VERBS[label]`` names the answer.

    Introduced in chapter 4.

    Returns:
        A list of strings.
    """
    return [PAD, "the", *SINGULAR_NOUNS, *PLURAL_NOUNS, *FILLERS]


def make_agreement_data(n, distances, seed=0, attractors=True):
    """Subject-verb agreement examples at chosen distances between subject and verb.

    Example ``i`` reads ``the NOUN f_1 ... f_d`` with ``d = distance[i]`` filler words, and
    its label says whether the next word is "was" (0, singular noun) or "were" (1, plural
    noun). Distances cycle through `distances` (so each occurs ``n / len(distances)`` times,
    give or take one), labels alternate within each distance, nouns and fillers are drawn
    uniformly; the rows are then shuffled. With `attractors`, the filler words include the
    nouns of both numbers ("the cat near the dogs ... was"), so that the most recent noun is
    no guide and only the subject, the first noun, decides the verb.

    Introduced in chapter 4.

    Args:
        n: Number of examples, a positive integer.
        distances: Non-empty sequence of integers >= 0, the numbers of filler words between
            the subject and the verb.
        seed: Seed of the NumPy generator.
        attractors: Whether the fillers may be nouns (either number) as well as the words
            of ``FILLERS``.

    Returns:
        ``(tokens, labels, distance, vocab)``: ``tokens`` int32 of shape
        ``(n, max(distances) + 2)``, pre-padded with 0; ``labels`` int32 ``(n,)`` in {0, 1};
        ``distance`` int32 ``(n,)``, the number of fillers of each row; ``vocab`` the list
        of `agreement_vocabulary`.

    Example:

    >>> tokens, labels, distance, vocab = make_agreement_data(4, [1, 3], seed=0)
    >>> tokens.shape
    (4, 5)
    >>> words = [vocab[t] for t in tokens[0] if t != 0]
    >>> len(words) == distance[0] + 2 and words[0] == "the"
    True
    """
    n = check_int(n, "n", 1)
    distances_arr = np.asarray(distances)
    if (
        distances_arr.ndim != 1
        or distances_arr.size == 0
        or not np.issubdtype(distances_arr.dtype, np.integer)
        or distances_arr.min() < 0
    ):
        raise ValueError(
            "`distances` must be a non-empty sequence of integers >= 0. "
            f"Received: distances={distances!r}"
        )
    if not isinstance(attractors, bool):
        raise ValueError(f"`attractors` must be True or False. Received: attractors={attractors!r}")
    vocab = agreement_vocabulary()
    index = {word: i for i, word in enumerate(vocab)}
    singular = np.array([index[w] for w in SINGULAR_NOUNS])
    plural = np.array([index[w] for w in PLURAL_NOUNS])
    fillers = np.array([index[w] for w in FILLERS])
    if attractors:
        fillers = np.concatenate([fillers, singular, plural])

    rng = np.random.default_rng(seed)
    n = int(n)
    length = int(distances_arr.max()) + 2
    distance = distances_arr[np.arange(n) % distances_arr.size].astype(np.int32)
    labels = ((np.arange(n) // distances_arr.size) % 2).astype(np.int32)
    noun_choice = rng.integers(0, len(SINGULAR_NOUNS), size=n)
    nouns = np.where(labels == 1, plural[noun_choice], singular[noun_choice])
    tokens = np.zeros((n, length), dtype=np.int32)
    filler_draws = fillers[rng.integers(0, fillers.size, size=(n, length))]
    for i in range(n):
        d = int(distance[i])
        start = length - d - 2
        tokens[i, start] = index["the"]
        tokens[i, start + 1] = nouns[i]
        tokens[i, start + 2 :] = filler_draws[i, :d]
    order = rng.permutation(n)
    return tokens[order], labels[order], distance[order], vocab
