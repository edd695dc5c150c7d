"""Every numeric option of every `tensorgrad` subcommand: a bad value is argparse's one-line usage error with
exit status 2 (never a traceback, a nan result or a run that never ends), and the boundary values work."""

import subprocess
import sys

import pytest

from tests.test_cli_compare import run  # main() in this process: (exit status, stdout, stderr)

COUNT = ["0", "-1", "nan", "inf", "abc", "1000000000000"]  # zero, negative, not finite, text, huge
SEED = [value for value in COUNT if value != "0"]  # seed 0 is good
RATE = [*COUNT, "1e9"]  # a huge rate that is still finite
COORDINATE = ["nan", "inf", "abc", "1e12"]  # 0 and negative numbers are good starting points

# subcommand, option, how a value becomes the option's argument, the range the message names, bad values
OPTIONS = [
    ("compare", "--epochs", "{}", "an integer from 1 to 1,000", COUNT),
    ("compare", "--batch-size", "{}", "an integer from 1 to 4,096", COUNT),
    ("compare", "--seed", "{}", "an integer from 0 to 4,294,967,295", SEED),
    ("compare", "--lr", "sgd={}", "a number above 0 and at most 1,000", RATE),
    ("paths", "--steps", "{}", "an integer from 1 to 100,000", COUNT),
    ("paths", "--lr", "adam={}", "a number above 0 and at most 1,000", RATE),
    ("paths", "--start", "{},0", "a number from -1,000,000 to 1,000,000", COORDINATE),
    ("demo", "--epochs", "{}", "an integer from 1 to 100,000", COUNT),
    ("demo", "--hidden", "{}", "an integer from 1 to 4,096", COUNT),
    ("demo", "--lr", "{}", "a number above 0 and at most 1,000", RATE),
    ("demo", "--seed", "{}", "an integer from 0 to 4,294,967,295", SEED),
    ("graph", "--batch", "{}", "an integer from 1 to 4,096", COUNT),
    ("graph", "--max-nodes", "{}", "an integer from 2 to 10,000", COUNT),
    ("graph", "--seed", "{}", "an integer from 0 to 4,294,967,295", SEED),
]
BAD_VALUES = [
    pytest.param(command, option, argument.format(value), expected, value, id=f"{command} {option} {value}")
    for command, option, argument, expected, values in OPTIONS
    for value in values
]


@pytest.mark.parametrize("command, option, argument, expected, value", BAD_VALUES)
def test_a_bad_numeric_value_is_one_usage_line_naming_the_option_the_range_and_the_value(
    command, option, argument, expected, value, capsys
):
    status, out, err = run([command, option, argument], capsys)
    assert status == 2
    assert out == ""  # nothing ran
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"tensorgrad {command}: error: argument {option}: "), err
    assert f"must be {expected}, got {value} (see tensorgrad {command} --help)" in err, err


def test_the_start_point_names_which_coordinate_is_bad(capsys):
    for argument, axis in (("nan,0", "X"), ("0,nan", "Y")):
        status, _, err = run(["paths", "--start", argument], capsys)
        assert status == 2
        assert f"argument --start: {axis} must be a number from -1,000,000 to 1,000,000, got nan" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["demo", "--epochs", "0"], "argument --epochs: must be an integer from 1 to 100,000, got 0"),
        (["demo", "--lr", "-1"], "argument --lr: must be a number above 0 and at most 1,000, got -1"),
        (["graph", "--batch", "-2"], "argument --batch: must be an integer from 1 to 4,096, got -2"),
        (
            ["paths", "--start", "1,inf"],
            "argument --start: Y must be a number from -1,000,000 to 1,000,000, got inf",
        ),
        (["--seed", "nan"], "argument --seed: must be an integer from 0 to 4,294,967,295, got nan"),
    ],
)
def test_a_bad_numeric_value_in_a_real_process_prints_one_line_and_no_traceback(argv, message):
    result = subprocess.run(
        [sys.executable, "-m", "tensorgrad", *argv], capture_output=True, text=True, timeout=120
    )
    command = argv[0] if not argv[0].startswith("-") else "compare"  # compare is the default command
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"tensorgrad {command}: error: {message} (see tensorgrad {command} --help)\n"


def test_demo_accepts_the_smallest_and_largest_allowed_values(capsys):
    status, out, err = run(
        ["demo", "--epochs", "1", "--hidden", "1", "--lr", "1000", "--seed", "4294967295"], capsys
    )
    assert status in (0, 1), err  # one epoch may not learn XOR, but it runs and reports
    assert "a 2-1-1 MLP" in out and "lr 1000.0" in out
    assert "trained 1 epochs" in out and "/4 correct" in out


def test_graph_accepts_the_smallest_and_largest_batch_and_max_nodes(tmp_path, capsys):
    for batch, max_nodes in (("1", "2"), ("4096", "10000")):
        out = tmp_path / f"batch{batch}.dot"
        argv = [
            "graph",
            "--batch",
            batch,
            "--max-nodes",
            max_nodes,
            "--seed",
            "4294967295",
            "--out",
            str(out),
        ]
        status, stdout, err = run(argv, capsys)
        assert status == 0, err
        assert f"a batch of {batch} random 8x8 images" in stdout
        assert "nan" not in out.read_text()


def test_paths_accepts_one_step_and_a_start_on_the_bound(tmp_path, capsys):
    out = tmp_path / "p.svg"
    for start in ("--start=-1.5,2", "--start=1000000,-1000000"):
        argv = ["paths", "--surface", "saddle", "--optimizers", "sgd", "--lr", "sgd=1000", "--steps", "1"]
        status, stdout, err = run([*argv, start, "--out", str(out)], capsys)
        assert status == 0, err
        assert "drew 1 paths" in stdout and out.exists()


def test_compare_accepts_one_epoch_the_largest_batch_and_seed(tmp_path, capsys):
    argv = ["compare", "--dataset", "xor", "--model", "mlp", "--optimizers", "sgd", "--lr", "sgd=0.5"]
    argv += [
        "--epochs",
        "1",
        "--batch-size",
        "4096",
        "--seed",
        "4294967295",
        "--quiet",
        "--out",
        str(tmp_path),
    ]
    status, out, err = run(argv, capsys)
    assert status == 0, err
    assert "1 epochs, batch 4096, seed 4294967295" in out
    assert (tmp_path / "results.json").exists()
