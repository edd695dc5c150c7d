"""Experiments: the optimizer comparison behind ``tensorgrad compare``, loss surfaces and optimizer paths,
hyperparameter sweeps, and the built-in models and data sets they use.

``compare_optimizers`` / ``plot_comparison``: one network, the same initial weights and batches, one run per
optimizer. ``surfaces`` / ``optimize_path`` / ``plot_paths``: optimizers on 2-D functions (Rosenbrock, a
saddle, a ravine...). ``sweep`` / ``plot_sweep``: grid or random search, with a sensitivity plot.
"""

from . import models, surfaces
from .compare import Comparison, Run, compare_optimizers, plot_comparison
from .datasets import DATASETS, DataSplit, load_dataset
from .optimizers import DEFAULT_LR, OPTIMIZERS, make_optimizer
from .paths import OptimizerPath, compare_paths, optimize_path, plot_paths
from .surfaces import SURFACES, Surface
from .sweep import IntUniform, LogUniform, SweepResult, Uniform, plot_sweep, sweep
from .tuning import training_objective

__all__ = [
    "DATASETS",
    "DEFAULT_LR",
    "OPTIMIZERS",
    "SURFACES",
    "Comparison",
    "DataSplit",
    "IntUniform",
    "LogUniform",
    "OptimizerPath",
    "Run",
    "Surface",
    "SweepResult",
    "Uniform",
    "compare_optimizers",
    "compare_paths",
    "load_dataset",
    "make_optimizer",
    "models",
    "optimize_path",
    "plot_comparison",
    "plot_paths",
    "plot_sweep",
    "surfaces",
    "sweep",
    "training_objective",
]
