"""Model-agnostic decoding: greedy search, beam search and exhaustive search.

A model exposes a *step function*

    step_fn(prev_tokens, state) -> (log_probs, new_state)

where ``prev_tokens`` is an int32 array ``(N,)`` (the token emitted at the previous step,
``start_id`` at the first step), ``state`` is any nest (tuple, list, dict) of NumPy arrays or
tensors whose leading dimension is ``N`` (an RNN state plus encoder outputs, or the prefix
of tokens for a Transformer), and ``log_probs`` ``(N, V)`` are log-softmax scores of the next
token. The searches below only call the step function and reorder the state rows, so they
work for any model: an RNN decoder (chapter 7), one with attention (chapter 8), a Transformer
(chapter 9) or a captioning model (chapter 10).

The probability of an output ``y<1>..y<L>`` (``y<L>`` the end token) is

    log P(y | x) = sum_t log P(y<t> | y<1..t-1>, x)

Greedy search takes the arg max at every step. Beam search keeps the ``K`` best prefixes
(hypotheses) for each example; finished hypotheses (ending in the end token) stay in the beam
with their score frozen, and the search stops when every beam holds only finished ones or at
``max_length``. With a length penalty ``alpha`` hypotheses are ranked by
``log P / length**alpha`` (``alpha = 0``: plain log-probability, which favours short outputs).

Introduced in chapter 7.
"""

import dataclasses
import itertools

import numpy as np

from seqcourse.validation import check_int


@dataclasses.dataclass(frozen=True)
class DecodeResult:
    """Result of `greedy_decode`.

    Attributes:
        tokens: int32 ``(N, L)``: the emitted tokens, the end token included, then `pad_id`.
        log_probs: float64 ``(N,)``: sum of the log-probabilities of the emitted tokens.
        lengths: int ``(N,)``: number of emitted tokens (the end token included).
    """

    tokens: np.ndarray
    log_probs: np.ndarray
    lengths: np.ndarray


@dataclasses.dataclass(frozen=True)
class BeamResult:
    """Result of `beam_search`, hypotheses sorted best first.

    Attributes:
        tokens: int32 ``(N, K, L)``: the hypotheses, end token included, then `pad_id`.
        log_probs: float64 ``(N, K)``: log-probability of each hypothesis.
        scores: float64 ``(N, K)``: ``log_probs / lengths**length_penalty`` (the ranking).
        lengths: int ``(N, K)``: number of tokens, the end token included.
    """

    tokens: np.ndarray
    log_probs: np.ndarray
    scores: np.ndarray
    lengths: np.ndarray


def _map_state(fn, state):
    """Applies `fn` to every array leaf of a nest of arrays/tensors."""
    if isinstance(state, dict):
        return {k: _map_state(fn, v) for k, v in state.items()}
    if isinstance(state, tuple | list):
        return type(state)(_map_state(fn, v) for v in state)
    if state is None:
        return None
    return fn(state)


def gather_state(state, indices):
    """Selects rows `indices` (axis 0) of every array of a state nest.

    NumPy arrays are gathered with `np.take`, tensors with `tf.gather`, so a model's state
    stays on its device.

    Introduced in chapter 7.

    Args:
        state: A nest (tuple, list, dict) of arrays or tensors with a leading batch axis.
        indices: int array ``(M,)`` of rows to take.

    Returns:
        The same nest with leading dimension ``M``.

    Example:

    >>> gather_state({"h": np.arange(3)}, np.array([2, 2, 0]))["h"]
    array([2, 2, 0])
    """
    indices = np.asarray(indices)

    def take(x):
        if isinstance(x, np.ndarray):
            return np.take(x, indices, axis=0)
        import tensorflow as tf

        return tf.gather(x, indices, axis=0)

    return _map_state(take, state)


