"""Gated recurrent cells written the way Keras writes its own: an LSTM cell with peephole and
coupled-gate variants, and a GRU cell.

Both are cells, not layers: wrap them in `keras.layers.RNN` (and, if wanted, in
`keras.layers.Bidirectional`). They store their weights exactly as `keras.layers.LSTM` and
`keras.layers.GRU` do (``kernel``, ``recurrent_kernel``, ``bias``), so that
``cell.set_weights(keras_layer.get_weights())`` copies a built-in layer's weights into them.
The NumPy references with the same equations are `seqcourse.lstm` and `seqcourse.gru`.

Introduced in chapter 5 (`LSTMCell`) and chapter 6 (`GRUCell`).
"""

import keras
from keras import ops

from seqcourse.validation import check_int

LSTM_VARIANTS = ("standard", "peephole", "coupled")


@keras.saving.register_keras_serializable(package="seqcourse")
class LSTMCell(keras.layers.Layer):
    """Cell of the LSTM, with three variants: standard, peephole and coupled gates.

    - ``"standard"``: the equations of `keras.layers.LSTMCell` (gate order i, f, c, o).
    - ``"peephole"`` (Gers & Schmidhuber 2000): the input and forget gates also see
      ``C<t-1>`` and the output gate sees ``C<t>``, through diagonal weights ``peephole_i``,
      ``peephole_f``, ``peephole_o`` of shape ``(units,)`` (zeros at initialization, so the
      cell starts as the standard LSTM).
    - ``"coupled"``: one update gate ``G_u`` forgets and writes,
      ``C<t> = G_u * C<t-1> + (1 - G_u) * C~<t>``; 3 gate blocks in the order f, c, o.

    Introduced in chapter 5.

    Args:
        units: Positive integer, the size ``n_h`` of the hidden and cell states.
        variant: ``"standard"``, ``"peephole"`` or ``"coupled"``.
        activation: Activation of the candidate and of the cell state before the output gate.
            Default: ``"tanh"``.
        recurrent_activation: Activation of the gates. Default: ``"sigmoid"``.
        use_bias: Whether the cell has a bias vector. Default: True.
        kernel_initializer: Initializer of ``kernel`` ``(n_x, blocks * units)``.
        recurrent_initializer: Initializer of ``recurrent_kernel`` ``(units, blocks * units)``.
        bias_initializer: Initializer of ``bias`` ``(blocks * units,)``.
        unit_forget_bias: If True, add 1 to the forget-gate bias at initialization (as Keras;
            for ``"coupled"`` to the update gate, which plays the forget gate's role).
        peephole_initializer: Initializer of the peephole weights. Default: ``"zeros"``.
        **kwargs: Base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: A tensor ``(batch, n_x)``.
        states: A list ``[h, c]`` of two tensors ``(batch, units)``.
        training: Unused (no dropout); accepted for compatibility with `keras.layers.RNN`.

    Returns:
        ``(h, [h, c])``: the output ``(batch, units)`` and the new states.

    Example:

    >>> import numpy as np
    >>> rnn = keras.layers.RNN(LSTMCell(4, variant="peephole"), return_sequences=True)
    >>> tuple(rnn(np.zeros((2, 5, 3), dtype="float32")).shape)
    (2, 5, 4)
    """

    def __init__(
        self,
        units,
        variant="standard",
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        peephole_initializer="zeros",
        **kwargs,
    ):
        units = check_int(units, "units", 1)
        if variant not in LSTM_VARIANTS:
            raise ValueError(
                f"`variant` must be one of {list(LSTM_VARIANTS)}. Received: variant={variant!r}"
            )
        super().__init__(**kwargs)
        self.units = units
        self.variant = variant
        self.blocks = 3 if variant == "coupled" else 4
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        n_x = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(n_x, self.blocks * self.units),
            name="kernel",
            initializer=self.kernel_initializer,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.blocks * self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
        )
        if self.use_bias:
            bias_initializer = self.bias_initializer
            if self.unit_forget_bias:
                # Block of the forget gate: 1 (i, f, c, o) or 0 (coupled: f, c, o).
                forget = 0 if self.variant == "coupled" else 1

                def bias_initializer(_, *args, **kwargs):
                    n = self.units
                    return ops.concatenate(
                        [
                            self.bias_initializer((forget * n,), *args, **kwargs),
                            keras.initializers.get("ones")((n,), *args, **kwargs),
                            self.bias_initializer(
                                ((self.blocks - forget - 1) * n,), *args, **kwargs
                            ),
                        ]
                    )

            self.bias = self.add_weight(
                shape=(self.blocks * self.units,), name="bias", initializer=bias_initializer
            )
        else:
            self.bias = None
        if self.variant == "peephole":
            for key in ("peephole_i", "peephole_f", "peephole_o"):
                weight = self.add_weight(
                    shape=(self.units,), name=key, initializer=self.peephole_initializer
                )
                setattr(self, key, weight)
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]  # (batch, units) each
        # All gates with one matrix product each for the input and the state, as Keras does.
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        if self.variant == "coupled":
            z_u, z_c, z_o = ops.split(z, 3, axis=-1)
            u = self.recurrent_activation(z_u)
            c = u * c_tm1 + (1.0 - u) * self.activation(z_c)
        else:
            z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
            if self.variant == "peephole":
                z_i = z_i + self.peephole_i * c_tm1
                z_f = z_f + self.peephole_f * c_tm1
            i = self.recurrent_activation(z_i)
            f = self.recurrent_activation(z_f)
            c = f * c_tm1 + i * self.activation(z_c)
            if self.variant == "peephole":
                z_o = z_o + self.peephole_o * c
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]

    def get_config(self):
        config = {
            "units": self.units,
            "variant": self.variant,
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "peephole_initializer": keras.initializers.serialize(self.peephole_initializer),
        }
        base_config = super().get_config()
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="seqcourse")
class GRUCell(keras.layers.Layer):
    """Cell of the GRU, with the equations and weight layout of `keras.layers.GRUCell`.

    ``h<t> = z * h<t-1> + (1 - z) * h~<t>`` with update gate ``z``, reset gate ``r`` and
    candidate ``h~``; gate order z, r, h~ in ``kernel`` ``(n_x, 3 units)`` and
    ``recurrent_kernel`` ``(units, 3 units)``. With ``reset_after=False`` (Cho et al. 2014)
    the reset gate multiplies ``h<t-1>`` before the recurrent product and ``bias`` is
    ``(3 units,)``; with ``reset_after=True`` (Keras's default, the cuDNN form) it multiplies
    the product, which has its own bias: ``bias`` is ``(2, 3 units)`` (input, recurrent).

    Introduced in chapter 6.

    Args:
        units: Positive integer, the size ``n_h`` of the hidden state.
        reset_after: Where the reset gate is applied (see above). Default: True.
        activation: Activation of the candidate. Default: ``"tanh"``.
        recurrent_activation: Activation of the gates. Default: ``"sigmoid"``.
        use_bias: Whether the cell has biases. Default: True.
        kernel_initializer: Initializer of ``kernel``.
        recurrent_initializer: Initializer of ``recurrent_kernel``.
        bias_initializer: Initializer of ``bias``.
        **kwargs: Base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: A tensor ``(batch, n_x)``.
        states: The state ``(batch, units)``, or a list holding it.
        training: Unused (no dropout); accepted for compatibility with `keras.layers.RNN`.

    Returns:
        ``(h, new_state)``: the output ``(batch, units)`` and the new state (a list if
        ``states`` was one).

    Example:

    >>> import numpy as np
    >>> rnn = keras.layers.RNN(GRUCell(4), return_sequences=True)
    >>> tuple(rnn(np.zeros((2, 5, 3), dtype="float32")).shape)
    (2, 5, 4)
    """

    def __init__(
        self,
        units,
        reset_after=True,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        units = check_int(units, "units", 1)
        if not isinstance(reset_after, bool):
            raise ValueError(f"`reset_after` must be a bool. Received: reset_after={reset_after!r}")
        super().__init__(**kwargs)
        self.units = units
        self.reset_after = reset_after
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        n_x = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(n_x, 3 * self.units), name="kernel", initializer=self.kernel_initializer
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, 3 * self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
        )
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(shape=shape, name="bias", initializer=self.bias_initializer)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        nested = isinstance(states, list | tuple)
        h_tm1 = states[0] if nested else states  # (batch, units)
        if self.use_bias and self.reset_after:
            input_bias, recurrent_bias = ops.unstack(self.bias, 2, axis=0)
        elif self.use_bias:
            input_bias, recurrent_bias = self.bias, None
        # The input projected by all three blocks at once: (batch, 3 units).
        x_proj = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            x_proj = x_proj + input_bias
        x_z, x_r, x_h = ops.split(x_proj, 3, axis=-1)
        if self.reset_after:
            h_proj = ops.matmul(h_tm1, self.recurrent_kernel)  # all three blocks at once
            if self.use_bias:
                h_proj = h_proj + recurrent_bias
            h_z, h_r, h_h = ops.split(h_proj, 3, axis=-1)
        else:
            h_z, h_r = ops.split(
                ops.matmul(h_tm1, self.recurrent_kernel[:, : 2 * self.units]), 2, axis=-1
            )
        z = self.recurrent_activation(x_z + h_z)
        r = self.recurrent_activation(x_r + h_r)
        if self.reset_after:
            recurrent_h = r * h_h  # reset applied after the product
        else:
            recurrent_h = ops.matmul(r * h_tm1, self.recurrent_kernel[:, 2 * self.units :])
        candidate = self.activation(x_h + recurrent_h)
        h = z * h_tm1 + (1.0 - z) * candidate
        return h, ([h] if nested else h)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self):
        config = {
            "units": self.units,
            "reset_after": self.reset_after,
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
        base_config = super().get_config()
        return {**base_config, **config}
