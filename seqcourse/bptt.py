"""Backpropagation through time (BPTT) for the vanilla RNN, and truncated BPTT in TensorFlow.

The NumPy backward pass mirrors `seqcourse.rnn.rnn_forward` (chapter 2). With row vectors
(batch-first code), one step of the forward pass is

    a_t = h_{t-1} @ W_hh.T + x_t @ W_hx.T + b_h,    h_t = tanh(a_t),

and, given the total gradient ``dh_t = dL/dh_t`` (from the output at step t plus from step
t + 1), one step of the backward pass is

    da_t = dh_t * (1 - h_t**2)
    dW_hh += da_t.T @ h_{t-1}    dW_hx += da_t.T @ x_t    db_h += da_t.sum(0)
    dx_t = da_t @ W_hx           dh_{t-1} (from step t) = da_t @ W_hh.

`TruncatedBPTT` trains any Keras recurrent layer on chunks of a long sequence, carrying
the hidden state from chunk to chunk as a constant (`tf.stop_gradient`), so that no
gradient flows across a chunk boundary.

Introduced in chapter 3.
"""

import numpy as np

from seqcourse.rnn import check_params, rnn_forward, rnn_output, softmax
from seqcourse.validation import check_float_array


def rnn_cell_backward(dh_t, x_t, h_prev, h_t, params):
    """Backward pass of one step of the vanilla RNN.

    Introduced in chapter 3.

    Args:
        dh_t: Total gradient of the loss with respect to ``h_t``, shape ``(batch, n_h)``.
        x_t: Inputs of the step, shape ``(batch, n_x)``.
        h_prev: Hidden state before the step, ``h_{t-1}``, shape ``(batch, n_h)``.
        h_t: Hidden state the step computed, shape ``(batch, n_h)``.
        params: Parameter dict (``W_hh``, ``W_hx``, ``b_h`` are used).

    Returns:
        Dict of gradients of this step: ``"x_t"`` ``(batch, n_x)``, ``"h_prev"``
        ``(batch, n_h)``, ``"W_hh"`` ``(n_h, n_h)``, ``"W_hx"`` ``(n_h, n_x)``, ``"b_h"``
        ``(n_h,)``.

    Example:

    >>> from seqcourse.rnn import init_rnn_params, rnn_cell_forward
    >>> p = init_rnn_params(3, 4)
    >>> x_t, h_prev = np.ones((2, 3)), np.zeros((2, 4))
    >>> h_t = rnn_cell_forward(x_t, h_prev, p)
    >>> g = rnn_cell_backward(np.ones((2, 4)), x_t, h_prev, h_t, p)
    >>> g["W_hh"].shape, g["x_t"].shape
    ((4, 4), (2, 3))
    """
    n_x, n_h, _ = check_params(params)
    dh_t = check_float_array(dh_t, "dh_t", 2)
    x_t = check_float_array(x_t, "x_t", 2)
    h_prev = check_float_array(h_prev, "h_prev", 2)
    h_t = check_float_array(h_t, "h_t", 2)
    batch = x_t.shape[0]
    if x_t.shape != (batch, n_x) or any(a.shape != (batch, n_h) for a in (dh_t, h_prev, h_t)):
        raise ValueError(
            f"Expected x_t (batch, {n_x}) and dh_t, h_prev, h_t (batch, {n_h}). "
            f"Received: dh_t.shape={dh_t.shape}, x_t.shape={x_t.shape}, "
            f"h_prev.shape={h_prev.shape}, h_t.shape={h_t.shape}"
        )
    da = dh_t * (1.0 - h_t**2)  # (batch, n_h): back through tanh
    return {
        "x_t": da @ params["W_hx"],
        "h_prev": da @ params["W_hh"],
        "W_hh": da.T @ h_prev,
        "W_hx": da.T @ x_t,
        "b_h": da.sum(axis=0),
    }