def repeat_state(state, repeats):
    """Repeats every row of every array of a state nest `repeats` times (row ``n`` becomes
    rows ``n*repeats .. n*repeats + repeats - 1``), to start a beam of width `repeats`.

    Introduced in chapter 7.

    Args:
        state: A nest of arrays or tensors with a leading batch axis ``N``.
        repeats: Positive integer ``K``.

    Returns:
        The nest with leading dimension ``N*K``.

    Example:

    >>> repeat_state((np.array([1, 2]),), 2)[0]
    array([1, 1, 2, 2])
    """
    repeats = check_int(repeats, "repeats", 1)

    def rep(x):
        if isinstance(x, np.ndarray):
            return np.repeat(x, repeats, axis=0)
        import tensorflow as tf

        return tf.repeat(x, repeats, axis=0)

    return _map_state(rep, state)


def _check_ids(batch_size, start_id, end_id, max_length, pad_id):
    batch_size = check_int(batch_size, "batch_size", 1)
    start_id = check_int(start_id, "start_id", 0)
    end_id = check_int(end_id, "end_id", 0)
    max_length = check_int(max_length, "max_length", 1)
    pad_id = check_int(pad_id, "pad_id", 0)
    if end_id == start_id:
        raise ValueError(
            f"`end_id` and `start_id` must differ. Received: start_id={start_id}, end_id={end_id}"
        )
    return batch_size, start_id, end_id, max_length, pad_id


def _step(step_fn, prev, state, rows):
    log_probs, state = step_fn(prev.astype(np.int32), state)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != rows:
        raise ValueError(
            f"`step_fn` must return log_probs of shape ({rows}, vocab_size). "
            f"Received: log_probs.shape={log_probs.shape}"
        )
    return log_probs, state


def greedy_decode(step_fn, initial_state, *, batch_size, start_id, end_id, max_length, pad_id=0):
    """Greedy search: emits the most probable token at every step.

    Introduced in chapter 7.

    Args:
        step_fn: ``step_fn(prev_tokens (N,), state) -> (log_probs (N, V), new_state)``.
        initial_state: Nest of arrays/tensors with leading dimension ``N = batch_size``.
        batch_size: ``N``.
        start_id: Token fed at the first step.
        end_id: End-of-sequence token; a row stops after emitting it.
        max_length: Largest number of emitted tokens.
        pad_id: Written after the end token.

    Returns:
        A `DecodeResult`; ``tokens`` has ``L = lengths.max()`` columns.

    Example:

    >>> # tokens 0 = end, 1 = start, 2 = "a"; row = previous token
    >>> table = np.log(np.array([[1.0, 0.0, 0.0], [0.4, 0.0, 0.6], [0.7, 0.0, 0.3]]))
    >>> step = lambda prev, s: (table[prev], s)
    >>> r = greedy_decode(step, (), batch_size=1, start_id=1, end_id=0, max_length=5)
    >>> r.tokens.tolist(), r.lengths.tolist()
    ([[2, 0]], [2])
    """
    batch_size, start_id, end_id, max_length, pad_id = _check_ids(
        batch_size, start_id, end_id, max_length, pad_id
    )
    tokens = np.full((batch_size, max_length), pad_id, dtype=np.int32)
    log_prob = np.zeros(batch_size)
    lengths = np.zeros(batch_size, dtype=np.int64)
    finished = np.zeros(batch_size, dtype=bool)
    prev = np.full(batch_size, start_id, dtype=np.int32)
    state = initial_state
    rows = np.arange(batch_size)
    for t in range(max_length):
        lp, state = _step(step_fn, prev, state, batch_size)
        nxt = lp.argmax(axis=-1).astype(np.int32)
        active = ~finished
        tokens[active, t] = nxt[active]
        log_prob[active] += lp[rows, nxt][active]
        lengths[active] += 1
        finished |= active & (nxt == end_id)
        if finished.all():
            break
        prev = np.where(finished, end_id, nxt).astype(np.int32)
    length = max(int(lengths.max()), 1)
    return DecodeResult(tokens=tokens[:, :length], log_probs=log_prob, lengths=lengths)


