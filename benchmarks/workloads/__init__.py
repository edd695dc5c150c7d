"""The workloads of the benchmark suite (issue 8), by key. Each is defined in one file:

  W1  mlp.py    tiny MLP 64-128-10, batch 32, SGD lr 0.1: one training step            (ms per step)
  W2  mlp.py    MLP 784-512-512-10, batch 128, Adam lr 1e-3: one training step          (ms per step)
  W3  cnn.py    CNN on 64x1x28x28, SGD momentum 0.9: one training step                  (ms per step)
  W4  chain.py  1,000 elementwise ops on a (16,) tensor, sum, backward                  (µs per op)
  W5  chain.py  100,000 elementwise ops on a (16,) tensor, sum, backward                (s per run)
  W6  sequence.py  char-LSTM (embedding 64, LSTM 256), 32 x 64 characters, Adam: one training step  (ms)
  W7  sequence.py  small GPT (4 layers, 4 heads, d 128), 32 x 64 characters, AdamW: one training step (ms)

All float32, fixed seeds, the same initial weights and data for every implementation. W6 and W7 have no
hand-written numpy (tensorgrad and PyTorch only; their gradient check's reference is tensorgrad in float64,
checked by finite differences).
"""

from __future__ import annotations

from functools import partial
from types import ModuleType

from . import chain, cnn, mlp, sequence
from .base import Bench, Workload

IMPLEMENTATIONS = ("numpy", "tensorgrad", "pytorch")


def _builders(module: ModuleType) -> dict:
    return {
        "numpy": module.numpy_bench,
        "tensorgrad": partial(module.framework_bench, "tensorgrad"),
        "pytorch": partial(module.framework_bench, "pytorch"),
    }


SEQUENCE_BUILDERS = {
    "float64": sequence.reference_bench,  # the gradient check's reference, not timed
    "tensorgrad": partial(sequence.framework_bench, "tensorgrad"),
    "pytorch": partial(sequence.framework_bench, "pytorch"),
}
NO_NUMPY = {"numpy": "no hand-written numpy for W6/W7 (the ratio is to PyTorch); see sequence.py"}


WORKLOADS: dict[str, Workload] = {
    w.key: w
    for w in [
        Workload(
            key="W1",
            title="tiny MLP 64-128-10, batch 32, SGD: train step",
            unit="ms",
            scale=1e3,
            make_data=partial(mlp.Data, (64, 128, 10), 32, "sgd", 0.1),
            builders=_builders(mlp),
            timed=IMPLEMENTATIONS,
            steps=300,
            warmup=30,
            target=("numpy", 2.5),
        ),
        Workload(
            key="W2",
            title="MLP 784-512-512-10, batch 128, Adam: train step",
            unit="ms",
            scale=1e3,
            make_data=partial(mlp.Data, (784, 512, 512, 10), 128, "adam", 1e-3),
            builders=_builders(mlp),
            timed=IMPLEMENTATIONS,
            steps=40,
            warmup=5,
            target=("numpy", 1.05),
        ),
        Workload(
            key="W3",
            title="CNN 64x1x28x28, conv16-pool-conv32-pool-dense10, SGD momentum: train step",
            unit="ms",
            scale=1e3,
            make_data=cnn.Data,
            builders=_builders(cnn),
            timed=IMPLEMENTATIONS,
            steps=25,
            warmup=3,
            target=("numpy", 1.2),
        ),
        Workload(
            key="W4",
            title="1,000 elementwise ops (mul/add/tanh) on (16,), sum, backward",
            unit="µs/op",
            scale=1e6 / 1000,
            make_data=partial(chain.Data, 1000),
            builders=_builders(chain),
            timed=IMPLEMENTATIONS,
            steps=40,
            warmup=5,
            check_steps=0,
            target=("pytorch", 1.0),
        ),
        Workload(
            key="W5",
            title="100,000 elementwise ops (mul/add/tanh) on (16,), sum, backward",
            unit="s",
            scale=1.0,
            make_data=partial(chain.Data, 100_000),
            builders=_builders(chain),
            timed=("tensorgrad", "pytorch"),
            steps=3,
            warmup=1,
            quick_steps=1,
            check_steps=0,
            rtol=1e-3,
            notes={"numpy": "no numpy limit for W5 (as in the issue); its gradient is the check's reference"},
            target=("pytorch", 2.0),
        ),
        Workload(
            key="W6",
            title="char-LSTM, embedding 64, LSTM 256, 32 x 64 chars, vocab 65, Adam: train step",
            unit="ms",
            scale=1e3,
            make_data=partial(sequence.Data, "lstm"),
            builders=SEQUENCE_BUILDERS,
            timed=("tensorgrad", "pytorch"),
            steps=30,
            warmup=3,
            rtol=1e-3,
            reference="float64",
            notes=NO_NUMPY,
            target=("pytorch", 1.5),
            memory_target=("pytorch", 1.5),
        ),
        Workload(
            key="W7",
            title="small GPT, 4 layers, 4 heads, d 128, 32 x 64 chars, vocab 65, AdamW: train step",
            unit="ms",
            scale=1e3,
            make_data=partial(sequence.Data, "gpt"),
            builders=SEQUENCE_BUILDERS,
            timed=("tensorgrad", "pytorch"),
            steps=10,
            warmup=2,
            rtol=1e-3,
            params_rtol=5e-3,  # float32 round-off in the key biases' zero gradient, through AdamW: ~1e-3
            reference="float64",
            notes=NO_NUMPY,
            target=("pytorch", 1.5),
            memory_target=("pytorch", 1.5),
        ),
    ]
}

__all__ = ["IMPLEMENTATIONS", "WORKLOADS", "Bench", "Workload"]
