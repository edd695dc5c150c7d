"""The ``tensorgrad`` command (also ``python -m tensorgrad``): compare optimizers, draw their paths and
backward passes."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from .experiments.paths import BOUND
from .experiments.xor import INPUTS, TARGETS, train_xor


class CommandError(Exception):
    """A mistake in the command's input: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line (``tensorgrad compare: error: ...``) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(
    kind: type[int] | type[float], minimum: int, maximum: int, *, above_minimum: bool = False
) -> Callable[[str], int | float]:
    """An argparse ``type=`` reading an option's text as ``kind`` from ``minimum`` (or above it, when
    ``above_minimum``) to ``maximum``; anything else fails with one line naming the range and the text given.

    Every numeric option goes through here: text, nan, inf and out-of-range numbers fail alike, and the upper
    bounds keep a typo from allocating absurd memory or running for days.
    """
    what = "an integer" if kind is int else "a number"
    if above_minimum:
        expected = f"{what} above {minimum:,} and at most {maximum:,}"
    else:
        expected = f"{what} from {minimum:,} to {maximum:,}"

    def in_range(value: int | float) -> bool:
        return (value > minimum if above_minimum else value >= minimum) and value <= maximum

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not in_range(value):  # nan fails every comparison, inf the upper bound
            raise argparse.ArgumentTypeError(f"must be {expected}, got {text}")
        return value

    return parse


_SEED = _number(int, 0, 2**32 - 1)  # 32 bits: what numpy's RandomState and most tools accept
_LEARNING_RATE = _number(float, 0, 1_000, above_minimum=True)
_COORDINATE = _number(float, -int(BOUND), int(BOUND))  # where optimizer paths count as diverged


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
    """Draw a built-in model's backward pass (after one forward and backward step) into a picture file, and
    with ``--html`` write the interactive explorer of the same pass (``tg.viz.explore``); ``--html`` alone
    writes only the page."""
    import numpy as np

    from . import nn, random, viz
    from .experiments.models import DIGITS_IMAGE, MODELS
    from .tensor import Tensor

    html = None if args.html is None else Path(args.html)
    out = Path(args.out) if args.out is not None else None if html is not None else Path("graph.svg")
    if out is not None:
        if out.suffix.lower().lstrip(".") not in viz.picture.FORMATS:
            raise CommandError(f"--out {out}: the file name must end in .svg, .png, .pdf or .dot")
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
    if html is not None:
        if html.suffix.lower() not in (".html", ".htm"):
            raise CommandError(f"--html {html}: the file name must end in .html (a page for the browser)")
        if not html.parent.is_dir():
            raise CommandError(f"--html {html}: the folder {html.parent} does not exist")
    random.manual_seed(args.seed)
    model = MODELS[args.model]()
    rng = np.random.default_rng(args.seed)
    images = Tensor(rng.random((args.batch, *DIGITS_IMAGE), dtype=np.float32))
    labels = Tensor(rng.integers(0, 10, size=args.batch))
    loss = nn.CrossEntropyLoss()(model(images), labels)
    with viz.record_backward():
        loss.backward()
    batch = f"a batch of {args.batch} random 8x8 images"
    if out is not None:
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
        print(f"drew the {kind} of the {args.model} ({batch}) to {out}")
        if picture.note:
            print(f"note: {picture.note}")
    if html is not None:
        try:
            page = viz.explore(
                loss,
                params=model,
                max_nodes=args.max_nodes,
                title=f"the {args.model}'s backward pass ({batch})",
                color_by=None if args.color_by == "none" else args.color_by,
            )
            page.save(html)
        except (OSError, viz.GraphvizNotFoundError) as err:
            raise CommandError(f"--html {html}: {err}") from None
        print(
            f"wrote the explorer of the {args.model}'s pass ({len(page.data['forward'])} forward and "
            f"{len(page.data['steps'])} backward steps) to {html}: open it in a browser"
        )
    return 0


