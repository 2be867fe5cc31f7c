"""Encoder-decoder RNNs and the helpers every sequence-to-sequence chapter shares.

A sequence-to-sequence model reads a source ``x<1..T_x>`` with an *encoder* and writes a
target ``y<1..T_y>`` with a *decoder*, each with its own parameters. The models here follow
one interface, which chapters 8-10 reuse:

- ``model((encoder_input, decoder_input))`` returns logits ``(batch, T_y, V)`` for
  teacher-forced training (``decoder_input`` is ``"<s>"`` + the target, shifted right);
- ``model.decoding_start(encoder_input)`` returns ``(step_fn, initial_state)`` for the
  searches of `seqcourse.decoding` (greedy, beam).

The helpers (`masked_loss`, `masked_accuracy`, `fit_seq2seq`, `translate`, `exact_match`,
`evaluate_task`, `score_by_length`) only use that interface.

Two classic models:

- `ChoGRU` (Cho et al., 2014): a GRU encoder whose final state is the context ``c``; the
  decoder starts from ``h<0> = tanh(W_c c)`` and reads ``c`` at *every* step, next to the
  previous token, and its output layer sees ``h<t>``, the previous token and ``c``.
- `SutskeverLSTM` (Sutskever et al., 2014): stacked LSTMs; the final ``(h, c)`` of each
  encoder layer initialises the same layer of the decoder, which sees ``c`` only there.

Both can be trained with teacher forcing or, with ``scheduled_sampling=True``, with the
decoder fed its own previous prediction with probability ``model.sampling_probability``
(scheduled sampling, Bengio et al., 2015; 1 is free running).

Introduced in chapter 7.
"""

import time

import keras
import numpy as np
from keras import ops

from seqcourse.bleu import corpus_bleu
from seqcourse.decoding import beam_search, greedy_decode
from seqcourse.seq2seq_data import END_ID, PAD_ID, START_ID
from seqcourse.validation import check_int

# ---------------------------------------------------------------------------------------------
# Loss and metric on padded targets
# ---------------------------------------------------------------------------------------------


def masked_loss(y_true, logits):
    """Mean cross-entropy over the non-padding target tokens (``y_true != 0``).

    ``sum_{n,t} m<n,t> * (-log softmax(logits<n,t>)[y<n,t>]) / sum_{n,t} m<n,t>`` with the mask
    ``m = (y != PAD_ID)``: padding neither adds loss nor counts in the mean, so a batch of short
    sentences and a batch of long ones weigh each token alike.

    Introduced in chapter 7.

    Args:
        y_true: int ``(batch, T_y)`` target ids, padded with 0.
        logits: float ``(batch, T_y, V)``.

    Returns:
        A scalar tensor.

    Example:

    >>> float(masked_loss(np.array([[1, 0]]), np.zeros((1, 2, 4), "float32")))  # log 4
    1.3862943649291992
    """
    y_true = ops.cast(y_true, "int32")
    mask = ops.cast(ops.not_equal(y_true, PAD_ID), logits.dtype)
    ce = keras.losses.sparse_categorical_crossentropy(y_true, logits, from_logits=True)
    return ops.sum(ce * mask) / ops.maximum(ops.sum(mask), 1.0)


def masked_accuracy(y_true, logits):
    """Fraction of non-padding target tokens whose arg max logit is the target (teacher forced).

    Introduced in chapter 7.

    Args:
        y_true: int ``(batch, T_y)`` target ids, padded with 0.
        logits: float ``(batch, T_y, V)``.

    Returns:
        A scalar tensor in ``[0, 1]``.

    Example:

    >>> logits = np.array([[[0, 9, 0], [9, 0, 0]]], "float32")
    >>> float(masked_accuracy(np.array([[1, 2]]), logits))
    0.5
    """
    y_true = ops.cast(y_true, "int32")
    mask = ops.cast(ops.not_equal(y_true, PAD_ID), "float32")
    hit = ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), y_true), "float32")
    return ops.sum(hit * mask) / ops.maximum(ops.sum(mask), 1.0)


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


class SamplingSchedule(keras.callbacks.Callback):
    """Sets ``model.sampling_probability`` at the start of every epoch (scheduled sampling).

    Introduced in chapter 7.

    Args:
        schedule: ``schedule(epoch) -> probability`` in ``[0, 1]`` that the decoder is fed
            its own previous prediction instead of the true previous token.
    """

    def __init__(self, schedule):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"`schedule` must be callable. Received: schedule={schedule!r}")
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        p = float(self.schedule(epoch))
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"The schedule must return a probability. Received: {p} at {epoch}")
        self.model.sampling_probability.assign(p)


