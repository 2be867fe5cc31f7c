"""Synthetic sentiment classification (many-to-one) that a bag of words cannot solve.

A review has two clauses joined by a connective. A clause is either a statement,
``the NOUN was [not] [very] ADJ``, or an expectation, ``i expected it to be [not] ADJ``.
The polarity of a clause is that of its adjective, flipped by "not". The label is the
polarity of the clause that the connective stresses: the clause *after* "but"
("the plot was good but the acting was awful": negative), the clause *before* "though"
("the plot was good though the acting was awful": positive). An expectation clause is
never the stressed one ("i expected it to be great but it was awful").

Examples come in *twins*: rows ``2k`` and ``2k + 1`` hold the same multiset of words in a
different order (the two clauses' "[not] [very] ADJ" parts are swapped) and opposite
labels. Any classifier that sees only the bag of words gives both twins the same answer,
so it scores exactly 50 % on every twin pair, by construction.

Sentences are pre-padded with id 0 (``"<pad>"``) to a common length.

Introduced in chapter 6.
"""

import numpy as np

from seqcourse.validation import check_int

PAD = "<pad>"
POSITIVE = ("good", "great", "superb", "fun", "moving")
NEGATIVE = ("bad", "awful", "boring", "dull", "weak")
NOUNS = ("plot", "acting", "music", "ending", "film", "cast")
CONNECTIVES = ("but", "though")
FUNCTION_WORDS = ("the", "was", "not", "very", "i", "expected", "it", "to", "be")


def sentiment_vocabulary():
    """The token vocabulary of `make_sentiment_data`, as a list indexed by token id.

    Id 0 is the padding token, then the function words, the connectives, the nouns, the
    positive and the negative adjectives.

    Introduced in chapter 6.

    Returns:
        A list of strings.
    """
    return [PAD, *FUNCTION_WORDS, *CONNECTIVES, *NOUNS, *POSITIVE, *NEGATIVE]


def make_sentiment_data(n, seed=0, expectation_rate=0.3):
    """Two-clause reviews labelled by the stressed clause, generated as twin pairs.

    For each pair, a connective ("but" or "though") is drawn, and two clause polarities
    that differ (one positive, one negative); each clause's adjective, optional "not"
    (probability 1/2, which flips the adjective's polarity so that the clause keeps its
    drawn polarity) and optional "very" (probability 1/2) are drawn. The unstressed clause
    is an expectation with probability `expectation_rate`. The twin swaps the
    "[not] [very] ADJ" parts of the two clauses, so its label is the opposite. The pairs are
    put in random order; the twins of a pair stay adjacent (rows ``2k``, ``2k + 1``), so
    that a split at an even row keeps every pair on one side.

    Introduced in chapter 6.

    Args:
        n: Number of reviews, a positive even integer.
        seed: Seed of the NumPy generator.
        expectation_rate: Probability that the unstressed clause is an expectation
            ("i expected it to be ..."), in [0, 1].

    Returns:
        ``(tokens, labels, vocab)``: ``tokens`` int32 of shape ``(n, 16)``, pre-padded with
        0; ``labels`` int32 ``(n,)``, 1 for positive; ``vocab`` the list of
        `sentiment_vocabulary`.

    Example:

    >>> tokens, labels, vocab = make_sentiment_data(2, seed=0)
    >>> sorted(tokens[0].tolist()) == sorted(tokens[1].tolist())
    True
    >>> int(labels[0] + labels[1])
    1
    """
    n = check_int(n, "n", 2)
    if n % 2:
        raise ValueError(f"`n` must be even (reviews come in twin pairs). Received: n={n}")
    if (
        isinstance(expectation_rate, bool)
        or not isinstance(expectation_rate, int | float | np.floating)
        or not 0 <= expectation_rate <= 1
    ):
        raise ValueError(
            "`expectation_rate` must be a number in [0, 1]. "
            f"Received: expectation_rate={expectation_rate!r}"
        )
    vocab = sentiment_vocabulary()
    index = {word: i for i, word in enumerate(vocab)}
    rng = np.random.default_rng(seed)
    length = 16  # longest: "i expected it to be not very ADJ but the NOUN was not very ADJ"

    def predicate(polarity):
        negated = bool(rng.random() < 0.5)
        adjectives = POSITIVE if polarity != negated else NEGATIVE
        words = ["not"] if negated else []
        if rng.random() < 0.5:
            words.append("very")
        return [*words, str(rng.choice(adjectives))]

    def statement(pred):
        return ["the", str(rng.choice(NOUNS)), "was", *pred]

    def expectation(pred):
        return ["i", "expected", "it", "to", "be", *pred]

    rows, labels = [], []
    for _ in range(n // 2):
        connective = str(rng.choice(CONNECTIVES))
        stressed_polarity = bool(rng.random() < 0.5)
        stressed_pred = predicate(stressed_polarity)
        other_pred = predicate(not stressed_polarity)
        other = expectation if rng.random() < expectation_rate else statement
        stressed_head = statement([])
        other_head = other([])
        for swap in (False, True):
            s_pred, o_pred = (other_pred, stressed_pred) if swap else (stressed_pred, other_pred)
            stressed_clause = stressed_head + s_pred
            other_clause = other_head + o_pred
            if connective == "but":
                words = [*other_clause, "but", *stressed_clause]
            else:
                words = [*stressed_clause, "though", *other_clause]
            rows.append([index[w] for w in words])
            labels.append(int(stressed_polarity != swap))

    tokens = np.zeros((n, length), dtype=np.int32)
    for i, row in enumerate(rows):
        tokens[i, length - len(row) :] = row
    order = rng.permutation(n // 2)
    order = np.stack([2 * order, 2 * order + 1], axis=1).reshape(-1)
    return tokens[order], np.asarray(labels, dtype=np.int32)[order], vocab
