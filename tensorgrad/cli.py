"""The ``tensorgrad`` command (also ``python -m tensorgrad``)."""

from __future__ import annotations

import argparse
import sys
import time

from .experiments.xor import INPUTS, TARGETS, train_xor


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tensorgrad", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("demo", help="train a tiny MLP on XOR and print the loss (the default)")
    run.add_argument("--hidden", type=int, default=8, help="hidden units (default 8)")
    run.add_argument("--lr", type=float, default=0.5, help="learning rate (default 0.5)")
    run.add_argument("--epochs", type=int, default=2000, help="epochs (default 2000)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.set_defaults(handler=demo)
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["demo", *argv]  # the demo is the default command
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
