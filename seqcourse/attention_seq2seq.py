"""An RNN encoder-decoder with attention (Luong et al. 2015's global attention).

The encoder reads the source ids and returns one annotation ``a<j>`` per source position
(a bidirectional GRU: forward and backward states stacked). The decoder GRU starts from a
state computed from the encoder's final states and, at every output step t,

    s<t> = GRU(s<t-1>, embedding(y<t-1>))                  decoder state
    c<t>, alpha<t,:> = attention(s<t>, a<1..T_x>, mask)    context and weights
    h~<t> = W_c [c<t>; s<t>] + b_c                          attentional state
    logits<t> = W_y h~<t> + b_y

Luong et al. put a tanh on h~<t>. Here h~<t> is linear (a bottleneck of `units` numbers
between [c<t>; s<t>] and the output layer): with the tanh, training on the word-level
German-English task stalled at the unigram loss in our runs, because the tanh (and with it
the decoder states) saturated in the first epoch.

Because the query is the *current* state s<t>, which does not depend on c<t>, the decoder GRU
runs over the whole target sequence at once during training and attention is applied to all
steps in one batched product: this is the arrangement of Luong et al. (2015). Bahdanau et al.
(2015) use s<t-1> as the query and feed c<t> into the GRU, which forces a step-by-step loop.
Any score of `seqcourse.attention` (additive, dot, general) plugs in.

The model follows the conventions of the book's sequence-to-sequence models: it is called on
``(encoder_input, decoder_input)`` and returns logits ``(batch, T_y, V)`` for teacher-forced
training, and ``decoding_start(encoder_input)`` returns the step function and initial state
that `seqcourse.decoding.greedy_decode` and `seqcourse.decoding.beam_search` expect.

Introduced in chapter 8.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from seqcourse.attention import SCORES, make_attention
from seqcourse.validation import check_int

PAD_ID = 0  # as in seqcourse.seq2seq_data


@keras.saving.register_keras_serializable(package="seqcourse")
class AttentionSeq2Seq(keras.Model):
    """GRU encoder-decoder with attention over the encoder's annotations.

    Introduced in chapter 8.

    Args:
        source_vocab_size: Number of source ids (padding id 0 included).
        target_vocab_size: Number of target ids ``V``.
        embedding_dim: Size of the token embeddings.
        units: Size ``n_h`` of the decoder state (and of each encoder direction).
        score: ``"additive"``, ``"dot"`` or ``"general"`` (see `seqcourse.attention`). The
            dot score needs annotations of the decoder's size, so it requires
            ``bidirectional=False``.
        attention_units: Hidden size of the additive score; default `units`.
        bidirectional: Whether the encoder is a bidirectional GRU (annotations of size
            ``2 units``) or a forward GRU (size ``units``).
        **kwargs: Base model arguments (``name``, ...).

    Call arguments:
        inputs: A pair ``(encoder_input, decoder_input)`` of int tensors ``(batch, T_x)`` and
            ``(batch, T_y)``; id 0 is padding (masked in the source).

    Returns:
        Logits ``(batch, T_y, target_vocab_size)``.

    Example:

    >>> import numpy as np
    >>> model = AttentionSeq2Seq(20, 30, embedding_dim=8, units=16)
    >>> logits = model((np.ones((2, 7), "int32"), np.ones((2, 5), "int32")))
    >>> tuple(logits.shape)
    (2, 5, 30)
    """

    def __init__(
        self,
        source_vocab_size,
        target_vocab_size,
        *,
        embedding_dim=64,
        units=128,
        score="additive",
        attention_units=None,
        bidirectional=True,
        **kwargs,
    ):
        source_vocab_size = check_int(source_vocab_size, "source_vocab_size", 2)
        target_vocab_size = check_int(target_vocab_size, "target_vocab_size", 2)
        embedding_dim = check_int(embedding_dim, "embedding_dim", 1)
        units = check_int(units, "units", 1)
        if score not in SCORES:
            raise ValueError(f"`score` must be one of {list(SCORES)}. Received: score={score!r}")
        if attention_units is not None:
            attention_units = check_int(attention_units, "attention_units", 1)
        if not isinstance(bidirectional, bool):
            raise ValueError(
                f"`bidirectional` must be a bool. Received: bidirectional={bidirectional!r}"
            )
        if score == "dot" and bidirectional:
            raise ValueError(
                "The dot score compares s<t> (size units) with a<j> (size 2 units for a "
                "bidirectional encoder); use bidirectional=False or another score. "
                f"Received: score={score!r}, bidirectional={bidirectional!r}"
            )
        super().__init__(**kwargs)
        self.source_vocab_size = source_vocab_size
        self.target_vocab_size = target_vocab_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.score = score
        self.attention_units = attention_units or units
        self.bidirectional = bidirectional

        self.source_embedding = keras.layers.Embedding(
            source_vocab_size, embedding_dim, name="source_embedding"
        )
        encoder_gru = keras.layers.GRU(
            units, return_sequences=True, return_state=True, name="encoder_gru"
        )
        self.encoder_rnn = (
            keras.layers.Bidirectional(encoder_gru, name="encoder")
            if bidirectional
            else encoder_gru
        )
        self.bridge = keras.layers.Dense(units, activation="tanh", name="bridge")
        self.target_embedding = keras.layers.Embedding(
            target_vocab_size, embedding_dim, name="target_embedding"
        )
        self.decoder_rnn = keras.layers.GRU(
            units, return_sequences=True, return_state=True, name="decoder_gru"
        )
        self.attention = make_attention(score, units=self.attention_units, name="attention")
        self.attentional = keras.layers.Dense(units, name="attentional")  # linear: see above
        self.output_layer = keras.layers.Dense(target_vocab_size, name="output")
        self._step = None

    def encode(self, encoder_input, training=False):
        """Runs the encoder: returns ``(annotations, mask, initial_state)``.

        Args:
            encoder_input: Int tensor ``(batch, T_x)``, padded with 0.
            training: Whether in training mode.

        Returns:
            Annotations ``(batch, T_x, d_a)``, the boolean source mask ``(batch, T_x)``, and
            the decoder's initial state ``(batch, units)``.
        """
        mask = ops.not_equal(encoder_input, PAD_ID)
        embedded = self.source_embedding(encoder_input)
        outputs = self.encoder_rnn(embedded, mask=mask, training=training)
        annotations, finals = outputs[0], outputs[1:]
        state = self.bridge(ops.concatenate(list(finals), axis=-1))
        return annotations, mask, state

    def decode(self, decoder_input, annotations, mask, state, training=False):
        """Teacher-forced decoder: returns ``(logits, weights, final_state)``.

        Args:
            decoder_input: Int tensor ``(batch, T_y)``: the start id, then target ids.
            annotations: ``(batch, T_x, d_a)`` from `encode`.
            mask: Boolean source mask ``(batch, T_x)``.
            state: Decoder state ``(batch, units)``.
            training: Whether in training mode.

        Returns:
            Logits ``(batch, T_y, V)``, attention weights ``(batch, T_y, T_x)`` and the last
            decoder state ``(batch, units)``.
        """
        embedded = self.target_embedding(decoder_input)
        states, final_state = self.decoder_rnn(embedded, initial_state=[state], training=training)
        context, weights = self.attention(states, annotations, mask=mask)
        attentional = self.attentional(ops.concatenate([context, states], axis=-1))
        return self.output_layer(attentional), weights, final_state

    def call(self, inputs, training=False):
        encoder_input, decoder_input = inputs
        annotations, mask, state = self.encode(encoder_input, training=training)
        logits, _, _ = self.decode(decoder_input, annotations, mask, state, training=training)
        return logits

    def attention_weights(self, encoder_input, decoder_input):
        """Attention weights of the teacher-forced decoder, as a NumPy array ``(N, T_y, T_x)``.

        Fed with the model's own output (start id, then the decoded tokens), this gives the
        weights the model used while decoding greedily.

        Args:
            encoder_input: Int array ``(N, T_x)``.
            decoder_input: Int array ``(N, T_y)``.

        Returns:
            Float array ``(N, T_y, T_x)``; rows sum to 1, padded source positions are 0.
        """
        annotations, mask, state = self.encode(ops.convert_to_tensor(encoder_input))
        _, weights, _ = self.decode(ops.convert_to_tensor(decoder_input), annotations, mask, state)
        return np.asarray(weights)

    def _step_fn(self, prev_tokens, state):
        s_prev, annotations, mask = state
        embedded = self.target_embedding(ops.expand_dims(prev_tokens, 1))  # (N, 1, emb)
        _, s = self.decoder_rnn(embedded, initial_state=[s_prev])  # (N, units)
        context, _ = self.attention(s, annotations, mask=mask)  # (N, d_a)
        logits = self.output_layer(self.attentional(ops.concatenate([context, s], axis=-1)))
        return ops.log_softmax(logits, axis=-1), (s, annotations, mask)

    def decoding_start(self, encoder_input):
        """The step function and initial state for greedy decoding and beam search.

        Args:
            encoder_input: Int array ``(N, T_x)``.

        Returns:
            ``(step_fn, initial_state)``: ``step_fn(prev_tokens, state)`` maps int32
            ``(N,)`` and the state to ``(log_probs (N, V), new_state)``; the state is the
            tuple ``(s (N, units), annotations (N, T_x, d_a), mask (N, T_x))``, every entry
            with leading dimension N, so that beam search can gather it by beam parents.
        """
        annotations, mask, state = self.encode(ops.convert_to_tensor(encoder_input))
        if self._step is None:
            self._step = tf.function(self._step_fn, reduce_retracing=True)
        step = self._step

        def step_fn(prev_tokens, state):
            log_probs, new_state = step(tf.cast(prev_tokens, "int32"), tuple(state))
            return log_probs, new_state

        return step_fn, (state, annotations, mask)

    def get_config(self):
        config = {
            "source_vocab_size": self.source_vocab_size,
            "target_vocab_size": self.target_vocab_size,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "score": self.score,
            "attention_units": self.attention_units,
            "bidirectional": self.bidirectional,
        }
        return {**super().get_config(), **config}