def fit_seq2seq(
    model,
    task,
    *,
    epochs,
    batch_size=64,
    learning_rate=1e-3,
    clipnorm=1.0,
    validation=True,
    callbacks=None,
    steps_per_execution=1,
    verbose=0,
):
    """Compiles `model` with Adam, `masked_loss` and `masked_accuracy`, and trains it on
    ``((encoder_input, decoder_input), decoder_target)`` of ``task.train``.

    Introduced in chapter 7.

    Args:
        model: A Keras model called on ``(encoder_input, decoder_input)`` returning logits.
        task: A `seqcourse.seq2seq_data.Seq2SeqTask`.
        epochs: Number of epochs.
        batch_size: Mini-batch size.
        learning_rate: Adam's learning rate.
        clipnorm: Gradient-norm clipping of Adam (None for none).
        validation: Whether to report the loss on ``task.validation`` after each epoch.
        callbacks: Keras callbacks (e.g. `SamplingSchedule`).
        steps_per_execution: Batches per compiled call.
        verbose: Keras's verbosity.

    Returns:
        ``(history, seconds)``: the ``History.history`` dict and the wall time of `fit`.
    """
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    if not hasattr(task, "train") or not hasattr(task.train, "encoder_input"):
        raise ValueError(f"`task` must be a Seq2SeqTask. Received: task={type(task).__name__}")
    if not (isinstance(learning_rate, float | int) and learning_rate > 0):
        raise ValueError(
            f"`learning_rate` must be a positive number. Received: learning_rate={learning_rate!r}"
        )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm),
        loss=masked_loss,
        metrics=[masked_accuracy],
        steps_per_execution=steps_per_execution,
        jit_compile=False,
    )
    train = task.train
    val = task.validation
    if not model.built:  # build the weights with one call, before Keras tries to guess shapes
        model((train.encoder_input[:1], train.decoder_input[:1]))
    start = time.perf_counter()
    history = model.fit(
        (train.encoder_input, train.decoder_input),
        train.decoder_target,
        validation_data=(
            ((val.encoder_input, val.decoder_input), val.decoder_target) if validation else None
        ),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
        verbose=verbose,
    )
    return history.history, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# Decoding and evaluation
# ---------------------------------------------------------------------------------------------


