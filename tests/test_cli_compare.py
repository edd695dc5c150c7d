"""`tensorgrad compare` and `tensorgrad paths`, end to end: every option, and every bad input as one line."""

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

import numpy as np
import pytest

from tensorgrad.cli import main


def run(argv, capsys):
    """Run the command in this process: (exit status, stdout, stderr)."""
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, err, *fragments):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def write_idx(path, array, gz):
    """An IDX file: 0, 0, dtype code (0x08 = unsigned byte), ndim, the sizes as big-endian int32, the data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    content = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(content) if gz else content)


def make_mnist(folder, n_train=64, n_test=32, seed=0):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = np.arange(n) % 10
        images = rng.integers(0, 40, size=(n, 28, 28))
        images[np.arange(n), 2 + labels * 2, 5:20] = 255  # a class-dependent stroke: learnable
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images, gz=True)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte", labels, gz=False)


def make_cifar(folder, per_file=12, seed=0):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    with tarfile.open(folder / "cifar-10-binary.tar.gz", "w:gz") as archive:
        for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            labels = rng.integers(0, 10, size=per_file).astype(np.uint8)
            pixels = rng.integers(0, 256, size=(per_file, 3072)).astype(np.uint8)
            records = np.concatenate([labels[:, None], pixels], axis=1).tobytes()
            member = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            member.size = len(records)
            archive.addfile(member, io.BytesIO(records))


def test_compare_trains_each_optimizer_prints_the_table_and_writes_every_output(tmp_path, capsys):
    out = tmp_path / "run"
    status, stdout, stderr = run(
        ["compare", "--model", "mlp", "--optimizers", "sgd,adam", "--epochs", "2", "--out", str(out)], capsys
    )
    assert status == 0, stderr
    assert "the mlp on digits" in stdout and "1437 train, 360 test" in stdout
    table = stdout[stdout.index("optimizer") :].splitlines()
    assert (
        table[0].split()[0] == "optimizer" and table[2].split()[0] == "sgd" and table[3].split()[0] == "adam"
    )
    assert table[2].split()[1] == "0.1" and table[3].split()[1] == "0.003"
    names = {"comparison.png", "comparison.svg", "results.json", "results.txt", "graph.svg", "graph.html"}
    assert {p.name for p in out.iterdir()} == names
    results = json.loads((out / "results.json").read_text())
    assert results["dataset"] == "digits" and results["model"] == "mlp" and results["epochs"] == 2
    assert list(results["runs"]) == ["sgd", "adam"]
    assert "sgd: 100%" in stderr and "adam: 100%" in stderr  # one progress bar per optimizer, on stderr
    assert "epoch=2/2" in stderr


def test_compare_is_the_default_command_and_takes_every_option(tmp_path, capsys):
    out = tmp_path / "nested" / "run"  # folders are made
    argv = ["--dataset", "moons", "--model", "mlp", "--optimizers", "momentum", "--lr", "momentum=0.2"]
    argv += ["--epochs", "3", "--batch-size", "64", "--seed", "3", "--out", str(out), "--quiet"]
    status, stdout, stderr = run(argv, capsys)
    assert status == 0, stderr
    assert stderr == ""  # --quiet: no progress bars
    results = json.loads((out / "results.json").read_text())
    assert results["dataset"] == "moons" and results["batch_size"] == 64 and results["seed"] == 3
    assert results["runs"]["momentum"]["lr"] == 0.2
    assert results["steps_per_epoch"] == 12  # 720 training points in batches of 64
    assert "momentum" in stdout and "0.2" in stdout


@pytest.mark.parametrize("dataset", ["xor", "spiral"])
def test_compare_runs_on_the_toy_point_sets(dataset, tmp_path, capsys):
    argv = ["compare", "--dataset", dataset, "--model", "mlp", "--optimizers", "adam", "--epochs", "1"]
    status, stdout, stderr = run([*argv, "--out", str(tmp_path), "--quiet"], capsys)
    assert status == 0, stderr
    assert f"the mlp on {dataset}" in stdout


@pytest.mark.parametrize("kind, folder", [("mnist", "mnist"), ("fashion", "fashion-mnist")])
def test_compare_reads_mnist_files_from_the_data_dir(kind, folder, tmp_path, capsys):
    make_mnist(tmp_path / "data" / folder)
    argv = ["compare", "--dataset", kind, "--data-dir", str(tmp_path / "data"), "--optimizers", "sgd"]
    status, stdout, stderr = run([*argv, "--epochs", "1", "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 0, stderr
    assert "64 train, 32 test" in stdout
    assert json.loads((tmp_path / "out" / "results.json").read_text())["dataset"] == kind


def test_compare_reads_cifar10_binary_from_the_data_dir(tmp_path, capsys):
    make_cifar(tmp_path / "data" / "cifar-10")
    argv = ["compare", "--dataset", "cifar10", "--data-dir", str(tmp_path / "data"), "--optimizers", "adam"]
    status, stdout, stderr = run([*argv, "--epochs", "1", "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 0, stderr
    assert "60 train, 12 test" in stdout


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["--dataset", "imagenet"], ["--dataset", "invalid choice: 'imagenet'"]),
        (["--model", "resnet"], ["--model", "invalid choice: 'resnet'"]),
        (["--optimizers", "sgd,adamax"], ["--optimizers", "unknown optimizer 'adamax'", "rmsprop"]),
        (["--optimizers", ","], ["--optimizers", "at least one optimizer"]),
        (["--lr", "adam"], ["--lr", "NAME=VALUE", "got adam"]),
        (["--lr", "adam=fast"], ["--lr", "adam=fast: the learning rate must be a number", "got fast"]),
        (["--lr", "adam=-1"], ["--lr", "must be a number above 0 and at most 1,000, got -1"]),
        (["--lr", "nadam=0.1"], ["unknown optimizer 'nadam'"]),
        (["--epochs", "0"], ["--epochs", "must be an integer from 1 to 1,000, got 0"]),
        (["--seed", "-1"], ["--seed", "must be an integer from 0 to 4,294,967,295, got -1"]),
        (["--epochs", "two"], ["--epochs", "must be an integer", "got two"]),
        (["--dataset", "xor", "--model", "cnn"], ["cnn: needs images", "use the mlp"]),
        (
            ["--dataset", "mnist", "--data-dir", "/no/such/folder"],
            ["data directory /no/such/folder does not exist"],
        ),
    ],
)
def test_bad_compare_input_is_one_line_and_a_non_zero_exit(argv, fragments, tmp_path, capsys):
    status, _, stderr = run(["compare", *argv, "--out", str(tmp_path), "--quiet"], capsys)
    assert_one_line_error(status, stderr, *fragments)


def test_missing_mnist_files_say_where_it_looked_and_how_to_get_them(tmp_path, capsys):
    argv = ["compare", "--dataset", "mnist", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o")]
    status, _, stderr = run(argv, capsys)
    assert_one_line_error(status, stderr, str(tmp_path / "mnist"), "--download")


def test_an_unwritable_out_folder_fails_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status, stdout, stderr = run(["compare", "--out", str(blocker / "run")], capsys)
    assert_one_line_error(status, stderr, "--out", "cannot write there")
    assert "optimizer" not in stdout  # nothing trained
    if os.geteuid() == 0:  # root writes into any folder, but not into sysfs
        locked, reason = "/sys/tensorgrad-test-out", "operation not permitted"
    else:
        (tmp_path / "locked").mkdir(mode=0o500)
        locked, reason = str(tmp_path / "locked" / "run"), "permission denied"
    status, _, stderr = run(["compare", "--out", locked], capsys)
    assert_one_line_error(status, stderr, "--out", f"cannot write there ({reason})")


def test_a_bad_command_line_in_a_real_process_prints_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tensorgrad", "compare", "--lr", "adam=x", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tensorgrad compare: error: argument --lr: adam=x: the learning rate must be a number above 0 "
        "and at most 1,000, got x (see tensorgrad compare --help)"
    )


def test_paths_draws_the_trajectories_over_a_surface(tmp_path, capsys):
    out = tmp_path / "paths.png"
    status, stdout, stderr = run(["paths", "--surface", "rosenbrock", "--out", str(out)], capsys)
    assert status == 0, stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        assert any(line.split()[:1] == [name] for line in stdout.splitlines())
    argv = [
        "paths",
        "--surface",
        "saddle",
        "--optimizers",
        "sgd,momentum",
        "--lr",
        "sgd=0.05",
        "--steps",
        "40",
    ]
    status, stdout, stderr = run([*argv, "--start", "1,0.001", "--out", str(tmp_path / "saddle.svg")], capsys)
    assert status == 0, stderr
    assert "<svg" in (tmp_path / "saddle.svg").read_text()
    assert "drew 2 paths" in stdout


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["--surface", "everest"], ["invalid choice: 'everest'"]),
        (["--out", "paths.gif"], ["must end in .png, .svg or .pdf"]),
        (["--out", "/no/such/folder/p.png"], ["folder /no/such/folder does not exist"]),
        (["--start", "1"], ["--start", "two numbers X,Y", "got 1"]),
        (["--start", "1e9,0"], ["--start", "X must be a number from -1,000,000 to 1,000,000, got 1e9"]),
        (["--steps", "-3"], ["--steps", "must be an integer from 1 to 100,000, got -3"]),
        (["--optimizers", "lbfgs"], ["unknown optimizer 'lbfgs'"]),
    ],
)
def test_bad_paths_input_is_one_line_and_a_non_zero_exit(argv, fragments, capsys):
    status, _, stderr = run(["paths", *argv], capsys)
    assert_one_line_error(status, stderr, *fragments)


def test_compare_download_fetches_mnist_into_a_new_data_dir(server, tmp_path, monkeypatch, capsys):
    from tensorgrad.data import Resource
    from tensorgrad.data.datasets import mnist

    make_mnist(server.folder / "files")
    for raw in (server.folder / "files").glob("*-ubyte"):  # served as the canonical .gz files
        raw.with_name(raw.name + ".gz").write_bytes(gzip.compress(raw.read_bytes()))
        raw.unlink()
    resources = []
    for path in sorted((server.folder / "files").iterdir()):
        data = path.read_bytes()
        resources.append(Resource(path.name, hashlib.md5(data).hexdigest(), (server.url + "files/",)))
    monkeypatch.setitem(mnist.RESOURCES, "mnist", tuple(resources))
    data_dir = tmp_path / "new" / "data"  # made by --download
    argv = ["compare", "--dataset", "mnist", "--data-dir", str(data_dir), "--download", "--optimizers", "sgd"]
    status, stdout, stderr = run([*argv, "--epochs", "1", "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 0, stderr
    assert "64 train, 32 test" in stdout
    assert sorted(p.name for p in (data_dir / "mnist").iterdir()) == sorted(r.filename for r in resources)
    assert len(server.requests) == 4
    status, _, _ = run([*argv, "--epochs", "1", "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 0 and len(server.requests) == 4  # present files are not fetched again
