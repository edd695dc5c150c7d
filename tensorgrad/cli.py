"""The ``tensorgrad`` command (also ``python -m tensorgrad``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .experiments.xor import INPUTS, TARGETS, train_xor


class CommandError(Exception):
    """A mistake in the command's input: printed as one line, exit status 2."""


def demo(args: argparse.Namespace) -> int:
    """Train a tiny MLP on XOR and print the loss falling."""
    print(f"tensorgrad demo: a 2-{args.hidden}-1 MLP learns XOR (tanh, sigmoid, cross-entropy, lr {args.lr})")
    start = time.perf_counter()
    losses, predictions = train_xor(
        hidden=args.hidden,
        lr=args.lr,
        epochs=args.epochs,
        seed=args.seed,
        report=lambda epoch, loss: print(f"  epoch {epoch:5d}   loss {loss:.5f}"),
    )
    seconds = time.perf_counter() - start
    print(f"trained {args.epochs} epochs in {seconds:.2f} s; loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    correct = 0
    for (a, b), target, p in zip(INPUTS, TARGETS[:, 0], predictions[:, 0]):
        correct += int((p > 0.5) == target)
        print(f"  {int(a)} xor {int(b)} = {int(target)}   predicted {p:.3f}")
    print(f"{correct}/4 correct")
    return 0 if correct == 4 else 1


def graph(args: argparse.Namespace) -> int:
    """Draw a built-in model's backward pass (after one forward and backward step) into a picture file."""
    import numpy as np

    from . import nn, random, viz
    from .experiments.models import DIGITS_IMAGE, MODELS
    from .tensor import Tensor

    out = Path(args.out)
    if out.suffix.lower().lstrip(".") not in viz.picture.FORMATS:
        raise CommandError(f"--out {out}: the file name must end in .svg, .png, .pdf or .dot")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
    random.manual_seed(args.seed)
    model = MODELS[args.model]()
    rng = np.random.default_rng(args.seed)
    images = Tensor(rng.random((args.batch, *DIGITS_IMAGE), dtype=np.float32))
    labels = Tensor(rng.integers(0, 10, size=args.batch))
    loss = nn.CrossEntropyLoss()(model(images), labels)
    with viz.record_backward():
        loss.backward()
    picture = viz.draw_graph(
        loss,
        params=model,
        backward=not args.forward,
        color_by=None if args.color_by == "none" else args.color_by,
        max_nodes=args.max_nodes,
        rankdir=args.rankdir,
    )
    try:
        picture.save(out)
    except (OSError, viz.GraphvizNotFoundError) as err:
        raise CommandError(f"--out {out}: {err}") from None
    kind = "forward graph" if args.forward else "backward pass"
    print(f"drew the {kind} of the {args.model} (a batch of {args.batch} random 8x8 images) to {out}")
    if picture.note:
        print(f"note: {picture.note}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tensorgrad", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("demo", help="train a tiny MLP on XOR and print the loss (the default)")
    run.add_argument("--hidden", type=int, default=8, help="hidden units (default 8)")
    run.add_argument("--lr", type=float, default=0.5, help="learning rate (default 0.5)")
    run.add_argument("--epochs", type=int, default=2000, help="epochs (default 2000)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.set_defaults(handler=demo)
    draw = commands.add_parser("graph", help="draw a built-in model's backward pass into an SVG/PNG/PDF file")
    draw.add_argument("--model", choices=("mlp", "cnn"), default="mlp", help="which model (default mlp)")
    draw.add_argument(
        "--out", default="graph.svg", help="the picture file: .svg, .png, .pdf or .dot (default graph.svg)"
    )
    draw.add_argument(
        "--forward", action="store_true", help="draw the forward graph instead of the backward pass"
    )
    draw.add_argument(
        "--color-by",
        choices=("grad_norm", "none"),
        default="grad_norm",
        help="box colours (default grad_norm)",
    )
    draw.add_argument("--max-nodes", type=int, default=200, help="collapse to one box per module above this")
    draw.add_argument(
        "--rankdir", choices=("LR", "TB"), default="LR", help="left to right (default) or top to bottom"
    )
    draw.add_argument("--batch", type=int, default=4, help="images in the batch (default 4)")
    draw.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    draw.set_defaults(handler=graph)
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["demo", *argv]  # the demo is the default command
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (CommandError, ValueError) as err:
        print(f"tensorgrad {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