def compare(args: argparse.Namespace) -> int:
    """Train one network with several optimizers on a data set; print a table, write curves and results."""
    from .experiments import compare as comparing
    from .experiments.datasets import load_dataset
    from .experiments.language_models import LANGUAGE_MODELS
    from .experiments.models import MODELS
    from .experiments.optimizers import OPTIMIZERS

    names = _names(args.optimizers, OPTIMIZERS, "--optimizers", "optimizer")
    rates = _learning_rates(args.lr, OPTIMIZERS)
    out = _writable_folder(Path(args.out))
    try:
        split = load_dataset(args.dataset, args.data_dir, download=args.download, seed=args.seed)
    except (FileNotFoundError, ImportError, OSError) as err:
        message = " ".join(str(err).split()).replace("Pass download=True", "Pass --download")
        raise CommandError(message) from None
    text = split.vocab is not None  # characters: a language model, judged by perplexity and its samples
    models = LANGUAGE_MODELS if text else MODELS
    model_name = args.model or ("gpt" if text else "cnn")
    epochs = args.epochs or (TEXT_EPOCHS if text else 20)
    if model_name not in models:
        raise CommandError(
            f"--model {model_name} does not fit --dataset {args.dataset}: choose from {', '.join(models)}"
        )
    build = models[model_name]
    make = (lambda: build(split.classes)) if text else (lambda: build(split.input_shape, split.classes))
    # built now so that an unsuitable model (the cnn on points) fails before training; drawn at the end
    graph_model = make()
    print(
        f"tensorgrad compare: the {model_name} on {split.name} ({split.description}; "
        f"{len(split.train)} train, "
        f"{len(split.test)} test), {', '.join(names)}, {epochs} epochs, batch {args.batch_size}, "
        f"seed {args.seed}, the same initial weights for each"
    )
    result = comparing.compare_optimizers(
        make,
        split,
        names,
        epochs=epochs,
        seed=args.seed,
        batch_size=args.batch_size,
        lr=rates,
        progress=not args.quiet,
    )
    result.info.update(dataset=split.name, model=model_name)
    print()
    print(result.table())
    written = comparing.write_outputs(result, out, graph_model, split)
    if text:
        written += _language_report(result, split, model_name, out, args.seed)
    print()
    print(f"wrote to {out}/: {', '.join(path.name for path in written)}")
    if any(path.suffix == ".dot" for path in written):
        print(
            f"note: Graphviz's dot is not installed: render the backward pass with dot -Tsvg {out}/graph.dot "
            "(graph.html, the page that steps through it, needs dot too: install Graphviz and run again)"
        )
    return 0


#: epochs of ``compare --dataset names`` without --epochs (the gpt trains in under 3 minutes on 2 cores)
TEXT_EPOCHS = 3


def _language_report(result: Any, split: Any, model_name: str, out: Path, seed: int) -> list[Path]:
    """Perplexity and samples per optimizer (printed and in samples.txt), and a checkpoint per optimizer
    (model-<name>.npz) for ``tensorgrad sample``."""
    from . import io
    from .experiments import language_models as lm
    from .files import atomic_write
    from .random import Generator

    samples, written = {}, []
    for name, run in result.runs.items():
        if run.model is None or run.diverged:
            continue
        samples[name] = lm.generate(run.model, split.vocab, n=8, generator=Generator().manual_seed(seed))
        path = out / f"model-{name}.npz"
        io.save(lm.checkpoint(model_name, run.model, split.vocab, name), path)
        written.append(path)
    report = lm.perplexity_table(result.runs, split.vocab, samples)
    print()
    print(report)
    atomic_write(out / "samples.txt", (report + "\n").encode(), op="compare")
    return [out / "samples.txt", *written]


def sample(args: argparse.Namespace) -> int:
    """Print names a trained language model generates, from a checkpoint ``compare --dataset names`` wrote."""
    from . import io
    from .experiments import language_models as lm
    from .random import Generator

    path = Path(args.checkpoint)
    if not path.is_file():
        raise CommandError(f"no checkpoint at {path} (run tensorgrad compare --dataset names first)")
    model, vocab = lm.from_checkpoint(io.load(path), str(path))
    generator = Generator().manual_seed(args.seed)
    for name in lm.generate(model, vocab, n=args.n, temperature=args.temperature, generator=generator):
        print(name)
    return 0


def paths(args: argparse.Namespace) -> int:
    """Draw optimizer trajectories over a loss surface."""
    from .experiments.optimizers import OPTIMIZERS
    from .experiments.paths import compare_paths, plot_paths
    from .experiments.surfaces import SURFACES
    from .files import atomic_write

    names = _names(args.optimizers, OPTIMIZERS, "--optimizers", "optimizer")
    rates = _learning_rates(args.lr, OPTIMIZERS)
    out = Path(args.out)
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf"):
        raise CommandError(f"--out {out}: the file name must end in .png, .svg or .pdf")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
    surface = SURFACES[args.surface]
    trajectories = compare_paths(
        surface, {name: rates.get(name) for name in names}, start=args.start, steps=args.steps
    )
    figure = plot_paths(surface, trajectories)
    try:
        atomic_write(out, lambda file: figure.savefig(file, format=suffix, dpi=120), op="paths")
    except OSError as err:
        raise CommandError(f"--out {out}: {err}") from None
    for name, path in trajectories.items():
        end = path.points[-1]
        state = "diverged" if path.diverged else f"f = {path.values[-1]:.3g}"
        print(f"  {name:9s} ended at ({end[0]:.4g}, {end[1]:.4g}), {state}")
    print(f"drew {len(trajectories)} paths over {surface.name} to {out}")
    return 0