def beam_search(
    step_fn,
    initial_state,
    *,
    batch_size,
    start_id,
    end_id,
    max_length,
    beam_width=4,
    length_penalty=0.0,
    pad_id=0,
):
    """Beam search, batched over ``N * beam_width`` rows of the step function.

    At every step each of the ``K`` hypotheses of an example is extended by every token;
    of the ``K * V`` candidates the ``K`` with the best score are kept, and the model state
    rows are reordered to follow their parents (`gather_state`). A finished hypothesis has a
    single continuation (padding, log-probability 0), so it stays in the beam with its score
    until ``K`` better ones push it out. ``beam_width=1`` is greedy search.

    Introduced in chapter 7.

    Args:
        step_fn: ``step_fn(prev_tokens (N*K,), state) -> (log_probs (N*K, V), new_state)``.
        initial_state: Nest with leading dimension ``N``; it is repeated ``K`` times.
        batch_size: ``N``.
        start_id: Token fed at the first step.
        end_id: End-of-sequence token.
        max_length: Largest number of tokens in a hypothesis.
        beam_width: ``K``.
        length_penalty: ``alpha >= 0``; hypotheses are ranked by ``log P / length**alpha``.
        pad_id: Written after the end token.

    Returns:
        A `BeamResult`, best hypothesis first; ``tokens`` has ``L = lengths.max()`` columns.
        Hypotheses that are impossible (fewer than ``K`` exist) have log-probability
        ``-inf``.

    Example:

    >>> table = np.log(np.array([[1.0, 0.0, 0.0], [0.4, 0.0, 0.6], [0.7, 0.0, 0.3]]))
    >>> step = lambda prev, s: (table[prev], s)
    >>> r = beam_search(step, (), batch_size=1, start_id=1, end_id=0, max_length=3,
    ...                 beam_width=2)
    >>> r.tokens[0].tolist()
    [[2, 0], [0, 0]]
    """
    batch_size, start_id, end_id, max_length, pad_id = _check_ids(
        batch_size, start_id, end_id, max_length, pad_id
    )
    k = check_int(beam_width, "beam_width", 1)
    alpha = float(length_penalty)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(
            "`length_penalty` must be a finite number >= 0. "
            f"Received: length_penalty={length_penalty!r}"
        )
    n = batch_size
    rows = n * k
    tokens = np.full((n, k, max_length), pad_id, dtype=np.int32)
    log_prob = np.full((n, k), -np.inf)
    log_prob[:, 0] = 0.0  # one live hypothesis (the empty prefix) per example
    lengths = np.zeros((n, k), dtype=np.int64)
    finished = np.zeros((n, k), dtype=bool)
    prev = np.full(rows, start_id, dtype=np.int32)
    state = repeat_state(initial_state, k)
    for t in range(max_length):
        lp, state = _step(step_fn, prev, state, rows)
        vocab = lp.shape[1]
        lp = lp.reshape(n, k, vocab)
        # A finished hypothesis continues only with padding, at no cost.
        lp = np.where(finished[..., None], -np.inf, lp)
        fin_n, fin_k = np.nonzero(finished)
        lp[fin_n, fin_k, pad_id] = 0.0
        cand_lp = log_prob[..., None] + lp  # (n, k, V)
        cand_len = np.where(finished, lengths, t + 1)[..., None]
        cand_len = np.broadcast_to(cand_len, cand_lp.shape)
        with np.errstate(invalid="ignore"):
            cand_score = cand_lp / cand_len.astype(np.float64) ** alpha
        flat = cand_score.reshape(n, k * vocab)
        # stable sort: on ties the earlier parent, then the smaller token id, wins
        best = np.argsort(-flat, axis=1, kind="stable")[:, :k]
        parent, token = np.divmod(best, vocab)
        ex = np.arange(n)[:, None]
        parent_finished = finished[ex, parent]
        log_prob = cand_lp[ex, parent, token]
        lengths = cand_len[ex, parent, token]
        tokens = tokens[ex, parent]
        tokens[:, :, t] = np.where(parent_finished, pad_id, token)
        finished = parent_finished | (token == end_id)
        finished |= ~np.isfinite(log_prob)  # impossible hypotheses never extend
        if finished.all():
            break
        state = gather_state(state, (ex * k + parent).reshape(-1))
        prev = np.where(finished, end_id, token).reshape(-1).astype(np.int32)
    with np.errstate(invalid="ignore"):
        scores = log_prob / np.maximum(lengths, 1).astype(np.float64) ** alpha
    order = np.argsort(-scores, axis=1, kind="stable")
    ex = np.arange(n)[:, None]
    tokens, log_prob = tokens[ex, order], log_prob[ex, order]
    scores, lengths = scores[ex, order], lengths[ex, order]
    length = max(int(lengths.max()), 1)
    return BeamResult(
        tokens=tokens[:, :, :length], log_probs=log_prob, scores=scores, lengths=lengths
    )


