"""Data sets: the toy generators' formulas, scikit-learn's digits split, and the MNIST (IDX) and CIFAR-10
(binary) readers on small files written here in the exact formats."""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.data import (
    DataLoader,
    circles,
    linear_regression,
    load_cifar10,
    load_digits,
    load_mnist,
    moons,
    spiral,
    xor,
)
from tensorgrad.data.datasets import cifar10
from tensorgrad.data.datasets.idx import read_idx


# ---------------------------------------------------------------- toy generators
def test_xor_gives_the_four_corners_and_their_labels():
    x, y = xor()
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]


def test_noisy_xor_points_lie_near_their_corner_with_its_label():
    x, y = xor(n=400, noise=0.05, seed=1)
    corners = np.round(x).astype(int)
    assert np.array_equal(y, corners[:, 0] ^ corners[:, 1])
    assert np.bincount(y).tolist() == [200, 200]
    assert 0.03 < np.std(x - corners) < 0.07


@pytest.mark.parametrize(
    ("make", "shape", "counts"),
    [
        (lambda: spiral(n=50, classes=4), (200, 2), [50, 50, 50, 50]),
        (lambda: moons(n=101), (101, 2), [50, 51]),
        (lambda: circles(n=60), (60, 2), [30, 30]),
    ],
)
def test_classification_generators_give_float32_points_and_balanced_int64_labels(make, shape, counts):
    x, y = make()
    assert x.shape == shape and x.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == counts


@pytest.mark.parametrize("make", [xor, spiral, moons, circles, linear_regression])
def test_generators_are_deterministic_by_seed(make):
    kwargs = {"n": 40, "noise": 0.3}
    a, b, c = make(seed=7, **kwargs), make(seed=7, **kwargs), make(seed=8, **kwargs)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    tg.manual_seed(3)
    d = make(seed=None, **kwargs)
    tg.manual_seed(3)
    assert np.array_equal(d[0], make(seed=None, **kwargs)[0])


def test_spiral_follows_the_cs231n_formula_without_noise():
    x, y = spiral(n=5, classes=2, noise=0.0)
    r = np.linspace(0, 1, 5)
    t = np.linspace(4.0, 8.0, 5)  # class 1
    np.testing.assert_allclose(x[5:], np.stack([r * np.sin(t), r * np.cos(t)], 1), rtol=1e-6, atol=1e-7)
    assert y.tolist() == [0] * 5 + [1] * 5


def test_noiseless_moons_and_circles_lie_on_their_curves():
    x, y = moons(n=40, noise=0.0)
    outer, inner = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1.0, rtol=1e-6)
    assert np.all(outer[:, 1] >= -1e-7) and np.all(inner[:, 1] <= 0.5 + 1e-7)
    x, y = circles(n=40, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*x[y == 0].T), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.hypot(*x[y == 1].T), 0.3, rtol=1e-6)


def test_linear_regression_least_squares_recovers_a_and_b():
    x, y = linear_regression(n=1000, a=-2.5, b=0.75, noise=0.0)
    assert x.shape == y.shape == (1000, 1) and x.dtype == y.dtype == np.float32
    assert x.min() >= 0.0 and x.max() < 2.0
    design = np.hstack([np.ones_like(x, dtype=np.float64), x])
    (a, b), *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    assert a[0] == pytest.approx(-2.5, abs=1e-5) and b[0] == pytest.approx(0.75, abs=1e-5)
    _, noisy = linear_regression(n=20000, a=4.0, b=3.0, noise=1.0)
    x, _ = linear_regression(n=20000, a=4.0, b=3.0, noise=0.0)
    assert np.std(noisy - (4.0 + 3.0 * x)) == pytest.approx(1.0, abs=0.03)


