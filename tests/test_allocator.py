"""Importing tensorgrad keeps freed memory for reuse (glibc's malloc parameters), unless told not to."""

import subprocess
import sys

import pytest

import tensorgrad as tg  # noqa: F401  (the import is what sets the parameters)
from tensorgrad import allocator

GLIBC = sys.platform.startswith("linux") and "glibc" in " ".join(__import__("platform").libc_ver())


@pytest.mark.skipif(not GLIBC, reason="the malloc parameters exist only with glibc")
def test_import_sets_the_malloc_parameters_once():
    assert allocator.tuned
    assert allocator.tune_malloc() is True  # a second call changes nothing and says they are set


def test_the_environment_variable_keeps_the_systems_defaults():
    code = "import tensorgrad.allocator as a, tensorgrad; print(a.tuned)"
    env = {"TENSORGRAD_MALLOC_TUNING": "0", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not GLIBC, reason="page faults are glibc's behaviour being measured")
def test_a_training_step_reuses_its_memory_instead_of_faulting_in_new_pages():
    code = """
import resource, numpy as np, tensorgrad as tg
from tensorgrad import nn, optim
tg.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 10)
)
opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x, y = tg.randn(64, 1, 28, 28), np.arange(64) % 10
def step():
    opt.zero_grad(); nn.functional.cross_entropy(model(x), y).backward(); opt.step()
for _ in range(3): step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10): step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""
    faults = {}
    for setting in ("1", "0"):
        env = {"TENSORGRAD_MALLOC_TUNING": setting, "OPENBLAS_NUM_THREADS": "1", "PATH": ""}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        faults[setting] = float(run.stdout)
    assert faults["1"] < 50 < faults["0"]  # about a page per MiB of arrays made each step, without reuse