def sequence_log_probs(step_fn, initial_state, sequences, *, start_id, end_id, pad_id=0):
    """Log-probabilities of given output sequences under a step model (teacher forcing).

    Introduced in chapter 7.

    Args:
        step_fn: The step function.
        initial_state: Nest with leading dimension ``N``.
        sequences: int array ``(N, L)``; each row is scored up to and including its first
            `end_id` (the tokens after it are ignored), or over all ``L`` tokens if it has none.
        start_id: Token fed at the first step.
        end_id: End-of-sequence token.
        pad_id: Unused padding id (kept for symmetry with the searches).

    Returns:
        float64 ``(N,)``: ``sum_t log P(y<t> | y<1..t-1>)``.

    Example:

    >>> table = np.log(np.array([[1.0, 0.0, 0.0], [0.4, 0.0, 0.6], [0.7, 0.0, 0.3]]))
    >>> step = lambda prev, s: (table[prev], s)
    >>> np.exp(sequence_log_probs(step, (), np.array([[2, 0]]), start_id=1, end_id=0)).round(2)
    array([0.42])
    """
    sequences = np.asarray(sequences)
    if sequences.ndim != 2 or not np.issubdtype(sequences.dtype, np.integer):
        raise ValueError(
            "`sequences` must be a 2-D integer array (N, L). "
            f"Received: sequences.shape={sequences.shape}, dtype={sequences.dtype}"
        )
    start_id, end_id = check_int(start_id, "start_id", 0), check_int(end_id, "end_id", 0)
    n, length = sequences.shape
    total = np.zeros(n)
    done = np.zeros(n, dtype=bool)
    prev = np.full(n, start_id, dtype=np.int32)
    state = initial_state
    for t in range(length):
        lp, state = _step(step_fn, prev, state, n)
        tok = sequences[:, t]
        total += np.where(done, 0.0, lp[np.arange(n), tok])
        done |= tok == end_id
        prev = tok.astype(np.int32)
    return total


def exhaustive_search(
    step_fn, initial_state, *, vocab_size, start_id, end_id, max_length, length_penalty=0.0
):
    """The exact arg max over every output of at most `max_length` tokens, for ONE example.

    Enumerates all ``V + V^2 + ... + V^L`` prefixes: use it only on toy models, as the
    reference that beam search approximates. Outputs are the sequences ending with the first
    `end_id`, and the sequences of exactly `max_length` tokens without one (as in
    `beam_search`). Tokens `start_id` count as ordinary tokens.

    Introduced in chapter 7.

    Args:
        step_fn: The step function.
        initial_state: Nest with leading dimension 1.
        vocab_size: ``V``.
        start_id: Token fed at the first step.
        end_id: End-of-sequence token.
        max_length: ``L``.
        length_penalty: ``alpha``; outputs are ranked by ``log P / length**alpha``.

    Returns:
        ``(tokens, log_prob, score)``: the best output as a list of ids, its log-probability
        and its score.

    Example:

    >>> table = np.log(np.array([[1.0, 0.0, 0.0], [0.4, 0.0, 0.6], [0.7, 0.0, 0.3]]))
    >>> step = lambda prev, s: (table[prev], s)
    >>> exhaustive_search(step, (), vocab_size=3, start_id=1, end_id=0, max_length=3)[0]
    [2, 0]
    """
    vocab_size = check_int(vocab_size, "vocab_size", 1)
    max_length = check_int(max_length, "max_length", 1)
    if vocab_size**max_length > 200_000:
        raise ValueError(
            "`vocab_size ** max_length` must be at most 200000 for exhaustive search. "
            f"Received: vocab_size={vocab_size}, max_length={max_length}"
        )
    best = (None, -np.inf, -np.inf)
    for length in range(1, max_length + 1):
        for seq in itertools.product(range(vocab_size), repeat=length):
            if end_id in seq[:-1] or (length < max_length and seq[-1] != end_id):
                continue
            lp = sequence_log_probs(
                step_fn, initial_state, np.array([seq]), start_id=start_id, end_id=end_id
            )[0]
            score = lp / length ** float(length_penalty)
            if score > best[2]:
                best = (list(seq), float(lp), float(score))
    return best