def test_generators_refuse_bad_arguments():
    with pytest.raises(ValueError, match="spiral: n is an int >= 2, got 1"):
        spiral(n=1)
    with pytest.raises(ValueError, match="moons: noise is a standard deviation >= 0"):
        moons(noise=-0.1)
    with pytest.raises(ValueError, match="circles: factor"):
        circles(factor=1.5)


# ---------------------------------------------------------------- digits
@pytest.fixture(scope="module")
def digits():
    return load_digits(), load_digits(train=False), load_digits(flatten=True)


def test_digits_split_is_1437_and_360_disjoint_and_covers_every_image(digits):
    train, test, _ = digits
    assert (len(train), len(test)) == (1437, 360)
    from sklearn.datasets import load_digits as sk

    images = sk().images.reshape(1797, 64) / 16
    rows = np.concatenate([train.tensors[0], test.tensors[0]]).reshape(1797, 64)
    # every original image appears exactly once across the two halves
    order = np.lexsort(rows.T[::-1])
    expected = np.lexsort(images.T[::-1])
    np.testing.assert_array_equal(rows[order], images[expected].astype(np.float32))


def test_digits_are_float32_in_unit_range_with_int64_labels_and_stratified(digits):
    train, test, flat = digits
    x, y = train.tensors
    assert x.shape == (1437, 1, 8, 8) and x.dtype == np.float32 and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert flat.tensors[0].shape == (1437, 64)
    np.testing.assert_array_equal(flat.tensors[0], x.reshape(1437, 64))
    total = np.bincount(np.concatenate([y, test.tensors[1]]))
    share = np.bincount(test.tensors[1]) / total
    assert np.all(np.abs(share - 0.2) < 1 / total)
    xb, yb = next(iter(DataLoader(train, batch_size=32)))
    assert xb.shape == (32, 1, 8, 8) and yb.dtype == np.int64


# ---------------------------------------------------------------- IDX / MNIST
def idx_bytes(array: np.ndarray, code: int = 0x08, magic: bytes | None = None) -> bytes:
    header = magic or bytes([0, 0, code, array.ndim])
    return header + struct.pack(f">{array.ndim}i", *array.shape) + array.tobytes()


def write(path: Path, data: bytes, gz: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def mnist_files(folder: Path, prefix: str, count: int, gz: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, count, dtype=np.uint8)
    write(folder / f"{prefix}-images-idx3-ubyte", idx_bytes(images), gz)
    write(folder / f"{prefix}-labels-idx1-ubyte", idx_bytes(labels), gz)
    return images, labels


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("train", [True, False])
def test_load_mnist_round_trips_pixels_and_labels(tmp_path, gz, train):
    images, labels = mnist_files(tmp_path / "mnist", "train" if train else "t10k", 7, gz)
    ds = load_mnist(tmp_path, train=train)
    x, y = ds.tensors
    assert x.shape == (7, 1, 28, 28) and x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(x[:, 0], images.astype(np.float32) / 255)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_also_finds_files_directly_in_root_and_fashion_in_its_folder(tmp_path, monkeypatch):
    _, labels = mnist_files(tmp_path, "t10k", 3, gz=True)
    assert load_mnist(tmp_path, train=False).tensors[1].tolist() == labels.tolist()
    _, fashion = mnist_files(tmp_path / "fashion-mnist", "t10k", 4, gz=False, seed=5)
    assert load_mnist(tmp_path, train=False, kind="fashion").tensors[1].tolist() == fashion.tolist()
    monkeypatch.setenv("TENSORGRAD_DATA", str(tmp_path))
    assert len(load_mnist(train=False)) == 3


def test_load_mnist_missing_file_lists_every_place_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path / "data")
    message = str(info.value)
    for place in ("data/mnist/train-images-idx3-ubyte", "data/mnist/train-images-idx3-ubyte.gz"):
        assert str(tmp_path / place) in message
    assert str(tmp_path / "data" / "train-images-idx3-ubyte.gz") in message
    assert "download=True" in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in message
    with pytest.raises(ValueError, match="kind is one of"):
        load_mnist(tmp_path, kind="kmnist")


