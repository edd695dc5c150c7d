"""The XOR demo command (a hand-written loop) runs and learns."""

from tensorgrad.cli import main
from tensorgrad.experiments.xor import train_xor


def test_xor_demo_learns_all_four_points_and_the_loss_falls():
    losses, predictions = train_xor(epochs=1000, seed=0)
    assert losses[-1] < 0.05 < losses[0]
    assert ((predictions[:, 0] > 0.5) == [False, True, True, False]).all()


def test_demo_command_prints_the_loss_falling_and_succeeds(capsys):
    assert main(["demo", "--epochs", "600"]) == 0
    out = capsys.readouterr().out
    assert "epoch     1" in out and "epoch   600" in out
    assert "4/4 correct" in out
