"""Recurrent cells (Elman RNN, LSTM, GRU) as fused nodes: one graph node per cell step, or per LSTM layer.

PyTorch's equations, gate order and layouts (weights (gates * hidden, input), biases (gates * hidden,)):

    RNN:   h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh),   act = tanh or relu
    LSTM:  i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of the 4 blocks of x W_ih^T + b_ih + h W_hh^T + b_hh
           c' = f * c + i * g,   h' = o * tanh(c')
    GRU:   r, z = sigmoid of the first two blocks of x W_ih^T + b_ih + h W_hh^T + b_hh
           n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),   h' = (1 - z) * n + z * h

Written with elementwise ops an LSTM step is about fifteen nodes; here it is one, so a sequence of length L
is a graph of about 2L to 3L nodes per layer and direction.

**The input projection** ``gx = x W_ih^T + b_ih`` does not depend on the state, so a layer computes it for
every time step in one matrix product (one ``Dense`` node) before the loop. Each step node then takes
``(gx_t, state, W_hh[, b_hh])``; the RNN and LSTM layers fold b_hh into the projection's bias (the GRU
cannot: b_hn sits inside r * (h W_hn^T + b_hn)). ``UnbindSteps`` hands out the slices gx_t (one node for
all of them: its backward stacks the steps' gradients, where L separate slices would each scatter into a
zero array of the whole sequence), and ``StackSteps`` stacks the outputs.

**The LSTM state** is one tensor ``hc = [h, c]`` of shape (N, 2H): a node has one output, so the cell step
returns both halves side by side and the next step takes them as they are.

**An LSTM layer is one node** (``LSTMLayer``, per layer and direction), as PyTorch's CPU LSTM: the same
step in a loop, and a backward through time that takes W_hh's gradient as one matrix product over all
steps. It is the common layer of character models, where a node per step cost a third of the time (W6);
cells (``nn.LSTMCell``) and the RNN and GRU layers keep a node per step.

**Backward in Tensor ops, and double backward.** Each step's backward is one formula in Tensor ops over the
gate activations, which come from one of two sources (``activations``): in an ordinary backward (grad mode
off) they are the arrays forward saved, wrapped as constants, so nothing is computed twice; under
``create_graph`` (grad mode on) they are computed again from the node's inputs with Tensor ops, so the
formula is a function of the inputs through them and differentiates again (``gradgradcheck`` passes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor, operand, wrap
from .elementwise import clone, sigmoid, tanh, where
from .linalg import linear
from .normalization import dropout as dropout_fn
from .shape import Index, cat, getitem, reshape


# ---------------------------------------------------------------------------- the step nodes
class RNNCellStep(Function):
    """h' = act(gx + h W_hh^T + b_hh), act = tanh or relu (``nonlinearity``), gx = x W_ih^T + b_ih.

    dz = g * (1 - h'^2) (tanh) or g * [z > 0] (relu);
    d/dgx = dz,   d/dh = dz W_hh,   d/dW_hh = dz^T h,   d/db_hh = sum of dz over the batch.
    """

    def forward(
        self,
        gx: np.ndarray,
        h: np.ndarray,
        w_hh: np.ndarray,
        b_hh: np.ndarray | None = None,
        *,
        nonlinearity: str,
    ) -> np.ndarray:
        z = _times_transposed(h, w_hh)
        z += gx
        if b_hh is not None:
            z += b_hh
        if nonlinearity == "tanh":
            self.saved = (np.tanh(z, out=z),)
        else:
            self.saved = (z > 0,)
            np.maximum(z, 0, out=z)
        return z

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        gx, h = self.inputs[0], self.inputs[1]
        if self.params["nonlinearity"] == "tanh":
            (out,) = self.activations()
            dz = grad * (1 - out * out)
        else:  # relu is piecewise linear: its mask is a constant in both sources
            dz = grad * self.saved[0]
        dh, dw, db = _through_w_hh(self, dz, h)
        return _grads(self, dz if gx.requires_grad else None, dh, dw, db)

    def activations(self) -> tuple[Tensor, ...]:
        """(h',) for tanh: forward's array, or computed again from the inputs under ``create_graph``."""
        if not grad_mode.enabled:
            return (wrap(self.saved[0]),)
        return (tanh(_pre_activation(self, self.inputs[1])),)


class LSTMCellStep(Function):
    """[h', c'] from gx and [h, c] (both (N, 2H), h first): i, f, g, o as in the module docstring.

    With dh', dc' the two halves of the incoming gradient and the slopes that forward keeps,
    S = [g i (1 - i),  c f (1 - f),  i (1 - g^2),  tanh(c') o (1 - o)] (N, 4H) and s_c = o (1 - tanh(c')^2):

        dc = dc' + dh' * s_c,   dz = [dc, dc, dc, dh'] * S
        d/dgx = dz,   d/d[h, c] = [dz W_hh,  dc * f],   d/dW_hh = dz^T h,   d/db_hh = sum of dz over rows.
    """

    def forward(
        self, gx: np.ndarray, hc: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray | None = None
    ) -> np.ndarray:
        n = w_hh.shape[1]
        gates = _times_transposed(hc[:, :n], w_hh)
        gates += gx
        if b_hh is not None:
            gates += b_hh
        out = np.empty(gates.shape[:1] + hc.shape[1:], gates.dtype)
        slopes = np.empty_like(gates)
        cell_slope, f = _lstm_step_(gates, hc[:, n:], out[:, :n], out[:, n:], slopes)
        self.saved = (slopes, cell_slope, f)
        return out

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        gx, hc, w_hh = self.inputs[:3]
        n = w_hh.shape[1]
        slopes, cell_slope, f = self.activations()
        dz, dc = _lstm_gate_gradients(grad[:, :n], grad[:, n:], slopes, cell_slope)
        dh_prev, dw, db = _through_w_hh(self, dz, hc[:, :n])
        dhc = cat([dh_prev, dc * f], 1) if dh_prev is not None else None
        return _grads(self, dz if gx.requires_grad else None, dhc, dw, db)

    def activations(self) -> tuple[Tensor, ...]:
        """S, s_c and f: forward's arrays, or computed again from the inputs (create_graph)."""
        if not grad_mode.enabled:
            return tuple(wrap(array) for array in self.saved)
        hc, n = self.inputs[1], self.inputs[2].shape[1]
        return _lstm_activations(_pre_activation(self, hc[:, :n]), hc[:, n:])[:3]


class LSTMLayer(Function):
    """Every step of one LSTM layer and direction, one node (PyTorch's CPU LSTM is one fused node too):
    [h_1 .. h_L, c_1 .. c_L] (2, L, N, H), from gx = x W_ih^T + b (L, N, 4H, both biases in it), the starting
    state [h_0, c_0] (N, 2H) and W_hh; ``reverse`` runs from the last step to the first.

    Forward is ``LSTMCellStep``'s step in a loop. Backward runs the step's gradient back through time,
    carrying dh and dc from each step to the one before (d[h, c] of ``LSTMCellStep``), and takes
    d/dW_hh = sum_t dz_t^T h_{t-1} as **one** product of all steps' dz against all steps' h_{t-1}: one big
    matrix product instead of L small ones, and no accumulation of L full-size weight gradients. The
    activations come from forward's arrays or, under ``create_graph``, from forward again in Tensor ops."""

    def forward(self, gx: np.ndarray, hc0: np.ndarray, w_hh: np.ndarray, *, reverse: bool) -> np.ndarray:
        (length, batch, _), n = gx.shape, w_hh.shape[1]
        out = np.empty((2, length, batch, n), gx.dtype)
        slopes = np.empty_like(gx)
        cell_slope, forget, h_prev = (np.empty((length, batch, n), gx.dtype) for _ in range(3))
        h, c = hc0[:, :n], hc0[:, n:]
        for t in _time_order(length, reverse):
            h_prev[t] = h
            gates = _times_transposed(h, w_hh)
            gates += gx[t]
            cell_slope[t], forget[t] = _lstm_step_(gates, c, out[0, t], out[1, t], slopes[t])
            h, c = out[0, t], out[1, t]
        self.saved = (slopes, cell_slope, forget, h_prev)
        return out

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        gx, hc0, w_hh = self.inputs
        (length, batch, _), n = gx.shape, w_hh.shape[1]
        slopes, cell_slope, forget, h_prev = self.activations()
        dz: list[Tensor] = [None] * length  # type: ignore[list-item]
        dh = dc = None
        for k, t in enumerate(_time_order(length, not self.params["reverse"])):
            dh_t, dc_t = grad[0, t], grad[1, t]
            if dh is not None:
                dh_t, dc_t = dh_t + dh, dc_t + dc
            dz[t], dc = _lstm_gate_gradients(dh_t, dc_t, slopes[t], cell_slope[t])
            if k < length - 1 or hc0.requires_grad:  # the carry into step t - 1 (or into the start)
                dh, dc = dz[t] @ w_hh, dc * forget[t]
        dz_all = StackSteps.apply(*dz)
        dw = None
        if w_hh.requires_grad:
            dw = reshape(dz_all, (length * batch, 4 * n)).mT @ reshape(h_prev, (length * batch, n))
        dhc0 = cat([dh, dc], 1) if hc0.requires_grad else None
        return dz_all if gx.requires_grad else None, dhc0, dw

    def activations(self) -> tuple[Tensor, ...]:
        """S, s_c, f and h_{t-1} of every step (L, N, ...): forward's arrays, or computed again from the
        inputs with Tensor ops (create_graph)."""
        if not grad_mode.enabled:
            return tuple(wrap(array) for array in self.saved)
        gx, hc0, w_hh = self.inputs
        length, n = gx.shape[0], w_hh.shape[1]
        steps: list[tuple[Tensor, ...]] = [None] * length  # type: ignore[list-item]
        h, c = hc0[:, :n], hc0[:, n:]
        for t in _time_order(length, self.params["reverse"]):
            *kept, h_new, c = _lstm_activations(gx[t] + h @ w_hh.mT, c)
            steps[t] = (*kept, h)
            h = h_new
        return tuple(StackSteps.apply(*column) for column in zip(*steps))


class GRUCellStep(Function):
    """h' = n + z * (h - n) from gx (N, 3H) and h: r, z, n as in the module docstring, with
    gh = h W_hh^T + b_hh and gh_n its third block. With dh' the incoming gradient:

        dn = dh' * (1 - z) * (1 - n^2),   dr = dn * gh_n * r (1 - r),   dz = dh' * (h - n) * z (1 - z)
        d/dgx = [dr, dz, dn],   dgh = [dr, dz, dn * r]
        d/dh = dh' * z + dgh W_hh,   d/dW_hh = dgh^T h,   d/db_hh = sum of dgh over the batch.
    """

    def forward(
        self, gx: np.ndarray, h: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray | None = None
    ) -> np.ndarray:
        n = w_hh.shape[1]
        gh = _times_transposed(h, w_hh)
        if b_hh is not None:
            gh += b_hh
        rz = gx[:, : 2 * n] + gh[:, : 2 * n]
        _sigmoid_(rz)
        new = rz[:, :n] * gh[:, 2 * n :]
        new += gx[:, 2 * n :]
        np.tanh(new, out=new)
        out = h - new
        out *= rz[:, n:]
        out += new
        self.saved = (rz, new, gh)
        return out

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        gx, h = self.inputs[0], self.inputs[1]
        r, z, new, gh_n = self.activations()
        dnew = grad * (1 - z) * (1 - new * new)
        dr = dnew * gh_n * r * (1 - r)
        dz = grad * (h - new) * z * (1 - z)
        dgh = cat([dr, dz, dnew * r], 1)
        dh_prev, dw, db = _through_w_hh(self, dgh, h)
        dh = grad * z + dh_prev if dh_prev is not None else None
        return _grads(self, cat([dr, dz, dnew], 1) if gx.requires_grad else None, dh, dw, db)

    def activations(self) -> tuple[Tensor, ...]:
        """r, z, n and gh_n: forward's arrays, or computed again from the inputs under ``create_graph``."""
        if not grad_mode.enabled:
            rz, new, gh = self.saved
            n = new.shape[1]
            return wrap(rz[:, :n]), wrap(rz[:, n:]), wrap(new), wrap(gh[:, 2 * n :])
        gx, h, w_hh = self.inputs[:3]
        n = w_hh.shape[1]
        gh = h @ w_hh.mT
        if len(self.inputs) == 4:
            gh = gh + self.inputs[3]
        rz = sigmoid(gx[:, : 2 * n] + gh[:, : 2 * n])
        r, gh_n = rz[:, :n], gh[:, 2 * n :]
        return r, rz[:, n:], tanh(gx[:, 2 * n :] + r * gh_n), gh_n


def _time_order(length: int, reverse: bool) -> range:
    """The steps 0 .. L-1 in the order a direction runs them."""
    return range(length - 1, -1, -1) if reverse else range(length)


def _lstm_step_(
    gates: np.ndarray, c: np.ndarray, h_out: np.ndarray, c_out: np.ndarray, slopes: np.ndarray
) -> tuple[np.ndarray, ...]:
    """One LSTM step in place (numpy): the pre-activations ``gates`` (N, 4H) become [i, f, g, o], ``h_out``
    and ``c_out`` (N, H) get h' and c', ``slopes`` (N, 4H) gets S (see ``LSTMCellStep``). Returns (s_c, f)."""
    n = c.shape[1]
    _sigmoid_(gates[:, : 2 * n])
    np.tanh(gates[:, 2 * n : 3 * n], out=gates[:, 2 * n : 3 * n])
    _sigmoid_(gates[:, 3 * n :])
    i, f, g, o = (gates[:, k * n : (k + 1) * n] for k in range(4))
    c_new = np.multiply(f, c, out=c_out)
    c_new += i * g
    tanh_c = np.tanh(c_new)
    np.multiply(o, tanh_c, out=h_out)
    np.subtract(1, gates, out=slopes)
    slopes *= gates  # sigmoid's slope a (1 - a), right for i, f and o
    np.multiply(g, g, out=slopes[:, 2 * n : 3 * n])
    np.subtract(1, slopes[:, 2 * n : 3 * n], out=slopes[:, 2 * n : 3 * n])  # tanh's for g
    for k, factor in enumerate((g, c, i, tanh_c)):
        slopes[:, k * n : (k + 1) * n] *= factor
    cell_slope = tanh_c * tanh_c
    np.subtract(1, cell_slope, out=cell_slope)
    cell_slope *= o
    return cell_slope, f


def _lstm_activations(z: Tensor, c: Tensor) -> tuple[Tensor, ...]:
    """The step of ``_lstm_step_`` in Tensor ops, from the pre-activations z = gx + h W_hh^T (+ b_hh) and c:
    (S, s_c, f, h', c')."""
    n = c.shape[1]
    i, f, o = (sigmoid(z[:, k * n : (k + 1) * n]) for k in (0, 1, 3))
    g = tanh(z[:, 2 * n : 3 * n])
    c_new = f * c + i * g
    tanh_c = tanh(c_new)
    slopes = cat([g * i * (1 - i), c * f * (1 - f), i * (1 - g * g), tanh_c * o * (1 - o)], 1)
    return slopes, o * (1 - tanh_c * tanh_c), f, o * tanh_c, c_new


def _lstm_gate_gradients(dh: Tensor, dc: Tensor, slopes: Tensor, cell_slope: Tensor) -> tuple[Tensor, Tensor]:
    """From the incoming dh', dc' of one LSTM step: dz (d/d its pre-activations) and the whole dc, through
    h' too."""
    dc = dc + dh * cell_slope
    return cat([dc, dc, dc, dh], 1) * slopes, dc


def _times_transposed(h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """h @ w.T in C order. With fewer rows in h than in w (a batch of states against the gates' weights)
    it is computed as (w @ h.T).T: OpenBLAS then repacks the small operand rather than the weight, which
    makes the step's product about a quarter faster, the copy into C order included."""
    if h.shape[0] >= w.shape[0]:
        return h @ w.T
    return np.ascontiguousarray((w @ h.T).T)


def _sigmoid_(z: np.ndarray) -> None:
    """sigmoid(z) in place, as (1 + tanh(z / 2)) / 2: one transcendental, no overflow."""
    z *= 0.5
    np.tanh(z, out=z)
    z *= 0.5
    z += 0.5


def _pre_activation(node: Function, h: Tensor) -> Tensor:
    """gx + h W_hh^T + b_hh in Tensor ops (a step's forward again, for create_graph)."""
    z = node.inputs[0] + h @ node.inputs[2].mT
    return z + node.inputs[3] if len(node.inputs) == 4 else z


def _through_w_hh(
    node: Function, dz: Tensor, h: Tensor
) -> tuple[Tensor | None, Tensor | None, Tensor | None]:
    """d/dh, d/dW_hh and d/db_hh of z = h W_hh^T + b_hh from dz = dL/dz (None where not needed)."""
    state, w_hh = node.inputs[1], node.inputs[2]
    dh = dz @ w_hh if state.requires_grad else None
    dw = dz.mT @ h if w_hh.requires_grad else None
    db = dz.sum(0) if len(node.inputs) == 4 and node.inputs[3].requires_grad else None
    return dh, dw, db


def _grads(node: Function, *grads: Tensor | None) -> tuple[Tensor | None, ...]:
    """One gradient per input: (gx, state, W_hh) and b_hh when the node has it."""
    return grads[: len(node.inputs)]


# ---------------------------------------------------------------------------- splitting and stacking steps
class UnbindSteps(Function):
    """The time steps of a sequence (L, ...) as L tensors (views, no copy); backward stacks the steps'
    gradients (zeros for a step that got none). Several outputs: written PyTorch's way (see
    ``autograd/custom.py``), so all of them share one node's backward."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> tuple[Tensor, ...]:
        return tuple(wrap(step) for step in x.array)

    @staticmethod
    def backward(ctx: Any, *grads: Tensor) -> Tensor:
        return StackSteps.apply(*grads)


class StackSteps(Function):
    """L tensors of one shape stacked along a new first axis (the steps of a sequence, or the final states
    of the layers); each one's gradient is its slice of the incoming one (a view)."""

    def forward(self, *steps: np.ndarray) -> np.ndarray:
        return np.stack(steps)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tuple(
            Index.apply(grad, index=t) if x.requires_grad else None for t, x in enumerate(self.inputs)
        )


def unbind_steps(x: Tensor) -> tuple[Tensor, ...]:
    """``x[0], x[1], ...`` along the first axis, as one node."""
    steps = UnbindSteps.apply(x)
    return steps if isinstance(steps, tuple) else (steps,)


# ---------------------------------------------------------------------------- cells, as functions
def rnn_tanh_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Tensor:
    """One Elman RNN step with tanh (PyTorch's ``torch.rnn_tanh_cell``): input (N, H_in), hx (N, H)."""
    return _cell("rnn_tanh_cell", 1, input, [hx], w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh")


def rnn_relu_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Tensor:
    """One Elman RNN step with relu (PyTorch's ``torch.rnn_relu_cell``): input (N, H_in), hx (N, H)."""
    return _cell("rnn_relu_cell", 1, input, [hx], w_ih, w_hh, b_ih, b_hh, nonlinearity="relu")


def gru_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Tensor:
    """One GRU step (PyTorch's ``torch.gru_cell``): input (N, H_in), hx (N, H); weights (3H, ...)."""
    return _cell("gru_cell", 3, input, [hx], w_ih, w_hh, b_ih, b_hh)


def lstm_cell(
    input: Any, hx: Sequence[Any], w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None
) -> tuple[Tensor, Tensor]:
    """One LSTM step (PyTorch's ``torch.lstm_cell``): input (N, H_in), hx = (h, c) each (N, H); weights
    (4H, ...). Returns (h', c'), two views of the step's one result [h', c']."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(
            f"lstm_cell: hx must be a tuple (h, c) of two (N, H) tensors, got {type(hx).__name__}"
        )
    hc = _cell("lstm_cell", 4, input, list(hx), w_ih, w_hh, b_ih, b_hh)
    n = hc.shape[1] // 2
    return getitem(hc, _first(n)), getitem(hc, _second(n))


_STEPS: dict[int, type[Function]] = {1: RNNCellStep, 3: GRUCellStep, 4: LSTMCellStep}


def _cell(
    op: str,
    gates: int,
    input: Any,
    states: list[Any],
    w_ih: Any,
    w_hh: Any,
    b_ih: Any,
    b_hh: Any,
    **params: Any,
) -> Tensor:
    """Check the arguments, project the input (one ``Dense`` node), apply the step node."""
    x, w_ih, w_hh = operand(input), operand(w_ih), operand(w_hh)
    states = [operand(s) for s in states]
    b_ih, b_hh = (None if b is None else operand(b) for b in (b_ih, b_hh))
    _check_cell(op, gates, x, states, w_ih, w_hh, b_ih, b_hh)
    state = states[0] if len(states) == 1 else cat(states, 1)
    gx = linear(x, w_ih, b_ih)
    return _STEPS[gates].apply(gx, state, w_hh, *(() if b_hh is None else (b_hh,)), **params)


def _check_cell(
    op: str,
    gates: int,
    x: Tensor,
    states: list[Tensor],
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
) -> None:
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(
            f"{op}: weight_hh must have shape ({gates} * hidden_size, hidden_size), got {w_hh.shape}"
        )
    if x.ndim != 2:
        raise ValueError(f"{op}: expected input of shape (N, input_size), got shape {x.shape}")
    hidden = w_hh.shape[1]
    expected = {"weight_ih": (w_ih, (gates * hidden, x.shape[1]))}
    names = ["hx"] if len(states) == 1 else ["hx[0]", "hx[1]"]
    expected.update({name: (s, (x.shape[0], hidden)) for name, s in zip(names, states)})
    for name, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
        if b is not None:
            expected[name] = (b, (gates * hidden,))
    for name, (t, shape) in expected.items():
        if t.shape != shape:
            raise ValueError(
                f"{op}: {name} has shape {t.shape}, expected {shape} (input {x.shape}, weight_hh "
                f"{w_hh.shape}: hidden size {hidden}, {gates} gate block(s))"
            )
    _check_dtypes(op, x, *states, w_ih, w_hh, *(b for b in (b_ih, b_hh) if b is not None))


def _check_dtypes(op: str, x: Tensor, *others: Tensor) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {x.dtype} (shape {x.shape})")
    for t in others:
        if t.dtype != x.dtype:
            raise TypeError(
                f"{op}: input dtype ({x.dtype}) does not match a weight or state dtype ({t.dtype}, shape "
                f"{t.shape}): convert the input (x.to({t.dtype})) or the model (model.to({x.dtype}))"
            )


# ---------------------------------------------------------------------------- whole layers
MODES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def recurrent_layers(
    mode: str,
    x: Tensor,
    weights: Sequence[Sequence[Tensor]],
    h0: Tensor | None = None,
    c0: Tensor | None = None,
    *,
    num_layers: int = 1,
    bidirectional: bool = False,
    dropout: float = 0.0,
    training: bool = False,
    lengths: np.ndarray | None = None,
) -> tuple[Tensor, Tensor, Tensor | None]:
    """A stack of recurrent layers over a time-major sequence, as PyTorch's ``nn.RNN``/``LSTM``/``GRU``.

    ``mode``: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU". ``x``: (L, N, H_in). ``weights``: per layer and
    direction (forward first), ``(w_ih, w_hh)`` or ``(w_ih, w_hh, b_ih, b_hh)``. ``h0``, ``c0``: the
    initial states (num_layers * directions, N, H), zeros when None (``c0`` for LSTM only). Between layers
    the output goes through dropout with probability ``dropout`` when ``training``.

    ``lengths`` (N,): sequence n has only its first ``lengths[n]`` steps (a packed batch, padded): at later
    steps its state stays as it is, so h_n is the state after its last real step and the reverse direction
    starts there; what the output holds at those steps is left undefined (``nn.utils.rnn`` drops it).

    Returns (output (L, N, directions * H), h_n, c_n), c_n None except for LSTM. The caller (the nn
    modules) has checked the shapes and dtypes.
    """
    step = _STEPS[MODES[mode]]
    params = {"nonlinearity": "tanh" if mode == "RNN_TANH" else "relu"} if step is RNNCellStep else {}
    lstm = step is LSTMCellStep
    directions = 2 if bidirectional else 1
    length, batch = x.shape[0], x.shape[1]
    finals_h: list[Tensor] = []
    finals_c: list[Tensor] = []
    layer_input = x
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            w_ih, w_hh, *biases = weights[k]
            b_ih, b_hh = biases if biases else (None, None)
            if b_hh is not None and step is not GRUCellStep:  # both biases simply add: one bias, once
                b_ih, b_hh = b_ih + b_hh, None
            hidden = w_hh.shape[1]
            flat = reshape(layer_input, (length * batch, layer_input.shape[2]))
            gx_all = reshape(linear(flat, w_ih, b_ih), (length, batch, w_ih.shape[0]))
            state = _initial_state(h0, c0, k, lstm, (batch, hidden), w_hh.dtype)
            if lstm and lengths is None:  # one node for the whole layer and direction
                hc = LSTMLayer.apply(gx_all, state, w_hh, reverse=bool(direction))
                last = 0 if direction else length - 1
                outputs.append(clone(getitem(hc, 0)))  # its own memory, as PyTorch's output
                finals_h.append(getitem(hc, (0, last)))
                finals_c.append(getitem(hc, (1, last)))
                continue
            gx = unbind_steps(gx_all)
            recurrent = (w_hh,) if b_hh is None else (w_hh, b_hh)
            hs: list[Tensor] = [None] * length  # type: ignore[list-item]
            for t in _time_order(length, bool(direction)):
                new = step.apply(gx[t], state, *recurrent, **params)
                state = new if lengths is None else where((t < lengths)[:, None], new, state)
                hs[t] = getitem(state, _first(hidden)) if lstm else state
            outputs.append(StackSteps.apply(*hs))
            finals_h.append(getitem(state, _first(hidden)) if lstm else state)
            if lstm:
                finals_c.append(getitem(state, _second(hidden)))
        layer_input = outputs[0] if directions == 1 else cat(outputs, 2)
        if dropout and training and layer < num_layers - 1:
            layer_input = dropout_fn(layer_input, dropout, True)
    return layer_input, StackSteps.apply(*finals_h), StackSteps.apply(*finals_c) if lstm else None


def _first(hidden: int) -> tuple[slice, slice]:
    """[:, :hidden]: h in an LSTM state [h, c]."""
    return (slice(None), slice(None, hidden))


def _second(hidden: int) -> tuple[slice, slice]:
    """[:, hidden:]: c in an LSTM state [h, c]."""
    return (slice(None), slice(hidden, None))


def _initial_state(
    h0: Tensor | None, c0: Tensor | None, k: int, lstm: bool, shape: tuple[int, int], dtype: np.dtype
) -> Tensor:
    """Layer-direction k's starting state: h0[k] ([h0[k], c0[k]] for LSTM), or zeros (a constant)."""
    if h0 is None and c0 is None:
        return wrap(np.zeros((shape[0], shape[1] * (2 if lstm else 1)), dtype))
    zeros = wrap(np.zeros(shape, dtype))
    h = h0[k] if h0 is not None else zeros
    return cat([h, c0[k] if c0 is not None else zeros], 1) if lstm else h