def rnn_backward(dhs, cache, dh_last=None):
    """Backpropagation through time for `seqcourse.rnn.rnn_forward`.

    Introduced in chapter 3.

    Args:
        dhs: Gradient of the loss with respect to each hidden state through the outputs,
            ``dL/dh<t>`` excluding the path through ``h<t+1>``, shape ``(batch, time, n_h)``.
        cache: The cache returned by `rnn_forward` (``x``, ``h0``, ``hs``, ``params``).
        dh_last: Optional extra gradient into the last state ``h<T>``, shape
            ``(batch, n_h)`` (for example from a many-to-one head, or from a later chunk).

    Returns:
        Dict of gradients: ``"W_hh"`` ``(n_h, n_h)``, ``"W_hx"`` ``(n_h, n_x)``, ``"b_h"``
        ``(n_h,)``, ``"x"`` ``(batch, time, n_x)`` and ``"h0"`` ``(batch, n_h)``.

    Example:

    >>> from seqcourse.rnn import init_rnn_params, rnn_forward
    >>> p = init_rnn_params(3, 4)
    >>> hs, cache = rnn_forward(np.ones((2, 5, 3)), np.zeros((2, 4)), p)
    >>> g = rnn_backward(np.ones_like(hs), cache)
    >>> g["x"].shape, g["h0"].shape
    ((2, 5, 3), (2, 4))
    """
    keys = ("x", "h0", "hs", "params")
    if not isinstance(cache, dict) or any(k not in cache for k in keys):
        got = sorted(cache) if isinstance(cache, dict) else type(cache).__name__
        raise ValueError(f"`cache` must be the dict returned by rnn_forward. Received: {got}")
    x, h0, hs, params = (cache[k] for k in keys)
    check_params(params)
    dhs = check_float_array(dhs, "dhs", 3)
    if dhs.shape != hs.shape:
        raise ValueError(
            f"`dhs` must have the shape of the hidden states {hs.shape}. "
            f"Received: dhs.shape={dhs.shape}"
        )
    batch, time, n_h = hs.shape
    if dh_last is None:
        dh_next = np.zeros((batch, n_h), dtype=dhs.dtype)
    else:
        dh_next = check_float_array(dh_last, "dh_last", 2)
        if dh_next.shape != (batch, n_h):
            raise ValueError(
                f"`dh_last` must have shape {(batch, n_h)}. Received: dh_last.shape={dh_next.shape}"
            )
    grads = {k: np.zeros_like(params[k]) for k in ("W_hh", "W_hx", "b_h")}
    dx = np.zeros_like(x, dtype=np.result_type(x, dhs))
    for t in reversed(range(time)):
        h_prev = hs[:, t - 1] if t > 0 else h0
        step = rnn_cell_backward(dhs[:, t] + dh_next, x[:, t], h_prev, hs[:, t], params)
        for k in grads:
            grads[k] += step[k]
        dx[:, t] = step["x_t"]
        dh_next = step["h_prev"]
    return {**grads, "x": dx, "h0": dh_next}


def rnn_loss_and_grads(x, h0, y, params):
    """Loss and all gradients of a vanilla RNN with a softmax classifier at every step.

    The loss is the cross-entropy summed over the time steps and averaged over the batch:
    ``L = (1/batch) sum_i sum_t -log yhat<t>[y<t>]`` with
    ``yhat<t> = softmax(W_yh h<t> + b_y)`` (the notation's loss, averaged over examples).

    Introduced in chapter 3.

    Args:
        x: Inputs, shape ``(batch, time, n_x)``.
        h0: Initial state, shape ``(batch, n_h)``.
        y: Integer class labels in ``[0, n_y)``, shape ``(batch, time)``.
        params: Parameter dict with the output layer (``W_yh``, ``b_y``).

    Returns:
        ``(loss, grads)``: a float and a dict with ``"W_hh"``, ``"W_hx"``, ``"b_h"``,
        ``"W_yh"``, ``"b_y"``, ``"x"`` and ``"h0"``, each of the shape of its variable.

    Example:

    >>> from seqcourse.rnn import init_rnn_params
    >>> p = init_rnn_params(3, 4, 2)
    >>> loss, g = rnn_loss_and_grads(np.ones((2, 5, 3)), np.zeros((2, 4)),
    ...                              np.zeros((2, 5), dtype=int), p)
    >>> sorted(g)
    ['W_hh', 'W_hx', 'W_yh', 'b_h', 'b_y', 'h0', 'x']
    """
    _, _, n_y = check_params(params, output=True)
    hs, cache = rnn_forward(x, h0, params)
    y = np.asarray(y)
    if (
        y.shape != hs.shape[:2]
        or not np.issubdtype(y.dtype, np.integer)
        or (y.size and (y.min() < 0 or y.max() >= n_y))
    ):
        raise ValueError(
            f"`y` must hold integer labels in [0, {n_y}) with shape {hs.shape[:2]}. "
            f"Received: y.shape={y.shape}, dtype={y.dtype}"
        )
    batch = hs.shape[0]
    probs = softmax(rnn_output(hs, params))  # (batch, time, n_y)
    picked = np.take_along_axis(probs, y[..., None], axis=-1)[..., 0]
    loss = float(-np.log(picked).sum() / batch)
    dlogits = probs.copy()
    np.put_along_axis(dlogits, y[..., None], np.take_along_axis(probs, y[..., None], -1) - 1, -1)
    dlogits /= batch  # (batch, time, n_y)
    grads = rnn_backward(dlogits @ params["W_yh"], cache)
    grads["W_yh"] = np.einsum("bty,bth->yh", dlogits, hs)
    grads["b_y"] = dlogits.sum(axis=(0, 1))
    return loss, grads