def _names(text: str, known: dict, option: str, what: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise CommandError(f"{option}: give at least one {what}")
    for name in names:
        if name not in known:
            raise CommandError(f"{option}: unknown {what} {name!r}; choose from {', '.join(known)}")
    return names


def _named_rate(text: str) -> tuple[str, float]:
    """``"adam=0.01"`` -> ``("adam", 0.01)``: the argparse ``type=`` of compare's and paths' ``--lr``."""
    name, sep, value = text.partition("=")
    name = name.strip().lower()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, e.g. --lr adam=0.003, got {text}")
    try:
        return name, _LEARNING_RATE(value)
    except argparse.ArgumentTypeError as err:
        raise argparse.ArgumentTypeError(f"{text}: the learning rate {err}") from None


def _learning_rates(pairs: list[tuple[str, float]] | None, known: dict) -> dict[str, float]:
    """``[("adam", 0.01), ("sgd", 0.1)]`` -> ``{"adam": 0.01, "sgd": 0.1}``, or a one-line error."""
    for name, _ in pairs or []:
        if name not in known:
            raise CommandError(f"--lr: unknown optimizer {name!r}; choose from {', '.join(known)}")
    return dict(pairs or [])


def _point(text: str) -> tuple[float, float]:
    """``"-1.5,2"`` -> ``(-1.5, 2.0)``: the argparse ``type=`` of paths' ``--start``."""
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected two numbers X,Y, e.g. --start=-1.5,2, got {text}")
    point = []
    for axis, part in zip("XY", parts):
        try:
            point.append(_COORDINATE(part))
        except argparse.ArgumentTypeError as err:
            raise argparse.ArgumentTypeError(f"{axis} {err}") from None
    return point[0], point[1]


def _writable_folder(folder: Path) -> Path:
    """Make ``folder`` (and its parents) and check a file can be written in it, before any training."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except (FileExistsError, NotADirectoryError):
        blocking = next(p for p in (folder, *folder.parents) if p.exists() and not p.is_dir())
        raise CommandError(
            f"--out {folder}: cannot write there ({blocking} is a file, not a folder)"
        ) from None
    except OSError as err:
        reason = err.strerror or str(err)
        raise CommandError(f"--out {folder}: cannot write there ({reason.lower()})") from None
    return folder


def main(argv: list[str] | None = None) -> int:
    from .experiments.datasets import DATASETS
    from .experiments.optimizers import DEFAULT_LR
    from .experiments.surfaces import SURFACES

    parser = _Parser(
        prog="tensorgrad",
        description="tensorgrad compare (the default) trains one network with SGD, Momentum, RMSProp and "
        "Adam and compares them; paths draws optimizers over a loss surface; graph draws a backward pass.",
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    summary = "train one network with SGD, Momentum, RMSProp and Adam and compare them (the default)"
    run = commands.add_parser(
        "compare",
        help=summary,
        description=summary[0].upper() + summary[1:-14] + ": the same initial weights, the same batches. "
        "Prints a table; writes the curves, results.json and the backward pass (graph.svg, and graph.html to "
        "step through it) into --out.",
    )
    run.add_argument("--dataset", choices=DATASETS, default="digits", help="the data (default digits)")
    run.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where mnist/fashion/cifar10 files are (default $TENSORGRAD_DATA or ~/.cache/tensorgrad)",
    )
    run.add_argument("--download", action="store_true", help="fetch missing mnist/fashion/cifar10 files")
    run.add_argument(
        "--model",
        choices=("mlp", "cnn", "bigram", "lstm", "gpt"),
        help="the network (default cnn; for --dataset names: bigram, mlp, lstm or gpt, default gpt)",
    )
    run.add_argument(
        "--optimizers",
        metavar="NAMES",
        default="sgd,momentum,rmsprop,adam",
        help="comma-separated (default sgd,momentum,rmsprop,adam)",
    )
    run.add_argument(
        "--lr",
        nargs="+",
        type=_named_rate,
        metavar="NAME=VALUE",
        help="learning rates, e.g. --lr sgd=0.1 adam=0.003 (defaults: "
        + ", ".join(f"{name} {rate:g}" for name, rate in DEFAULT_LR.items())
        + ")",
    )
    run.add_argument(
        "--epochs",
        type=_number(int, 1, 1_000),
        metavar="N",
        help=f"epochs (default 20; {TEXT_EPOCHS} for --dataset names)",
    )
    run.add_argument(
        "--batch-size", type=_number(int, 1, 4_096), metavar="N", default=32, help="batch size (default 32)"
    )
    run.add_argument("--seed", type=_SEED, metavar="N", default=0, help="random seed (default 0)")
    run.add_argument(
        "--out",
        metavar="DIR",
        default="results/compare",
        help="folder for the plots and results.json (default results/compare)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.set_defaults(handler=compare)

    summary = "print names generated by a language model that compare --dataset names trained"
    generate = commands.add_parser("sample", help=summary, description=summary[0].upper() + summary[1:] + ".")
    generate.add_argument("--checkpoint", metavar="FILE", required=True, help="a model-<optimizer>.npz")
    generate.add_argument("--n", type=_number(int, 1, 10_000), default=20, help="how many (default 20)")
    generate.add_argument(
        "--temperature",
        type=_number(float, 1e-3, 100.0),
        default=1.0,
        help="below 1 safer, above 1 wilder (default 1)",
    )
    generate.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    generate.set_defaults(handler=sample)

    summary = "draw optimizer trajectories over a loss surface"
    draw_paths = commands.add_parser(
        "paths",
        help=summary,
        description=summary[0].upper() + summary[1:] + ", each optimizer from the same start, with "
        "tensorgrad's own autograd and optimizers.",
    )
    draw_paths.add_argument(
        "--surface", choices=tuple(SURFACES), default="rosenbrock", help="the function (default rosenbrock)"
    )
    draw_paths.add_argument(
        "--out",
        metavar="FILE",
        default="paths.png",
        help="the picture: .png, .svg or .pdf (default paths.png)",
    )
    draw_paths.add_argument(
        "--optimizers",
        metavar="NAMES",
        default="sgd,momentum,rmsprop,adam",
        help="comma-separated (default sgd,momentum,rmsprop,adam)",
    )
    draw_paths.add_argument(
        "--lr",
        nargs="+",
        type=_named_rate,
        metavar="NAME=VALUE",
        help="learning rates, e.g. --lr adam=0.1 (default: rates that suit the surface)",
    )
    draw_paths.add_argument(
        "--steps",
        type=_number(int, 1, 100_000),
        metavar="N",
        default=1000,
        help="optimizer steps (default 1000)",
    )
    draw_paths.add_argument(
        "--start",
        type=_point,
        metavar="X,Y",
        help="the starting point, e.g. --start=-1.5,2 (default: the surface's own)",
    )
    draw_paths.set_defaults(handler=paths)

    run = commands.add_parser("demo", help="train a tiny MLP on XOR with a hand-written loop")
    run.add_argument("--hidden", type=_number(int, 1, 4_096), default=8, help="hidden units (default 8)")
    run.add_argument("--lr", type=_LEARNING_RATE, default=0.5, help="learning rate (default 0.5)")
    run.add_argument("--epochs", type=_number(int, 1, 100_000), default=2000, help="epochs (default 2000)")
    run.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    run.set_defaults(handler=demo)
    summary = "draw a built-in model's backward pass into an SVG/PNG/PDF file or an interactive HTML page"
    draw = commands.add_parser(
        "graph",
        help=summary,
        description=summary[0].upper() + summary[1:] + ", after one forward and backward step on a random "
        "batch. --html writes the page that steps through the pass (tg.viz.explore); with --html and no "
        "--out only the page is written (--forward, --color-by and --rankdir shape the picture; the page "
        "replays the forward and then the backward pass, and has its own colour switch).",
    )
    draw.add_argument("--model", choices=("mlp", "cnn"), default="mlp", help="which model (default mlp)")
    draw.add_argument(
        "--out",
        metavar="FILE",
        help="the picture file: .svg, .png, .pdf or .dot (default graph.svg; none with --html alone)",
    )
    draw.add_argument(
        "--html",
        metavar="FILE",
        help="write the page that steps through the pass to FILE (.html, self-contained; with --out, both)",
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
    draw.add_argument(
        "--max-nodes",
        type=_number(int, 2, 10_000),
        default=200,
        help="collapse to one box per module above this (the page: start with its modules folded)",
    )
    draw.add_argument(
        "--rankdir", choices=("LR", "TB"), default="LR", help="left to right (default) or top to bottom"
    )
    draw.add_argument(
        "--batch", type=_number(int, 1, 4_096), default=4, help="images in the batch (default 4)"
    )
    draw.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    draw.set_defaults(handler=graph)
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["compare", *argv]  # the optimizer comparison is the default command
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (CommandError, ValueError) as err:
        print(f"tensorgrad {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
