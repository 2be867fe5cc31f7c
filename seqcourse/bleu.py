"""BLEU (Papineni et al., 2002) on pre-tokenized text, from its definition.

For a corpus of hypotheses ``c_i`` and references ``r_i`` (one or more per sentence):

    p_n = sum_i sum_{g in n-grams(c_i)} min(count_{c_i}(g), max_r count_r(g))
          / sum_i |n-grams(c_i)|                         (modified n-gram precision)
    BP  = 1 if c > r else exp(1 - r / c)                 (brevity penalty)
    BLEU = BP * exp(mean_{n=1..N} log p_n)               (reported x 100)

where ``c`` is the total hypothesis length and ``r`` the sum over sentences of the reference
length closest to the hypothesis length (the shorter one on ties). The counts are summed over
the corpus *before* the ratio is taken: corpus BLEU is not the mean of sentence BLEUs.
The conventions are those of ``sacrebleu`` (Post, 2018), which the tests compare against with
``tokenize="none"``: without smoothing, a zero precision gives a score of 0; with ``smooth``
a zero count at order ``n`` is replaced by ``1 / (2^k * total_n)`` for the ``k``-th such order
("exp" smoothing, method 3 of Chen and Cherry, 2014).

Introduced in chapter 7.
"""

import collections
import dataclasses
import math

from seqcourse.validation import check_int


@dataclasses.dataclass(frozen=True)
class BleuScore:
    """A BLEU score and its parts.

    Attributes:
        score: BLEU in ``[0, 100]``.
        precisions: Modified n-gram precisions ``p_1..p_N`` in ``[0, 100]`` (smoothed when
            smoothing was asked for).
        bp: Brevity penalty in ``(0, 1]`` (0 for empty hypotheses).
        ratio: Hypothesis length over reference length, ``c / r``.
        hyp_len: Total hypothesis length ``c`` in tokens.
        ref_len: Effective reference length ``r`` in tokens.
        matches: Clipped n-gram matches per order.
        totals: Hypothesis n-gram counts per order.
    """

    score: float
    precisions: tuple
    bp: float
    ratio: float
    hyp_len: int
    ref_len: int
    matches: tuple
    totals: tuple

    def __str__(self):
        p = "/".join(f"{x:.1f}" for x in self.precisions)
        return (
            f"BLEU = {self.score:.2f} {p} (BP = {self.bp:.3f} ratio = {self.ratio:.3f} "
            f"hyp_len = {self.hyp_len} ref_len = {self.ref_len})"
        )


def _check_tokens(tokens, name):
    if isinstance(tokens, str) or not isinstance(tokens, list | tuple):
        raise ValueError(
            f"`{name}` must be a list of token strings (not a string). Received: {name}={tokens!r}"
        )
    if not all(isinstance(t, str) for t in tokens):
        raise ValueError(f"`{name}` must contain strings only. Received: {name}={tokens!r}")
    return list(tokens)


def _check_references(refs, name):
    if isinstance(refs, str) or not isinstance(refs, list | tuple) or len(refs) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty list of references, each a list of tokens. "
            f"Received: {name}={refs!r}"
        )
    return [_check_tokens(r, f"{name}[{i}]") for i, r in enumerate(refs)]


def ngram_counts(tokens, n):
    """Counts the n-grams of order `n` in a token list.

    Introduced in chapter 7.

    Args:
        tokens: List of token strings.
        n: The order, a positive integer.

    Returns:
        A `collections.Counter` mapping each n-gram (a tuple of `n` tokens) to its count.

    Example:

    >>> ngram_counts(["a", "b", "a", "b"], 2)
    Counter({('a', 'b'): 2, ('b', 'a'): 1})
    """
    tokens = _check_tokens(tokens, "tokens")
    n = check_int(n, "n", 1)
    return collections.Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def modified_precision(hyp_tokens, ref_token_lists, n):
    """Clipped n-gram matches of one hypothesis against its references.

    Each hypothesis n-gram counts at most as often as it occurs in any single reference
    ("the the the the" against "the cat" has unigram precision 1/4, not 4/4).

    Introduced in chapter 7.

    Args:
        hyp_tokens: Hypothesis, a list of token strings.
        ref_token_lists: References, a list of token lists.
        n: The n-gram order, a positive integer.

    Returns:
        ``(matches, total)``: clipped matches and the number of hypothesis n-grams (ints);
        the precision is ``matches / total``.

    Example:

    >>> modified_precision(["the"] * 4, [["the", "cat"]], 1)
    (1, 4)
    """
    hyp = ngram_counts(hyp_tokens, n)
    refs = _check_references(ref_token_lists, "ref_token_lists")
    max_ref = collections.Counter()
    for ref in refs:
        for gram, count in ngram_counts(ref, n).items():
            max_ref[gram] = max(max_ref[gram], count)
    matches = sum(min(count, max_ref[gram]) for gram, count in hyp.items())
    return matches, sum(hyp.values())


def closest_ref_length(hyp_len, ref_lengths):
    """The reference length closest to `hyp_len`; the shorter one on ties.

    Introduced in chapter 7.

    Args:
        hyp_len: Hypothesis length, an integer >= 0.
        ref_lengths: Non-empty list of reference lengths.

    Returns:
        One of `ref_lengths`.

    Example:

    >>> closest_ref_length(5, [4, 6, 9])
    4
    """
    hyp_len = check_int(hyp_len, "hyp_len", 0)
    if len(ref_lengths) == 0:
        raise ValueError(f"`ref_lengths` must not be empty. Received: ref_lengths={ref_lengths!r}")
    return min(ref_lengths, key=lambda r: (abs(r - hyp_len), r))