def decode_batches(
    model,
    inputs,
    target_vocab,
    *,
    max_length,
    method="greedy",
    beam_width=4,
    length_penalty=0.0,
    batch_size=500,
):
    """Decodes any encoder input in chunks with greedy or beam search and maps ids to tokens.

    The encoder input can be token ids (chapters 7-9) or images and feature grids
    (chapter 10): only its leading dimension ``N`` is used here.

    Introduced in chapter 7.

    Args:
        model: A model with ``decoding_start(inputs) -> (step_fn, initial_state)``.
        inputs: The encoder input, an array with leading dimension ``N``.
        target_vocab: The target `Vocabulary` (for ``decode``).
        max_length: Most output tokens (with ``"</s>"``).
        method: ``"greedy"`` or ``"beam"``.
        beam_width: Beam width for ``"beam"``.
        length_penalty: ``alpha`` of beam search (``log P / length**alpha``).
        batch_size: Inputs decoded at once.

    Returns:
        ``(tokens, log_probs)``: a list of ``N`` token lists (without ``"<s>"``/``"</s>"``)
        and float64 ``(N,)`` log-probabilities of the outputs (of the best hypothesis).

    Example:

    >>> tokens, log_probs = decode_batches(model, images, vocab, max_length=20)  # doctest: +SKIP
    """
    if method not in ("greedy", "beam"):
        raise ValueError(f"`method` must be 'greedy' or 'beam'. Received: method={method!r}")
    if not hasattr(model, "decoding_start"):
        raise ValueError(
            "`model` must have a decoding_start(encoder_input) method. "
            f"Received: model={type(model).__name__}"
        )
    if np.ndim(inputs) < 1:
        raise ValueError(
            f"`inputs` must have a leading batch dimension. Received: inputs={inputs!r}"
        )
    max_length = check_int(max_length, "max_length", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    tokens, log_probs = [], []
    for i in range(0, len(inputs), batch_size):
        chunk = inputs[i : i + batch_size]
        step_fn, state = model.decoding_start(chunk)
        kw = dict(batch_size=len(chunk), start_id=START_ID, end_id=END_ID, max_length=max_length)
        if method == "greedy":
            result = greedy_decode(step_fn, state, **kw)
            ids, lp = result.tokens, result.log_probs
        else:
            result = beam_search(
                step_fn, state, beam_width=beam_width, length_penalty=length_penalty, **kw
            )
            ids, lp = result.tokens[:, 0], result.log_probs[:, 0]
        tokens.extend(target_vocab.decode(ids))
        log_probs.append(lp)
    return tokens, np.concatenate(log_probs) if log_probs else np.zeros(0)


def translate(
    model,
    encoder_input,
    target_vocab,
    *,
    method="greedy",
    beam_width=4,
    max_length=None,
    length_penalty=0.0,
    batch_size=500,
):
    """Decodes a batch of sources with greedy or beam search and maps the ids to tokens.

    `decode_batches` for token-id sources, with a default ``max_length``.

    Introduced in chapter 7.

    Args:
        model: A model with ``decoding_start(encoder_input) -> (step_fn, initial_state)``.
        encoder_input: int ``(N, T_x)`` source ids.
        target_vocab: The target `Vocabulary` (for ``decode``).
        method: ``"greedy"`` or ``"beam"``.
        beam_width: Beam width for ``"beam"``.
        max_length: Most output tokens (with ``"</s>"``); default ``2 * T_x``.
        length_penalty: ``alpha`` of beam search (``log P / length**alpha``).
        batch_size: Sources decoded at once.

    Returns:
        ``(tokens, log_probs)``: a list of ``N`` token lists (without ``"<s>"``/``"</s>"``)
        and float64 ``(N,)`` log-probabilities of the outputs (of the best hypothesis).

    Example:

    >>> tokens, log_probs = translate(model, task.test.encoder_input, vocab)  # doctest: +SKIP
    """
    encoder_input = np.asarray(encoder_input)
    if encoder_input.ndim != 2 or not np.issubdtype(encoder_input.dtype, np.integer):
        raise ValueError(
            "`encoder_input` must be a 2-D integer array (N, T_x). "
            f"Received: encoder_input.shape={encoder_input.shape}, dtype={encoder_input.dtype}"
        )
    return decode_batches(
        model,
        encoder_input,
        target_vocab,
        max_length=2 * encoder_input.shape[1] if max_length is None else max_length,
        method=method,
        beam_width=beam_width,
        length_penalty=length_penalty,
        batch_size=batch_size,
    )


def exact_match(predicted_token_lists, reference_token_lists):
    """Fraction of predictions equal, token for token, to their reference.

    Introduced in chapter 7.

    Args:
        predicted_token_lists: List of N token lists.
        reference_token_lists: List of N token lists.

    Returns:
        A float in ``[0, 1]``.

    Example:

    >>> exact_match([["a", "b"], ["c"]], [["a", "b"], ["d"]])
    0.5
    """
    if len(predicted_token_lists) != len(reference_token_lists) or not predicted_token_lists:
        raise ValueError(
            "Predictions and references must be non-empty lists of equal length. Received: "
            f"{len(predicted_token_lists)} predictions, {len(reference_token_lists)} references"
        )
    same = [
        list(p) == list(r)
        for p, r in zip(predicted_token_lists, reference_token_lists, strict=True)
    ]
    return float(np.mean(same))


def evaluate_task(
    model,
    split,
    target_vocab,
    *,
    method="greedy",
    beam_width=4,
    length_penalty=0.0,
    max_length=None,
):
    """Decodes a split and scores it: exact match and corpus BLEU against the references.

    Introduced in chapter 7.

    Args:
        model: A model with ``decoding_start``.
        split: A `Seq2SeqSplit` (its ``encoder_input`` and ``target_tokens`` are used).
        target_vocab: The target `Vocabulary`.
        method: ``"greedy"`` or ``"beam"``.
        beam_width: Beam width for ``"beam"``.
        length_penalty: ``alpha`` of beam search.
        max_length: Most output tokens (default ``2 * T_x``).

    Returns:
        A dict with ``"exact_match"`` (float), ``"bleu"`` (corpus BLEU, 0-100),
        ``"predictions"`` (token lists), ``"references"`` and ``"log_probs"``.
    """
    predictions, log_probs = translate(
        model,
        split.encoder_input,
        target_vocab,
        method=method,
        beam_width=beam_width,
        length_penalty=length_penalty,
        max_length=max_length,
    )
    references = split.target_tokens
    return {
        "exact_match": exact_match(predictions, references),
        "bleu": corpus_bleu(predictions, [[r] for r in references]).score,
        "predictions": predictions,
        "references": references,
        "log_probs": log_probs,
    }


def score_by_length(predictions, references, source_lengths, *, edges, metric="exact_match"):
    """A metric per bucket of source length: does the model hold up on long sources?

    Introduced in chapter 7.

    Args:
        predictions: List of N token lists.
        references: List of N token lists.
        source_lengths: int ``(N,)`` source lengths (e.g. ``split.source_lengths``).
        edges: Increasing bucket edges ``[e_0, e_1, ..., e_B]``; bucket ``b`` holds
            ``e_b <= length < e_{b+1}`` and is labelled ``"e_b-(e_{b+1}-1)"``.
        metric: ``"exact_match"`` or ``"bleu"`` (corpus BLEU within the bucket).

    Returns:
        ``(scores, counts)``: dicts ``{label: value}`` and ``{label: number of examples}``,
        in bucket order; empty buckets are left out.

    Example:

    >>> score_by_length([["a"], ["b"], ["c"]], [["a"], ["x"], ["c"]], [1, 5, 6], edges=[0, 5, 10])
    ({'0-4': 1.0, '5-9': 0.5}, {'0-4': 1, '5-9': 2})
    """
    if metric not in ("exact_match", "bleu"):
        raise ValueError(f"`metric` must be 'exact_match' or 'bleu'. Received: metric={metric!r}")
    lengths = np.asarray(source_lengths)
    if not (len(predictions) == len(references) == len(lengths)):
        raise ValueError(
            "predictions, references and source_lengths must have equal lengths. Received: "
            f"{len(predictions)}, {len(references)}, {len(lengths)}"
        )
    edges = [int(e) for e in edges]
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ValueError(
            f"`edges` must be at least two increasing integers. Received: edges={edges}"
        )
    scores, counts = {}, {}
    for lo, hi in zip(edges, edges[1:], strict=False):
        idx = np.flatnonzero((lengths >= lo) & (lengths < hi))
        if len(idx) == 0:
            continue
        label = f"{lo}-{hi - 1}"
        preds = [predictions[i] for i in idx]
        refs = [references[i] for i in idx]
        if metric == "exact_match":
            scores[label] = exact_match(preds, refs)
        else:
            scores[label] = corpus_bleu(preds, [[r] for r in refs]).score
        counts[label] = len(idx)
    return scores, counts


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


class EncoderDecoder(keras.Model):
    """Base class of the RNN encoder-decoders: teacher forcing, scheduled sampling, decoding.

    Subclasses define ``encode(encoder_input) -> state`` (a tuple of tensors),
    ``decoder_step(prev_tokens, state) -> (logits, state)`` (one step) and
    ``decode_teacher_forced(decoder_input, state) -> logits`` (all steps at once, with the
    same weights as ``decoder_step``).

    Introduced in chapter 7.

    Args:
        scheduled_sampling: If true, training calls unroll the decoder step by step and feed,
            at every step after the first, the model's own arg max prediction of the previous
            step with probability ``sampling_probability`` (a non-trainable variable, set by
            `SamplingSchedule`) instead of the true previous token.
        seed: Seed of the sampling coin flips.
        **kwargs: Passed to `keras.Model`.
    """

    def __init__(self, *, scheduled_sampling=False, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.scheduled_sampling = bool(scheduled_sampling)
        self.seed = seed
        self.sampling_probability = keras.Variable(
            0.0, trainable=False, name="sampling_probability"
        )
        self._seed_generator = keras.random.SeedGenerator(seed)
        self._step_function = None
        self.sizes = {}

    def _build_vocabulary_layers(self, source_vocab_size, target_vocab_size, **sizes):
        """Checks the sizes and creates the layers every encoder-decoder has.

        Sets ``self.sizes`` (for `get_config`), ``source_embedding`` (masks padding),
        ``target_embedding`` and ``output_layer`` (logits over the target vocabulary).
        """
        self.sizes = _check_sizes(
            source_vocab_size=source_vocab_size, target_vocab_size=target_vocab_size, **sizes
        )
        embedding_dim = self.sizes["embedding_dim"]
        self.source_embedding = keras.layers.Embedding(
            source_vocab_size, embedding_dim, mask_zero=True, name="source_embedding"
        )
        self.target_embedding = keras.layers.Embedding(
            target_vocab_size, embedding_dim, name="target_embedding"
        )
        self.output_layer = keras.layers.Dense(target_vocab_size, name="output_layer")

    def call(self, inputs, training=False):
        encoder_input, decoder_input = inputs
        state = self.encode(encoder_input)
        if self.scheduled_sampling and training:
            return self._decode_sampled(decoder_input, state)
        return self.decode_teacher_forced(decoder_input, state)

    def _decode_sampled(self, decoder_input, state):
        decoder_input = ops.cast(decoder_input, "int32")
        steps = decoder_input.shape[1]
        batch = ops.shape(decoder_input)[0]
        outputs, prev = [], decoder_input[:, 0]
        predicted = prev
        for t in range(steps):
            if t > 0:
                coin = keras.random.uniform((batch,), seed=self._seed_generator)
                use_own = coin < ops.cast(self.sampling_probability, coin.dtype)
                prev = ops.where(use_own, predicted, decoder_input[:, t])
            logits, state = self.decoder_step(prev, state)
            predicted = ops.cast(ops.argmax(logits, axis=-1), "int32")
            outputs.append(logits)
        return ops.stack(outputs, axis=1)

    def decoding_start(self, encoder_input):
        """Encodes a batch of sources for `seqcourse.decoding`.

        Args:
            encoder_input: int ``(N, T_x)`` source ids.

        Returns:
            ``(step_fn, initial_state)``: ``step_fn(prev_tokens (M,), state)`` returns
            ``(log_probs (M, V), state)`` (a compiled `tf.function`); the state is a tuple of
            tensors with leading dimension N.
        """
        import tensorflow as tf

        if self._step_function is None:

            def step(prev_tokens, state):
                logits, state = self.decoder_step(prev_tokens, state)
                return tf.nn.log_softmax(logits, axis=-1), state

            self._step_function = tf.function(step, reduce_retracing=True)
        state = self.encode(ops.convert_to_tensor(np.asarray(encoder_input, dtype=np.int32)))
        return self._step_function, tuple(state)

    def get_config(self):
        return {
            **super().get_config(),
            "scheduled_sampling": self.scheduled_sampling,
            "seed": self.seed,
            **self.sizes,
        }


def _check_sizes(**sizes):
    return {name: check_int(value, name, 1) for name, value in sizes.items()}


@keras.saving.register_keras_serializable(package="seqcourse")
class ChoGRU(EncoderDecoder):
    """The RNN encoder-decoder of Cho et al. (2014), with GRUs.

    Encoder: ``c = h_enc<T_x>``, the last state of a GRU over the source embeddings (padding
    masked). Decoder: ``h<0> = tanh(W_c c + b_c)``, then
    ``h<t> = GRU(h<t-1>, [e(y<t-1>), c])`` and
    ``logits<t> = W_o [h<t>, e(y<t-1>), c] + b_o``: the context reaches every step.

    Introduced in chapter 7.

    Args:
        source_vocab_size: Source vocabulary size.
        target_vocab_size: Target vocabulary size ``V``.
        embedding_dim: Size of the token embeddings.
        units: GRU units ``n_h`` (encoder and decoder).
        **kwargs: `EncoderDecoder` arguments (``scheduled_sampling``, ``seed``) and Keras's.

    Call arguments:
        inputs: ``(encoder_input (batch, T_x), decoder_input (batch, T_y))`` int ids.

    Returns:
        Logits ``(batch, T_y, V)``.

    Example:

    >>> model = ChoGRU(10, 12, embedding_dim=4, units=8)
    >>> model((np.ones((2, 5), "int32"), np.ones((2, 3), "int32"))).shape
    TensorShape([2, 3, 12])
    """

    def __init__(
        self, source_vocab_size, target_vocab_size, *, embedding_dim=32, units=128, **kwargs
    ):
        super().__init__(**kwargs)
        self._build_vocabulary_layers(
            source_vocab_size, target_vocab_size, embedding_dim=embedding_dim, units=units
        )
        self.encoder = keras.layers.GRU(units, name="encoder")
        self.bridge = keras.layers.Dense(units, activation="tanh", name="bridge")
        self.decoder = keras.layers.GRU(units, return_sequences=True, name="decoder")

    def encode(self, encoder_input):
        encoder_input = ops.cast(encoder_input, "int32")
        mask = ops.not_equal(encoder_input, PAD_ID)
        context = self.encoder(self.source_embedding(encoder_input), mask=mask)
        return (self.bridge(context), context)

    def decode_teacher_forced(self, decoder_input, state):
        h0, context = state
        e = self.target_embedding(ops.cast(decoder_input, "int32"))  # (batch, T_y, E)
        c = ops.zeros_like(e[..., :1]) + context[:, None, :]  # (batch, T_y, units)
        hs = self.decoder(ops.concatenate([e, c], axis=-1), initial_state=[h0])
        return self.output_layer(ops.concatenate([hs, e, c], axis=-1))

    def decoder_step(self, prev_tokens, state):
        h, context = state
        e = self.target_embedding(ops.cast(prev_tokens, "int32"))  # (batch, E)
        h, _ = self.decoder.cell(ops.concatenate([e, context], axis=-1), [h])
        return self.output_layer(ops.concatenate([h, e, context], axis=-1)), (h, context)


@keras.saving.register_keras_serializable(package="seqcourse")
class SutskeverLSTM(EncoderDecoder):
    """The deep LSTM encoder-decoder of Sutskever et al. (2014).

    Encoder: ``num_layers`` stacked LSTMs over the source embeddings (padding masked).
    Decoder: ``num_layers`` stacked LSTMs whose layer ``l`` starts from the final
    ``(h, c)`` of encoder layer ``l``; ``logits<t> = W_o h_top<t> + b_o``. The context
    enters only through the initial state. Feed the source reversed
    (`Seq2SeqTask.reversed_source`) to reproduce the paper's trick.

    Introduced in chapter 7.

    Args:
        source_vocab_size: Source vocabulary size.
        target_vocab_size: Target vocabulary size ``V``.
        embedding_dim: Size of the token embeddings.
        units: LSTM units per layer.
        num_layers: Depth of the encoder and of the decoder.
        **kwargs: `EncoderDecoder` arguments (``scheduled_sampling``, ``seed``) and Keras's.

    Call arguments:
        inputs: ``(encoder_input (batch, T_x), decoder_input (batch, T_y))`` int ids.

    Returns:
        Logits ``(batch, T_y, V)``.

    Example:

    >>> model = SutskeverLSTM(10, 12, embedding_dim=4, units=8, num_layers=2)
    >>> model((np.ones((2, 5), "int32"), np.ones((2, 3), "int32"))).shape
    TensorShape([2, 3, 12])
    """

    def __init__(
        self,
        source_vocab_size,
        target_vocab_size,
        *,
        embedding_dim=32,
        units=128,
        num_layers=2,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._build_vocabulary_layers(
            source_vocab_size,
            target_vocab_size,
            embedding_dim=embedding_dim,
            units=units,
            num_layers=num_layers,
        )

        def lstm_stack(part):
            return [
                keras.layers.LSTM(
                    units, return_sequences=True, return_state=True, name=f"{part}_{i}"
                )
                for i in range(self.sizes["num_layers"])
            ]

        self.encoder_layers = lstm_stack("encoder")
        self.decoder_layers = lstm_stack("decoder")

    def encode(self, encoder_input):
        encoder_input = ops.cast(encoder_input, "int32")
        mask = ops.not_equal(encoder_input, PAD_ID)
        x, state = self.source_embedding(encoder_input), []
        for layer in self.encoder_layers:
            x, h, c = layer(x, mask=mask)
            state += [h, c]
        return tuple(state)

    def decode_teacher_forced(self, decoder_input, state):
        x = self.target_embedding(ops.cast(decoder_input, "int32"))
        for i, layer in enumerate(self.decoder_layers):
            x, _, _ = layer(x, initial_state=[state[2 * i], state[2 * i + 1]])
        return self.output_layer(x)

    def decoder_step(self, prev_tokens, state):
        x, new_state = self.target_embedding(ops.cast(prev_tokens, "int32")), []
        for i, layer in enumerate(self.decoder_layers):
            x, (h, c) = layer.cell(x, [state[2 * i], state[2 * i + 1]])
            new_state += [h, c]
        return self.output_layer(x), tuple(new_state)