def table_step_fn(table, tokens, *, default=None):
    """A step function that looks the next-token distribution up in a table of prefixes.

    For worked examples: ``table`` maps a prefix (a tuple of token strings, ``()`` for the
    first step) to the probabilities of the next token. The state is the prefix itself,
    an int array ``(N, t)``.

    Introduced in chapter 7.

    Args:
        table: Dict ``{prefix tuple: {token: probability}}``; missing tokens have
            probability 0, and the probabilities of a row must sum to 1.
        tokens: List of all token strings (id = position).
        default: ``{token: probability}`` for prefixes not in `table` (uniform over
            the tokens used in `table` if None).

    Returns:
        ``(step_fn, initial_state_fn)`` where ``initial_state_fn(n)`` returns the empty
        prefixes ``(n, 0)``.

    Example:

    >>> step, init = table_step_fn({(): {"a": 0.6, "</s>": 0.4}}, ["<s>", "</s>", "a"])
    >>> np.exp(step(np.array([0]), init(1))[0]).round(2)
    array([[0. , 0.4, 0.6]])
    """
    tokens = list(tokens)
    index = {tok: i for i, tok in enumerate(tokens)}
    if len(index) != len(tokens):
        raise ValueError(f"`tokens` must be distinct. Received: tokens={tokens!r}")
    if not isinstance(table, dict) or len(table) == 0:
        raise ValueError(f"`table` must be a non-empty dict. Received: table={table!r}")
    used = sorted({tok for row in table.values() for tok in row}, key=index.get)
    if default is None:
        default = {tok: 1.0 / len(used) for tok in used}

    def to_log_probs(row, where):
        unknown = [tok for tok in row if tok not in index]
        if unknown:
            raise ValueError(
                f"Unknown tokens {unknown} in table row {where!r}. Received: tokens={tokens!r}"
            )
        p = np.zeros(len(tokens))
        for tok, prob in row.items():
            p[index[tok]] = prob
        if abs(p.sum() - 1.0) > 1e-9 or (p < 0).any():
            raise ValueError(
                f"Table row {where!r} must be probabilities summing to 1. Received: {row!r}"
            )
        with np.errstate(divide="ignore"):
            return np.log(p)

    rows = {tuple(prefix): to_log_probs(row, prefix) for prefix, row in table.items()}
    default_row = to_log_probs(default, "default")

    def step_fn(prev_tokens, state):
        # The state is every token fed so far (start token first); the table is keyed by
        # the emitted prefix, i.e. the history without the start token.
        history = np.concatenate([np.asarray(state), np.asarray(prev_tokens)[:, None]], axis=1)
        log_probs = np.stack(
            [rows.get(tuple(tokens[i] for i in h[1:]), default_row) for h in history]
        )
        return log_probs, history.astype(np.int32)

    def initial_state(n):
        return np.zeros((check_int(n, "n", 1), 0), dtype=np.int32)

    return step_fn, initial_state
