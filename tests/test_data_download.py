"""Verified downloads against a local HTTP server on 127.0.0.1 (never the internet): files are complete and
checked or absent, mirrors are tried in order, and present files are not fetched again."""

from __future__ import annotations

import gzip
import hashlib
import io
import socket
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest

from tensorgrad.data import DownloadError, Resource, download, load_cifar10, load_mnist
from tensorgrad.data.datasets import cifar10, mnist


def serve(server, name: str, data: bytes) -> str:
    (server.folder / name).write_bytes(data)
    return server.url + name


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def contents(folder: Path) -> list[str]:
    """Every file under ``folder`` (hidden temporary files included), relative."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------- download()
def test_download_fetches_verifies_and_puts_the_file_in_place(server, tmp_path):
    data = bytes(range(256)) * 5000
    url = serve(server, "blob.bin", data)
    target = tmp_path / "out" / "deeper" / "blob.bin"
    result = download(url, target, md5=md5(data), sha256=hashlib.sha256(data).hexdigest())
    assert result == target and target.read_bytes() == data
    assert contents(tmp_path / "out") == ["deeper/blob.bin"]


def test_a_present_file_with_the_right_checksum_is_not_fetched_again(server, tmp_path):
    data = b"abc" * 1000
    url = serve(server, "a.bin", data)
    download(url, tmp_path / "a.bin", md5=md5(data))
    download(url, tmp_path / "a.bin", md5=md5(data).upper())
    download(url, tmp_path / "a.bin")
    assert server.requests == ["/a.bin"]


def test_a_present_file_with_a_wrong_checksum_is_fetched_again(server, tmp_path):
    data = b"the right bytes"
    url = serve(server, "a.bin", data)
    (tmp_path / "a.bin").write_bytes(b"stale")
    download(url, tmp_path / "a.bin", md5=md5(data))
    assert (tmp_path / "a.bin").read_bytes() == data and server.requests == ["/a.bin"]


def test_a_checksum_mismatch_names_the_url_and_both_checksums_and_leaves_nothing(server, tmp_path):
    data = b"corrupted on the server"
    url = serve(server, "c.bin", data)
    out = tmp_path / "out"
    wrong = "0" * 32
    with pytest.raises(DownloadError) as info:
        download(url, out / "c.bin", md5=wrong)
    message = str(info.value)
    assert url in message and f"expected md5 {wrong}" in message and f"got {md5(data)}" in message
    assert contents(out) == []
    with pytest.raises(
        DownloadError, match=f"expected sha256 {'f' * 64}, got {hashlib.sha256(data).hexdigest()}"
    ):
        download(url, out / "c.bin", sha256="f" * 64)
    assert contents(out) == []


def test_a_failed_refetch_leaves_the_old_file_untouched(server, tmp_path):
    url = serve(server, "c.bin", b"new but wrong")
    (tmp_path / "c.bin").write_bytes(b"old")
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download(url, tmp_path / "c.bin", md5="1" * 32)
    assert contents(tmp_path / "served") == ["c.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.bin", "served"]
    assert (tmp_path / "c.bin").read_bytes() == b"old"


def test_an_http_error_names_the_url_and_status_and_leaves_nothing(server, tmp_path):
    with pytest.raises(DownloadError, match=rf"{server.url}missing.bin answered HTTP 404"):
        download(server.url + "missing.bin", tmp_path / "out" / "missing.bin", md5="0" * 32)
    assert contents(tmp_path / "out") == []


def test_a_refused_connection_names_the_url_and_leaves_nothing(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.bin"
    with pytest.raises(DownloadError, match=rf"cannot reach {url}"):
        download(url, tmp_path / "x.bin", timeout=5)
    assert contents(tmp_path) == []


def test_a_body_cut_short_is_an_error_and_leaves_nothing(server, tmp_path):
    data = np.random.default_rng(0).integers(0, 256, 300_000, dtype=np.uint8).tobytes()
    url = serve(server, "t.bin", data)
    server.truncate.add("/t.bin")
    with pytest.raises(DownloadError, match=rf"{url} was cut short: got 150000 of 300000 bytes"):
        download(url, tmp_path / "out" / "t.bin")  # no checksum: the length check alone must catch it
    assert contents(tmp_path / "out") == []


# ---------------------------------------------------------------- data sets with download=True
def idx_gz(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    return gzip.compress(header + array.tobytes())


@pytest.fixture
def mnist_server(server, monkeypatch):
    """The four MNIST files (small) on the local server, with the resources table pointed at it."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 6, dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 2, dtype=np.uint8),
    }
    table = []
    for name, array in arrays.items():
        data = serve(server, name, idx_gz(array)) and (server.folder / name).read_bytes()
        table.append(Resource(name, md5(data), (server.url,)))
    monkeypatch.setitem(mnist.RESOURCES, "mnist", tuple(table))
    server.arrays = arrays
    return server


def test_load_mnist_downloads_verifies_loads_and_does_not_fetch_twice(mnist_server, tmp_path):
    root = tmp_path / "data"
    ds = load_mnist(root, train=True, download=True)
    arrays = mnist_server.arrays
    np.testing.assert_array_equal(ds.tensors[0][:, 0], arrays["train-images-idx3-ubyte.gz"] / np.float32(255))
    np.testing.assert_array_equal(ds.tensors[1], arrays["train-labels-idx1-ubyte.gz"])
    assert contents(root) == ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz"]
    assert mnist_server.requests == ["/train-images-idx3-ubyte.gz", "/train-labels-idx1-ubyte.gz"]
    load_mnist(root, train=True, download=True)
    assert len(mnist_server.requests) == 2
    assert len(load_mnist(root, train=False, download=True)) == 2
    assert len(mnist_server.requests) == 4


