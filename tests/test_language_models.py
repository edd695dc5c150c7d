"""Character-level language models on the bundled names: the four models, sampling, checkpoints, and the
``compare --dataset names`` / ``sample`` commands."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn
from tensorgrad.cli import main
from tensorgrad.experiments import language_models as lm
from tensorgrad.experiments.datasets import load_dataset


@pytest.fixture(scope="module")
def names():
    return load_dataset("names")


@pytest.mark.parametrize("kind", list(lm.LANGUAGE_MODELS))
def test_every_model_maps_a_batch_of_contexts_to_next_character_logits_and_trains(kind, names):
    tg.manual_seed(0)
    model = lm.LANGUAGE_MODELS[kind](names.classes)
    loader = tg.data.DataLoader(names.train, batch_size=64, shuffle=True, seed=0)
    optimizer = tg.optim.Adam(model.parameters(), lr=2e-2)
    context, target = next(iter(loader))
    assert model(context).shape == (64, 27)
    held_x, held_y = names.test.X[:1000], names.test.Y[:1000]
    with tg.no_grad():
        first = nn.functional.cross_entropy(model(held_x), held_y).item()
    assert abs(first - np.log(27)) < 1.0  # untrained: about a uniform guess
    for step, (context, target) in enumerate(loader):
        loss = nn.functional.cross_entropy(model(context), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step == 100:
            break
    with tg.no_grad():
        after = nn.functional.cross_entropy(model(held_x), held_y).item()
    assert after < first - 0.4


def test_the_bigram_learns_what_the_counts_say(names):
    """Trained long enough, the bigram's table is the log of the smoothed bigram counts (up to a constant
    per row): its held-out loss comes within a few hundredths of the counting model's."""
    train_x, train_y = names.train.X.numpy()[:, -1], names.train.Y.numpy()
    counts = np.ones((27, 27))
    np.add.at(counts, (train_x, train_y), 1)
    probs = counts / counts.sum(1, keepdims=True)
    test_x, test_y = names.test.X.numpy()[:, -1], names.test.Y.numpy()
    counting_loss = -np.log(probs[test_x, test_y]).mean()

    tg.manual_seed(0)
    model = lm.Bigram(27)
    optimizer = tg.optim.Adam(model.parameters(), lr=0.1)
    x, y = names.train.X, names.train.Y
    for _ in range(150):  # full batch
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with tg.no_grad():
        held_out = nn.functional.cross_entropy(model(names.test.X), names.test.Y).item()
    assert 2.3 < counting_loss < 2.7  # a bigram on names: about 2.45 nats per character
    assert abs(held_out - counting_loss) < 0.03


def test_generate_is_reproducible_with_a_generator_and_only_writes_characters_of_the_vocabulary(names):
    tg.manual_seed(0)
    model = lm.BengioMLP(27)
    first = lm.generate(model, names.vocab, n=6, generator=tg.Generator().manual_seed(3))
    again = lm.generate(model, names.vocab, n=6, generator=tg.Generator().manual_seed(3))
    assert first == again and len(first) == 6
    assert all(set(name) <= set("abcdefghijklmnopqrstuvwxyz") and len(name) <= 30 for name in first)
    assert model.training  # generate restores the mode it found
    with pytest.raises(ValueError, match="temperature must be positive"):
        lm.generate(model, names.vocab, temperature=0)


def test_a_low_temperature_picks_the_most_likely_character(names):
    model = lm.Bigram(27)
    with tg.no_grad():
        model.table.weight.zero_()
        model.table.weight[0, names.vocab.stoi["a"]] = 5.0  # after the start: 'a' is likely
        model.table.weight[names.vocab.stoi["a"], 0] = 5.0  # after 'a': the end is likely
    samples = lm.generate(model, names.vocab, n=50, temperature=0.05, generator=tg.Generator().manual_seed(0))
    assert samples == ["a"] * 50


def test_a_checkpoint_rebuilds_the_same_model(tmp_path, names):
    tg.manual_seed(1)
    model = lm.BengioMLP(27)
    tg.save(lm.checkpoint("mlp", model, names.vocab, "adam"), tmp_path / "m.npz")
    loaded, vocab = lm.from_checkpoint(tg.load(tmp_path / "m.npz"))
    assert vocab.itos == names.vocab.itos
    x = names.test.X[:5]
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    tg.save({"weight": np.ones(2)}, tmp_path / "other.npz")
    with pytest.raises(ValueError, match="not a language-model checkpoint"):
        lm.from_checkpoint(tg.load(tmp_path / "other.npz"), "other.npz")


def test_compare_on_names_reports_perplexity_and_samples_and_sample_reads_its_checkpoint(tmp_path, capsys):
    out = tmp_path / "run"
    options = ["--model", "bigram", "--epochs", "1", "--optimizers", "adam,sgd", "--quiet", "--out", str(out)]
    code = main(["compare", "--dataset", "names", *options])
    printed = capsys.readouterr().out
    assert code == 0
    assert "perplexity" in printed and "uniform guess over the 27 characters" in printed
    row = next(line for line in printed.splitlines() if line.startswith("adam ") and "," in line)
    loss, bits, perplexity = (float(v) for v in row.split()[1:4])
    assert perplexity == pytest.approx(np.exp(loss), rel=1e-3) and bits == pytest.approx(
        loss / np.log(2), 1e-3
    )
    assert perplexity < 20
    for name in ("samples.txt", "model-adam.npz", "model-sgd.npz", "results.json", "comparison.png"):
        assert (out / name).is_file()
    assert main(["sample", "--checkpoint", str(out / "model-adam.npz"), "--n", "7", "--seed", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7 and all(set(line) <= set("abcdefghijklmnopqrstuvwxyz") for line in lines)


def test_a_model_that_does_not_fit_the_data_is_a_one_line_error(tmp_path, capsys):
    assert main(["compare", "--dataset", "names", "--model", "cnn", "--out", str(tmp_path)]) == 2
    assert (
        "--model cnn does not fit --dataset names: choose from bigram, mlp, lstm, gpt"
        in capsys.readouterr().err
    )
    assert main(["sample", "--checkpoint", str(tmp_path / "missing.npz")]) == 2
    assert "no checkpoint at" in capsys.readouterr().err