def test_read_idx_reads_every_element_type_big_endian(tmp_path):
    for code, dtype in [
        (0x08, ">u1"),
        (0x09, ">i1"),
        (0x0B, ">i2"),
        (0x0C, ">i4"),
        (0x0D, ">f4"),
        (0x0E, ">f8"),
    ]:
        array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
        if code == 0x08:
            array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
        path = write(tmp_path / f"t{code}", idx_bytes(array, code), gz=False)
        result = read_idx(path)
        assert result.dtype.isnative and result.flags.writeable
        np.testing.assert_array_equal(result, array)


def test_read_idx_refuses_bad_magic_unknown_type_and_wrong_lengths(tmp_path):
    good = idx_bytes(np.zeros((2, 3), np.uint8))
    bad_magic = write(tmp_path / "magic", b"\x01" + good[1:], gz=False)
    with pytest.raises(ValueError, match=rf"{bad_magic} is not an IDX file: it starts with 01 00 08 02"):
        read_idx(bad_magic)
    bad_type = write(tmp_path / "type", good[:2] + b"\x0a" + good[3:], gz=False)
    with pytest.raises(ValueError, match="unknown element type 0x0A"):
        read_idx(bad_type)
    short = write(tmp_path / "short", good[:-1], gz=False)
    with pytest.raises(ValueError, match=r"holds 5 data bytes, but its header promises shape \(2, 3\)"):
        read_idx(short)
    long = write(tmp_path / "long", good + b"\x00", gz=False)
    with pytest.raises(ValueError, match="holds 7 data bytes"):
        read_idx(long)
    cut_header = write(tmp_path / "header", good[:6], gz=False)
    with pytest.raises(ValueError, match="cut short inside its header"):
        read_idx(cut_header)


def test_read_idx_refuses_a_truncated_gzip_file(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((50, 28, 28), np.uint8)))[:-20])
    with pytest.raises(ValueError, match=rf"{path} is not a complete gzip file"):
        read_idx(path)


def test_load_mnist_refuses_mismatched_counts_and_bad_labels(tmp_path):
    rng = np.random.default_rng(0)
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(rng.integers(0, 255, (5, 28, 28), np.uint8)), False)
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(np.zeros(4, np.uint8)), False)
    with pytest.raises(ValueError, match="holds 5 images but .*train-labels-idx1-ubyte holds 4 labels"):
        load_mnist(tmp_path)
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(np.array([0, 1, 2, 3, 12], np.uint8)), False)
    with pytest.raises(ValueError, match="has label 12; labels are 0..9"):
        load_mnist(tmp_path)
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(np.zeros((5, 2), np.uint8)), False)
    with pytest.raises(ValueError, match=r"should hold uint8 labels \(count,\)"):
        load_mnist(tmp_path)


# ---------------------------------------------------------------- CIFAR-10
def cifar_batch(count: int, seed: int) -> tuple[bytes, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 3, 32, 32), dtype=np.uint8)
    labels = rng.integers(0, 10, count, dtype=np.uint8)
    records = np.concatenate([labels[:, None], images.reshape(count, 3072)], axis=1)
    return records.tobytes(), images, labels


def cifar_files(counts=(2, 3, 1, 2, 2), test_count=3) -> dict[str, tuple[bytes, np.ndarray, np.ndarray]]:
    files = {f"data_batch_{i + 1}.bin": cifar_batch(c, i) for i, c in enumerate(counts)}
    files["test_batch.bin"] = cifar_batch(test_count, 99)
    return files