def brevity_penalty(c, r):
    """Brevity penalty ``1 if c > r else exp(1 - r / c)`` (0 when ``c == 0``).

    Introduced in chapter 7.

    Args:
        c: Total hypothesis length (integer >= 0).
        r: Effective total reference length (integer >= 0).

    Returns:
        A float in ``[0, 1]``.

    Example:

    >>> round(brevity_penalty(9, 10), 4)
    0.8948
    """
    c, r = check_int(c, "c", 0), check_int(r, "r", 0)
    if c >= r:
        return 1.0
    return math.exp(1 - r / c) if c > 0 else 0.0


def bleu_from_counts(matches, totals, hyp_len, ref_len, *, smooth=False):
    """BLEU from its sufficient statistics (summed over a corpus).

    Introduced in chapter 7.

    Args:
        matches: Clipped matches per order ``1..N`` (list of ints).
        totals: Hypothesis n-gram counts per order.
        hyp_len: Total hypothesis length ``c``.
        ref_len: Effective reference length ``r``.
        smooth: Whether to apply "exp" smoothing to zero counts.

    Returns:
        A `BleuScore`.
    """
    if len(matches) != len(totals) or len(matches) == 0:
        raise ValueError(
            "`matches` and `totals` must be non-empty and of equal length. "
            f"Received: matches={matches!r}, totals={totals!r}"
        )
    bp = brevity_penalty(hyp_len, ref_len)
    ratio = hyp_len / ref_len if ref_len > 0 else 0.0
    order = len(matches)
    precisions = [0.0] * order
    score = 0.0
    if any(matches):
        halvings = 1.0
        for n in range(order):
            if totals[n] == 0:
                break
            if matches[n] == 0:
                if smooth:
                    halvings *= 2
                    precisions[n] = 100.0 / (halvings * totals[n])
            else:
                precisions[n] = 100.0 * matches[n] / totals[n]
        if all(p > 0 for p in precisions):
            score = bp * math.exp(sum(math.log(p) for p in precisions) / order)
    return BleuScore(
        score=score,
        precisions=tuple(precisions),
        bp=bp,
        ratio=ratio,
        hyp_len=int(hyp_len),
        ref_len=int(ref_len),
        matches=tuple(int(m) for m in matches),
        totals=tuple(int(t) for t in totals),
    )


def corpus_bleu(hypotheses, references, *, max_order=4, smooth=False):
    """Corpus-level BLEU of tokenized hypotheses against one or more references each.

    Equal to ``sacrebleu.corpus_bleu([" ".join(h) ...], ..., tokenize="none",
    smooth_method="none")`` (or ``"exp"`` with ``smooth=True``) on the same tokens.

    Introduced in chapter 7.

    Args:
        hypotheses: List of N hypotheses, each a list of token strings.
        references: List of N reference lists, each a non-empty list of token lists
            (``[[ref_tokens]]`` per sentence for a single reference).
        max_order: Largest n-gram order N (4 for BLEU-4).
        smooth: Apply "exp" smoothing to zero n-gram counts.

    Returns:
        A `BleuScore` with ``score`` in ``[0, 100]``.

    Example:

    >>> hyp = [["the", "cat", "sat", "on", "the", "mat"]]
    >>> round(corpus_bleu(hyp, [[["the", "cat", "sat", "on", "the", "mat"]]]).score, 6)
    100.0
    """
    max_order = check_int(max_order, "max_order", 1)
    if isinstance(hypotheses, str) or not isinstance(hypotheses, list | tuple):
        raise ValueError(
            f"`hypotheses` must be a list of token lists. Received: hypotheses={hypotheses!r}"
        )
    if not isinstance(references, list | tuple) or len(references) != len(hypotheses):
        got = len(references) if isinstance(references, list | tuple) else references
        raise ValueError(
            "`references` must be a list with one entry (a list of references) per hypothesis "
            f"({len(hypotheses)}). Received: len(references)={got!r}"
        )
    if len(hypotheses) == 0:
        raise ValueError("`hypotheses` must not be empty. Received: hypotheses=[]")
    matches, totals = [0] * max_order, [0] * max_order
    hyp_len = ref_len = 0
    for i, (hyp, refs) in enumerate(zip(hypotheses, references, strict=True)):
        hyp = _check_tokens(hyp, f"hypotheses[{i}]")
        refs = _check_references(refs, f"references[{i}]")
        hyp_len += len(hyp)
        ref_len += closest_ref_length(len(hyp), [len(r) for r in refs])
        for n in range(1, max_order + 1):
            m, t = modified_precision(hyp, refs, n)
            matches[n - 1] += m
            totals[n - 1] += t
    return bleu_from_counts(matches, totals, hyp_len, ref_len, smooth=smooth)


def sentence_bleu(hypothesis, references, *, max_order=4, smooth=True):
    """BLEU of one sentence (smoothed by default: short sentences often miss 4-gram matches).

    Introduced in chapter 7.

    Args:
        hypothesis: A list of token strings.
        references: A non-empty list of references, each a list of token strings.
        max_order: Largest n-gram order.
        smooth: Apply "exp" smoothing (sacrebleu's default ``smooth_method="exp"``; unlike
            ``sacrebleu.sentence_bleu`` all `max_order` orders are kept, no "effective
            order").

    Returns:
        A `BleuScore`.

    Example:

    >>> hyp = "the cat sat on a mat".split()
    >>> round(sentence_bleu(hyp, ["the cat sat on the mat".split()]).score, 2)
    53.73
    """
    return corpus_bleu([hypothesis], [references], max_order=max_order, smooth=smooth)