def test_load_mnist_with_a_corrupt_file_on_the_server_fails_clearly_and_keeps_nothing(
    mnist_server, monkeypatch, tmp_path
):
    table = list(mnist.RESOURCES["mnist"])
    table[0] = Resource(table[0].filename, "0" * 32, table[0].mirrors)
    monkeypatch.setitem(mnist.RESOURCES, "mnist", tuple(table))
    with pytest.raises(DownloadError) as info:
        load_mnist(tmp_path, download=True)
    message = str(info.value)
    got = md5((mnist_server.folder / "train-images-idx3-ubyte.gz").read_bytes())
    assert f"{mnist_server.url}train-images-idx3-ubyte.gz" in message
    assert f"expected md5 {'0' * 32}" in message and f"got {got}" in message
    assert contents(tmp_path / "mnist") == []


def test_a_404_on_the_first_mirror_falls_back_to_the_second(mnist_server, monkeypatch, tmp_path):
    table = tuple(
        Resource(r.filename, r.md5, (mnist_server.url + "gone/", mnist_server.url))
        for r in mnist.RESOURCES["mnist"]
    )
    monkeypatch.setitem(mnist.RESOURCES, "mnist", table)
    assert len(load_mnist(tmp_path, train=False, download=True)) == 2
    assert mnist_server.requests == [
        "/gone/t10k-images-idx3-ubyte.gz",
        "/t10k-images-idx3-ubyte.gz",
        "/gone/t10k-labels-idx1-ubyte.gz",
        "/t10k-labels-idx1-ubyte.gz",
    ]


def test_when_every_mirror_fails_the_error_lists_each(mnist_server, monkeypatch, tmp_path):
    table = tuple(
        Resource(r.filename, r.md5, (mnist_server.url + "a/", mnist_server.url + "b/"))
        for r in mnist.RESOURCES["mnist"]
    )
    monkeypatch.setitem(mnist.RESOURCES, "mnist", table)
    with pytest.raises(DownloadError) as info:
        load_mnist(tmp_path / "data", download=True)
    message = str(info.value)
    assert "could not get train-images-idx3-ubyte.gz from any mirror" in message
    assert f"{mnist_server.url}a/train-images-idx3-ubyte.gz answered HTTP 404" in message
    assert f"{mnist_server.url}b/train-images-idx3-ubyte.gz answered HTTP 404" in message
    assert contents(tmp_path / "data") == []


def test_a_truncated_archive_download_keeps_nothing(server, monkeypatch, tmp_path):
    data = np.random.default_rng(1).integers(0, 256, 200_000, dtype=np.uint8).tobytes()
    serve(server, "cifar-10-binary.tar.gz", data)
    server.truncate.add("/cifar-10-binary.tar.gz")
    monkeypatch.setattr(cifar10, "RESOURCES", (Resource("cifar-10-binary.tar.gz", md5(data), (server.url,)),))
    with pytest.raises(DownloadError, match="cifar-10-binary.tar.gz"):
        load_cifar10(tmp_path, download=True)
    assert contents(tmp_path / "cifar-10") == []


def test_load_cifar10_downloads_verifies_loads_and_does_not_fetch_twice(server, monkeypatch, tmp_path):
    rng = np.random.default_rng(2)
    buffer = io.BytesIO()
    expected = {}
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            labels = rng.integers(0, 10, 2, dtype=np.uint8)
            images = rng.integers(0, 256, (2, 3072), dtype=np.uint8)
            expected[name] = (images.reshape(2, 3, 32, 32), labels)
            record = np.concatenate([labels[:, None], images], axis=1).tobytes()
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(record)
            tar.addfile(info, io.BytesIO(record))
    data = buffer.getvalue()
    serve(server, "cifar-10-binary.tar.gz", data)
    monkeypatch.setattr(cifar10, "RESOURCES", (Resource("cifar-10-binary.tar.gz", md5(data), (server.url,)),))
    root = tmp_path / "data"
    x, y = load_cifar10(root, train=False, download=True).tensors
    np.testing.assert_array_equal(x, expected["test_batch.bin"][0] / np.float32(255))
    np.testing.assert_array_equal(y, expected["test_batch.bin"][1])
    assert contents(root) == ["cifar-10/cifar-10-binary.tar.gz"]
    x, y = load_cifar10(root, train=True, download=True).tensors
    assert len(x) == 10
    np.testing.assert_array_equal(y[6:8], expected["data_batch_4.bin"][1])
    assert server.requests == ["/cifar-10-binary.tar.gz"]


def test_the_resources_tables_hold_the_canonical_files_and_checksums():
    by_name = {r.filename: r for r in mnist.RESOURCES["mnist"]}
    assert by_name["train-images-idx3-ubyte.gz"].md5 == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert by_name["t10k-labels-idx1-ubyte.gz"].md5 == "ec29112dd5afa0611ce80d1b7f02629c"
    assert by_name["train-images-idx3-ubyte.gz"].urls == [
        "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
        "http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz",
    ]
    fashion = {r.filename: r.md5 for r in mnist.RESOURCES["fashion"]}
    assert fashion["train-images-idx3-ubyte.gz"] == "8d4fb7e6c68d591d4c3dfef9ec88bf0d"
    (archive,) = cifar10.RESOURCES
    assert archive.urls == ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"]
    assert archive.md5 == "c32a1d4ab5d03f1284b67883e8d87530"