def cifar_archive(
    path: Path, files: dict[str, tuple[bytes, ...]], extra: dict[str, bytes] | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        members = {**{f"cifar-10-batches-bin/{n}": f[0] for n, f in files.items()}, **(extra or {})}
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def expected_cifar(files, train: bool):
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if train else ["test_batch.bin"]
    images = np.concatenate([files[n][1] for n in names]).astype(np.float32) / 255
    return images, np.concatenate([files[n][2] for n in names]).astype(np.int64)


@pytest.mark.parametrize("train", [True, False])
def test_load_cifar10_reads_members_straight_from_the_archive(tmp_path, train):
    files = cifar_files()
    extra = {"cifar-10-batches-bin/batches.meta.txt": b"airplane\n", "../evil.bin": b"x"}
    cifar_archive(tmp_path / "cifar-10" / "cifar-10-binary.tar.gz", files, extra)
    x, y = load_cifar10(tmp_path, train=train).tensors
    images, labels = expected_cifar(files, train)
    assert x.shape == (10 if train else 3, 3, 32, 32) and x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(y, labels)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "cifar-10",
        "cifar-10-binary.tar.gz",
    ]  # nothing extracted


def test_load_cifar10_reads_the_extracted_folder_in_root(tmp_path):
    files = cifar_files()
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    for name, (data, _, _) in files.items():
        (folder / name).write_bytes(data)
    x, y = load_cifar10(tmp_path).tensors
    images, labels = expected_cifar(files, True)
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(y, labels)
    assert cifar10.CLASSES[3] == "cat" and len(cifar10.CLASSES) == 10


def test_load_cifar10_missing_lists_every_place_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_cifar10(tmp_path, train=False)
    message = str(info.value)
    for place in (
        "cifar-10/cifar-10-batches-bin",
        "cifar-10/cifar-10-binary.tar.gz",
        "cifar-10-binary.tar.gz",
    ):
        assert str(tmp_path / place) in message
    assert "download=True" in message and "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz" in message


def test_load_cifar10_refuses_a_truncated_batch_a_missing_member_and_a_broken_archive(tmp_path):
    files = cifar_files()
    data, images, labels = files["test_batch.bin"]
    files["test_batch.bin"] = (data[:-100], images, labels)
    archive = cifar_archive(tmp_path / "cifar-10-binary.tar.gz", files)
    with pytest.raises(ValueError, match=r"test_batch.bin has 9119 bytes, not a whole number of 3073-byte"):
        load_cifar10(tmp_path, train=False)
    del files["data_batch_4.bin"]
    cifar_archive(archive, files)
    with pytest.raises(ValueError, match="has no member cifar-10-batches-bin/data_batch_4.bin"):
        load_cifar10(tmp_path)
    archive.write_bytes(archive.read_bytes()[: len(archive.read_bytes()) // 2])
    with pytest.raises(ValueError, match="cannot read .* as a tar.gz archive"):
        load_cifar10(tmp_path)


def test_load_cifar10_refuses_labels_above_9(tmp_path):
    files = cifar_files()
    data = bytearray(files["test_batch.bin"][0])
    data[0] = 10
    folder = tmp_path / "cifar-10" / "cifar-10-batches-bin"
    folder.mkdir(parents=True)
    (folder / "test_batch.bin").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="has label 10; labels are 0..9"):
        load_cifar10(tmp_path, train=False)


@given(count=st.integers(1, 4), seed=st.integers(0, 50))
def test_cifar_records_are_channel_major(tmp_path_factory, count, seed):
    data, images, labels = cifar_batch(count, seed)
    folder = tmp_path_factory.mktemp("c") / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "test_batch.bin").write_bytes(data)
    x, y = load_cifar10(folder.parent, train=False).tensors
    # record k: byte 0 the label, bytes 1..1024 the red plane row by row, then green, then blue
    raw = np.frombuffer(data, np.uint8).reshape(count, 3073)
    assert y.tolist() == raw[:, 0].tolist() == labels.tolist()
    np.testing.assert_array_equal(x[:, 1, 2, 5] * 255, raw[:, 1 + 1024 + 2 * 32 + 5].astype(np.float32))
    np.testing.assert_array_equal(x, images / np.float32(255))
