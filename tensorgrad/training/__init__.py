"""``tensorgrad.training``: ``fit`` and ``evaluate`` with history, metrics, callbacks and progress bars.

A convenience layer over the PyTorch-style loop (which stays first-class: ``fit`` does exactly what that loop
does, plus bookkeeping), in the spirit of Keras' ``fit`` and a very small PyTorch Lightning::

    from tensorgrad.training import EarlyStopping, fit

    history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3), train_loader,
                  epochs=20, val_loader=val_loader, callbacks=[EarlyStopping(patience=3)])
    tg.viz.plot_history(history)

One idea per file: ``loop`` (fit), ``evaluation`` (evaluate), ``metrics`` (accuracy and the "auto" rule),
``history``, ``callbacks``, ``progress`` (tqdm bars), ``batches`` (what a data loader is).
"""

from .callbacks import Callback, EarlyStopping, LambdaCallback, ModelCheckpoint
from .evaluation import evaluate
from .history import History
from .loop import Trainer, fit
from .metrics import accuracy

__all__ = [
    "Callback",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "ModelCheckpoint",
    "Trainer",
    "accuracy",
    "evaluate",
    "fit",
]
