"""The main job and the benchmarks run (the benchmarks are not timed here, only kept from rotting)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tensorgrad.cli import main
from tensorgrad.experiments.xor import train_xor

ROOT = Path(__file__).resolve().parent.parent


def test_xor_demo_learns_all_four_points_and_the_loss_falls():
    losses, predictions = train_xor(epochs=1000, seed=0)
    assert losses[-1] < 0.05 < losses[0]
    assert ((predictions[:, 0] > 0.5) == [False, True, True, False]).all()


def test_demo_command_prints_the_loss_falling_and_succeeds(capsys):
    assert main(["demo", "--epochs", "600"]) == 0
    out = capsys.readouterr().out
    assert "epoch     1" in out and "epoch   600" in out
    assert "4/4 correct" in out


def test_demo_is_the_default_command(capsys):
    assert main(["--epochs", "400"]) == 0
    assert "4/4 correct" in capsys.readouterr().out


@pytest.mark.parametrize("script", ["overhead.py", "cnn.py"])
def test_benchmark_runs_and_prints_its_table(script, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / script),
            "--repeats",
            "1",
            "--json",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "| tensorgrad |" in result.stdout and "| numpy |" in result.stdout
    assert (tmp_path / "r.json").read_text().startswith("{")