class TruncatedBPTT:
    """Truncated backpropagation through time for a Keras recurrent layer and a head.

    The sequence is cut into chunks of `chunk_length` steps. Each chunk runs forward from
    the state that the previous chunk ended in, taken as a constant (`tf.stop_gradient`):
    gradients flow back at most to the start of the chunk, and only one chunk's
    activations are kept for the backward pass at a time. With ``chunk_length=None`` (or at
    least the sequence length) this is full BPTT.

    The loss is the sparse categorical cross-entropy of ``head(rnn(x))`` at every step,
    weighted by optional per-step weights, summed over the time steps and averaged over the
    batch (the loss of `rnn_loss_and_grads`).

    Introduced in chapter 3.

    Args:
        rnn: A Keras recurrent layer (`keras.layers.SimpleRNN`, `GRU`, `LSTM`, or any
            `keras.layers.RNN`) built with ``return_sequences=True, return_state=True``.
        head: A Keras layer mapping ``(batch, time, units)`` to logits
            ``(batch, time, n_y)``, e.g. ``keras.layers.Dense(n_y)``.
        chunk_length: Positive integer, the truncation length k; None for full BPTT.
        optimizer: Optional Keras optimizer, needed by `train_step` only.

    Example:

    >>> import keras
    >>> rnn = keras.layers.SimpleRNN(8, return_sequences=True, return_state=True)
    >>> tbptt = TruncatedBPTT(rnn, keras.layers.Dense(3), chunk_length=5)
    >>> x = np.zeros((2, 12, 4), "float32"); y = np.zeros((2, 12), "int32")
    >>> loss, grads = tbptt.gradients(x, y)
    >>> len(grads) == len(tbptt.variables)
    True
    """

    def __init__(self, rnn, head, chunk_length=None, optimizer=None):
        import keras

        if not isinstance(rnn, keras.layers.RNN):
            raise ValueError(f"`rnn` must be a keras.layers.RNN layer. Received: rnn={rnn!r}")
        if not (rnn.return_sequences and rnn.return_state):
            raise ValueError(
                "`rnn` must be created with return_sequences=True and return_state=True. "
                f"Received: return_sequences={rnn.return_sequences}, "
                f"return_state={rnn.return_state}"
            )
        if not isinstance(head, keras.layers.Layer):
            raise ValueError(f"`head` must be a Keras layer. Received: head={head!r}")
        if chunk_length is not None and (
            isinstance(chunk_length, bool) or not isinstance(chunk_length, int) or chunk_length < 1
        ):
            raise ValueError(
                f"`chunk_length` must be a positive integer or None. "
                f"Received: chunk_length={chunk_length!r}"
            )
        self.rnn, self.head = rnn, head
        self.chunk_length = chunk_length
        self.optimizer = optimizer
        self._chunk_fn = None

    @property
    def variables(self):
        """The trainable variables, in the order of the gradients: rnn's, then head's."""
        return self.rnn.trainable_variables + self.head.trainable_variables

    def _check(self, x, y, weights):
        x = np.asarray(x)
        y = np.asarray(y)
        if x.ndim != 3 or not np.issubdtype(x.dtype, np.floating):
            raise ValueError(
                f"`x` must be a float array (batch, time, n_x). Received: x.shape={x.shape}, "
                f"dtype={x.dtype}"
            )
        if y.shape != x.shape[:2] or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"`y` must hold integer labels of shape {x.shape[:2]}. "
                f"Received: y.shape={y.shape}, dtype={y.dtype}"
            )
        if weights is None:
            weights = np.ones(y.shape, dtype=x.dtype)
        weights = np.asarray(weights, dtype=x.dtype)
        if weights.shape != y.shape:
            raise ValueError(
                f"`weights` must have shape {y.shape}. Received: weights.shape={weights.shape}"
            )
        return x, y.astype(np.int32), weights

    def _initial_states(self, batch, dtype):
        sizes = self.rnn.cell.state_size
        sizes = list(sizes) if isinstance(sizes, list | tuple) else [sizes]
        return [np.zeros((batch, int(s)), dtype=dtype) for s in sizes]

    def _build_chunk_fn(self, x, y, weights):
        import tensorflow as tf

        rnn, head = self.rnn, self.head
        if not (rnn.built and head.built):  # create the variables outside the tf.function
            seq, *_ = rnn(x[:, :1], initial_state=self._initial_states(x.shape[0], x.dtype))
            head(seq)

        @tf.function(reduce_retracing=True)
        def chunk_fn(x_c, y_c, w_c, states, apply):
            states = [tf.stop_gradient(s) for s in states]  # no gradient to earlier chunks
            with tf.GradientTape() as tape:
                seq, *new_states = rnn(x_c, initial_state=states)
                logits = head(seq)
                ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_c, logits=logits)
                loss = tf.reduce_sum(ce * w_c) / tf.cast(tf.shape(x_c)[0], ce.dtype)
            grads = tape.gradient(loss, self.variables)
            if apply:  # a Python bool: one trace with the update, one without
                self.optimizer.apply_gradients(zip(grads, self.variables, strict=True))
            return loss, grads, new_states

        self._chunk_fn = chunk_fn

    def _chunks(self, x, y, weights, states, apply=False):
        x, y, weights = self._check(x, y, weights)
        if self._chunk_fn is None:
            self._build_chunk_fn(x, y, weights)
        time = x.shape[1]
        k = time if self.chunk_length is None else self.chunk_length
        if states is None:
            states = self._initial_states(x.shape[0], x.dtype)
        for start in range(0, time, k):
            stop = min(start + k, time)
            loss, grads, states = self._chunk_fn(
                x[:, start:stop], y[:, start:stop], weights[:, start:stop], list(states), apply
            )
            yield loss, grads, states

    def gradients(self, x, y, weights=None, states=None):
        """Loss and truncated-BPTT gradients of a batch, summed over the chunks; no update.

        Args:
            x: Inputs, float array ``(batch, time, n_x)``.
            y: Integer labels ``(batch, time)``.
            weights: Optional per-step loss weights ``(batch, time)`` (0 skips a step).
            states: Optional initial states (list of ``(batch, size)`` arrays); zeros if None.

        Returns:
            ``(loss, grads)``: the loss as a float and a list of gradient arrays, one per
            entry of `variables`.
        """
        total, summed = 0.0, None
        for loss, grads, _ in self._chunks(x, y, weights, states):
            total += float(loss)
            grads = [np.asarray(g) for g in grads]
            summed = (
                grads if summed is None else [a + b for a, b in zip(summed, grads, strict=True)]
            )
        return total, summed

    def train_step(self, x, y, weights=None, states=None):
        """Truncated BPTT training on a batch: one optimizer update after every chunk.

        Args:
            x: Inputs, float array ``(batch, time, n_x)``.
            y: Integer labels ``(batch, time)``.
            weights: Optional per-step loss weights ``(batch, time)``.
            states: Optional initial states; zeros if None.

        Returns:
            ``(loss, states)``: the loss summed over the chunks (each computed before its
            update) and the final states, to continue on the next part of a long sequence.
        """
        if self.optimizer is None:
            raise ValueError("`train_step` needs an optimizer. Received: optimizer=None")
        if not self.optimizer.built:  # create its slots outside the tf.function
            if not (self.rnn.built and self.head.built):
                x, y, weights = self._check(x, y, weights)
                self._build_chunk_fn(x, y, weights)
            self.optimizer.build(self.variables)
        total = 0.0
        for loss, _, new_states in self._chunks(x, y, weights, states, apply=True):
            states = new_states
            total += float(loss)
        return total, [np.asarray(s) for s in states]
