"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` over whole sequences, and ``RNNCell``, ``LSTMCell``,
``GRUCell`` for one step, with PyTorch's arguments, parameter names, shapes, gate order and results.

Layer ``k`` (suffix ``_reverse`` for the backward direction) holds ``weight_ih_l{k}`` (gates * H, input),
``weight_hh_l{k}`` (gates * H, H), ``bias_ih_l{k}`` and ``bias_hh_l{k}`` (gates * H,), with gates = 1 (RNN),
4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n), all drawn from U(-1/sqrt(H), 1/sqrt(H)); so a PyTorch
``state_dict`` converted to numpy loads as it is. Each time step is one graph node (see
``tensorgrad/ops/recurrent.py`` for the equations, and for how the step's backward differentiates again).

Inputs are (L, N, H_in), (N, L, H_in) with ``batch_first=True``, or (L, H_in) unbatched; initial states
(num_layers * directions, N, H) or (num_layers * directions, H) unbatched, zeros when not given. ``RNN`` and
``GRU`` return ``(output, h_n)``, ``LSTM`` ``(output, (h_n, c_n))``; ``output`` is
(L, N, directions * H) (batch first when asked), ``h_n`` never is.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..device import check_device
from ..ops.recurrent import MODES, gru_cell, lstm_cell, recurrent_layers, rnn_relu_cell, rnn_tanh_cell
from ..ops.shape import squeeze, transpose, unsqueeze
from ..tensor import Tensor, get_default_dtype, operand, wrap
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence, packed_data, padded_sorted


class RNNBase(Module):
    """The layers' shared machinery: parameters, checks and the call of the fused steps.
    ``mode`` is PyTorch's: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU"."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = "LSTM" if mode == "LSTM" else "GRU" if mode == "GRU" else "RNN"
        check_device(device, name)
        _check_settings(name, input_size, hidden_size, num_layers, dropout, proj_size)
        if proj_size:
            raise NotImplementedError(
                f"{name}: proj_size={proj_size} (LSTM with projections) is not implemented in tensorgrad; "
                "use proj_size=0 (the default)"
            )
        self.mode, self.input_size, self.hidden_size = mode, int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), bool(batch_first)
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bool(bidirectional), 0
        dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
        gates, directions = MODES[mode] * self.hidden_size, 2 if bidirectional else 1
        self._all_weights: list[list[str]] = []
        for layer in range(self.num_layers):
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                inputs = self.input_size if layer == 0 else self.hidden_size * directions
                shapes = {"weight_ih": (gates, inputs), "weight_hh": (gates, self.hidden_size)}
                if self.bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                for kind, shape in shapes.items():
                    setattr(self, kind + suffix, Parameter(np.empty(shape, dtype)))
                self._all_weights.append([kind + suffix for kind in shapes])
        self._flat_weights_names = [name for names in self._all_weights for name in names]
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters per layer and direction: [[weight_ih, weight_hh, bias_ih, bias_hh], ...]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    @property
    def _flat_weights(self) -> list[Parameter]:
        return [getattr(self, name) for name in self._flat_weights_names]

    def flatten_parameters(self) -> None:
        """PyTorch compacts the weights for cuDNN here; tensorgrad has nothing to do (for ported code)."""

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        x = self._checked_input(input)
        batched = x.ndim == 3
        if not batched:
            x = unsqueeze(x, 1)
        elif self.batch_first:
            x = transpose(x, 0, 1)
        h0, c0 = self._checked_state(hx, x, batched)
        output, h_n, c_n = self._layers(x, h0, c0)
        if not batched:
            output, h_n = squeeze(output, 1), squeeze(h_n, 1)
            c_n = None if c_n is None else squeeze(c_n, 1)
        elif self.batch_first:
            output = transpose(output, 0, 1)
        return (output, (h_n, c_n)) if self.mode == "LSTM" else (output, h_n)

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple[PackedSequence, Any]:
        """A packed batch: each sequence runs for its own length (``nn.utils.rnn``); the initial and final
        states are in the batch's order, the output packed as the input (PyTorch's behaviour)."""
        data = operand(packed.data)
        if data.ndim != 2 or data.shape[1] != self.input_size:
            raise RuntimeError(
                f"{self!r}: a PackedSequence's data must be (sum of lengths, {self.input_size}), "
                f"got shape {data.shape}"
            )
        _check_dtype(self, data, self.weight_ih_l0)
        x, lengths = padded_sorted(packed)
        h0, c0 = self._checked_state(hx, x, True)
        # the states follow the batch's order, the layers run in the packed (longest first) one
        if packed.sorted_indices is not None:
            order = packed.sorted_indices.numpy()
            h0, c0 = (None if s is None else s[:, order] for s in (h0, c0))
        output, h_n, c_n = self._layers(x, h0, c0, lengths)
        if packed.unsorted_indices is not None:
            back = packed.unsorted_indices.numpy()
            h_n, c_n = (None if s is None else s[:, back] for s in (h_n, c_n))
        output = packed._replace(data=packed_data(output, packed.batch_sizes))
        return (output, (h_n, c_n)) if self.mode == "LSTM" else (output, h_n)

    def _layers(
        self, x: Tensor, h0: Tensor | None, c0: Tensor | None, lengths: np.ndarray | None = None
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        """``recurrent_layers`` with this module's weights and settings: (output, h_n, c_n)."""
        return recurrent_layers(
            self.mode,
            x,
            self.all_weights,
            h0,
            c0,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            training=self.training,
            lengths=lengths,
        )

    # ----------------------------------------------------------------- checks
    def _checked_input(self, input: Any) -> Tensor:
        x = operand(input)
        if x.ndim not in (2, 3):
            layout = "(N, L, H_in)" if self.batch_first else "(L, N, H_in)"
            raise ValueError(
                f"{self!r}: Expected input to be 2D or 3D, got {x.ndim}D instead: input of shape {x.shape}, "
                f"expected {layout} or an unbatched (L, H_in), with H_in = {self.input_size}"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{self!r}: input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{x.shape[-1]} (input of shape {x.shape})"
            )
        length = x.shape[1] if x.ndim == 3 and self.batch_first else x.shape[0]
        if length == 0:
            raise RuntimeError(
                f"{self!r}: Expected sequence length to be larger than 0 in RNN (input of shape {x.shape})"
            )
        _check_dtype(self, x, self.weight_ih_l0)
        return x

    def _checked_state(self, hx: Any, x: Tensor, batched: bool) -> tuple[Tensor | None, Tensor | None]:
        """(h0, c0) as (num_layers * directions, N, H) tensors (None when not given): checked, and with a
        batch dimension added for an unbatched input."""
        if hx is None:
            return None, None
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(
                    f"{self!r}: hx must be a tuple (h_0, c_0) of two tensors of shape "
                    f"{self._state_shape(x, batched)}, got {type(hx).__name__}"
                )
            states = [("h_0", operand(hx[0])), ("c_0", operand(hx[1]))]
        else:
            states = [("h_0", operand(hx))]
        expected = self._state_shape(x, batched)
        checked = []
        for name, state in states:
            if state.ndim != len(expected):
                kind = "batched 3-D" if batched else "unbatched 2-D"
                raise RuntimeError(
                    f"{self!r}: for {kind} input, {name} should also be {len(expected)}-D, of shape "
                    f"{expected} (num_layers * num_directions{', batch' if batched else ''}, hidden_size), "
                    f"got shape {state.shape}"
                )
            if state.shape != expected:
                raise RuntimeError(
                    f"{self!r}: Expected hidden size {expected} (num_layers * num_directions"
                    f"{', batch' if batched else ''}, hidden_size) for {name}, got {state.shape} (input "
                    f"of shape {x.shape if batched else (x.shape[0], x.shape[2])})"
                )
            _check_dtype(self, x, state, name)
            checked.append(state if batched else unsqueeze(state, 1))
        return checked[0], checked[1] if len(checked) == 2 else None

    def _state_shape(self, x: Tensor, batched: bool) -> tuple[int, ...]:
        layers = self.num_layers * (2 if self.bidirectional else 1)
        return (layers, x.shape[1], self.hidden_size) if batched else (layers, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout:g}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN, per layer and time step: h_t = act(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) with act =
    tanh or relu (``nonlinearity``); each layer after the first reads the previous one's output (both
    directions side by side), through dropout in training when ``dropout`` > 0. Returns (output, h_n).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(
            "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), per layer and time step:

        i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of the blocks of x_t W_ih^T + b_ih + h_(t-1) W_hh^T+b_hh
        c_t = f * c_(t-1) + i * g,    h_t = o * tanh(c_t)

    Returns (output, (h_n, c_n)). ``proj_size`` > 0 (projections) is not implemented.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device,
            dtype,
        )


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al., 2014), per layer and time step:

        r, z = sigmoid of the first 2 blocks of x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh
        n = tanh(x_t W_in^T + b_in + r * (h_(t-1) W_hn^T + b_hn)),    h_t = (1 - z) * n + z * h_(t-1)

    Returns (output, h_n).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )


# ---------------------------------------------------------------------------- cells
class RNNCellBase(Module):
    """One step of a recurrent layer: ``weight_ih`` (gates * H, input), ``weight_hh`` (gates * H, H),
    ``bias_ih``, ``bias_hh`` (gates * H,) or None, all from U(-1/sqrt(H), 1/sqrt(H))."""

    gates = 1

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        _check_settings(type(self).__name__, input_size, hidden_size, 1, 0.0, 0)
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bool(bias)
        dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
        rows = self.gates * self.hidden_size
        self.weight_ih = Parameter(np.empty((rows, self.input_size), dtype))
        self.weight_hh = Parameter(np.empty((rows, self.hidden_size), dtype))
        if self.bias:
            self.bias_ih = Parameter(np.empty(rows, dtype))
            self.bias_hh = Parameter(np.empty(rows, dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    def _checked(self, input: Any, states: Sequence[Any] | None, count: int) -> tuple[Tensor, list[Tensor]]:
        """The input as (N, H_in) and the states as (N, H) each (zeros when None), checked."""
        x = operand(input)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"{self!r}: Expected input to be 1D or 2D, got {x.ndim}D instead: input of shape {x.shape}, "
                f"expected (N, {self.input_size}) or an unbatched ({self.input_size},)"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{self!r}: input has inconsistent input_size: got {x.shape[-1]} expected {self.input_size} "
                f"(input of shape {x.shape})"
            )
        _check_dtype(self, x, self.weight_ih)
        batched = x.ndim == 2
        expected = (x.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        if states is None:
            zeros = wrap(np.zeros(expected, self.weight_hh.dtype))
            checked = [zeros] * count
        else:
            checked = [operand(s) for s in states]
            for k, state in enumerate(checked):
                name = "hx" if count == 1 else f"hx[{k}]"
                if state.shape != expected:
                    raise RuntimeError(
                        f"{self!r}: {name} has shape {state.shape}, expected {expected} for an input of "
                        f"shape {x.shape}" + ("" if batched else " (unbatched: no batch dimension)")
                    )
                _check_dtype(self, x, state, name)
        if not batched:
            x, checked = unsqueeze(x, 0), [unsqueeze(s, 0) for s in checked]
        return x, checked

    def _weights(self) -> tuple[Any, ...]:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu. Input (N, H_in) or (H_in,), hx
    (N, H) or (H,) (zeros when None); returns h'."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        x, (h,) = self._checked(input, None if hx is None else [hx], 1)
        cell = rnn_tanh_cell if self.nonlinearity == "tanh" else rnn_relu_cell
        out = cell(x, h, *self._weights())
        return out if operand(input).ndim == 2 else squeeze(out, 0)


class LSTMCell(RNNCellBase):
    """One LSTM step: i, f, g, o from x W_ih^T + b_ih + h W_hh^T + b_hh, c' = f * c + i * g,
    h' = o * tanh(c'). Input (N, H_in) or (H_in,), hx = (h, c) or None (zeros); returns (h', c')."""

    gates = 4

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{self!r}: hx must be a tuple (h, c) of two tensors, got {type(hx).__name__}")
        x, states = self._checked(input, hx, 2)
        h, c = lstm_cell(x, states, *self._weights())
        return (h, c) if operand(input).ndim == 2 else (squeeze(h, 0), squeeze(c, 0))


class GRUCell(RNNCellBase):
    """One GRU step: r, z from x W_ih^T + b_ih + h W_hh^T + b_hh, n = tanh(x W_in^T + b_in + r * (h W_hn^T +
    b_hn)), h' = (1 - z) * n + z * h. Input (N, H_in) or (H_in,), hx (N, H), (H,) or None; returns h'."""

    gates = 3

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        x, (h,) = self._checked(input, None if hx is None else [hx], 1)
        out = gru_cell(x, h, *self._weights())
        return out if operand(input).ndim == 2 else squeeze(out, 0)


# ---------------------------------------------------------------------------- helpers
def _check_settings(
    name: str, input_size: Any, hidden_size: Any, num_layers: Any, dropout: Any, proj_size: Any
) -> None:
    """PyTorch's checks of a recurrent layer's settings, with its messages."""
    for what, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name}: {what} should be of type int, got: {type(value).__name__}")
    if hidden_size <= 0:
        raise ValueError(f"{name}: hidden_size must be greater than zero, got {hidden_size}")
    if num_layers <= 0:
        raise ValueError(f"{name}: num_layers must be greater than zero, got {num_layers}")
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1:
        raise ValueError(
            f"{name}: dropout should be a number in range [0, 1] representing the probability of an element "
            f"being zeroed, got {dropout!r}"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
            f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
            stacklevel=4,
        )
    if not isinstance(proj_size, numbers.Integral) or proj_size < 0:
        raise ValueError(f"{name}: proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError(f"{name}: proj_size has to be smaller than hidden_size")


def _check_dtype(layer: Module, x: Tensor, other: Tensor, name: str = "weight") -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{layer!r}: input must be floating point, got dtype {x.dtype} (shape {x.shape})")
    if other.dtype != x.dtype:
        raise ValueError(
            f"{layer!r}: input dtype ({x.dtype}) does not match {name} dtype ({other.dtype}). Convert the "
            f"input: input.to({other.dtype}), or the model: model.to({x.dtype})"
        )
