"""tg.save / tg.load: npz archives without pickle, nested state dicts rebuilt exactly, atomic writes."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn


def test_model_state_dict_round_trip(tmp_path):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 4), nn.BatchNorm1D(4), nn.ReLU(), nn.Dense(4, 2))
    model(tg.randn(8, 3))  # running statistics move away from their initial values
    path = tmp_path / "model.npz"
    tg.save(model.state_dict(), path)
    loaded = tg.load(path)
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert isinstance(loaded[key], tg.Tensor)  # tensors come back as tensors, as torch.load gives them
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)
    fresh = nn.Sequential(nn.Dense(3, 4), nn.BatchNorm1D(4), nn.ReLU(), nn.Dense(4, 2))
    fresh.load_state_dict(loaded)
    x = tg.randn(5, 3)
    np.testing.assert_array_equal(fresh.eval()(x).numpy(), model.eval()(x).numpy())


def test_the_archive_is_a_plain_npz_with_arrays_under_their_names(tmp_path):
    path = tmp_path / "weights.npz"
    tg.save({"fc.weight": np.arange(6.0).reshape(2, 3), "fc.bias": tg.tensor([1.0, 2.0])}, path)
    loaded = tg.load(path)  # what was a numpy array stays one; what was a Tensor is a Tensor again
    assert type(loaded["fc.weight"]) is np.ndarray and type(loaded["fc.bias"]) is tg.Tensor
    assert loaded["fc.bias"].tolist() == [1.0, 2.0] and loaded["fc.bias"].dtype == np.float32
    with np.load(path, allow_pickle=False) as archive:
        assert set(archive.files) == {"fc.weight", "fc.bias", "__tensorgrad__"}
        np.testing.assert_array_equal(archive["fc.weight"], np.arange(6.0).reshape(2, 3))


def test_nested_structures_come_back_with_their_types(tmp_path):
    state = {
        "state": {0: {"step": 3, "exp_avg": np.ones(2), "count": np.int64(5)}, 1: {}},
        "param_groups": [
            {"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False, "foo": None}
        ],
        "name": "adam",
        "inf": float("inf"),
    }
    path = tmp_path / "optimizer.npz"
    tg.save(state, path)
    loaded = tg.load(path)
    assert loaded["state"][0]["step"] == 3
    assert isinstance(loaded["state"][0]["count"], np.int64)
    np.testing.assert_array_equal(loaded["state"][0]["exp_avg"], np.ones(2))
    assert loaded["state"][1] == {}
    assert loaded["param_groups"] == state["param_groups"]
    assert isinstance(loaded["param_groups"][0]["betas"], tuple)
    assert list(loaded["state"]) == [0, 1]  # integer keys stay integers
    assert loaded["name"] == "adam" and loaded["inf"] == float("inf")


def test_a_plain_npz_loads_as_a_dict_of_arrays(tmp_path):
    path = tmp_path / "converted.npz"
    np.savez(path, **{"0.weight": np.ones((2, 2)), "0.bias": np.zeros(2)})
    loaded = tg.load(path)
    assert set(loaded) == {"0.weight", "0.bias"}
    np.testing.assert_array_equal(loaded["0.weight"], np.ones((2, 2)))


def test_save_refuses_what_would_need_pickle(tmp_path):
    with pytest.raises(TypeError, match="array of Python objects, which needs pickle"):
        tg.save({"bad": np.array([object()], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="cannot store set at 'a'"):
        tg.save({"a": {1, 2}}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match=r"save model.state_dict\(\)"):
        tg.save(nn.Dense(2, 2), tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []


def test_load_never_unpickles(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"code": "runs?"}], dtype=object))  # an object array is stored by pickle
    with pytest.raises(ValueError, match="not a readable npz archive"):
        tg.load(path)


def test_load_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load: no file at .*missing.npz"):
        tg.load(tmp_path / "missing.npz")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ValueError, match="is not a readable npz archive"):
        tg.load(garbage)
    with pytest.raises(FileNotFoundError, match="the folder .* does not exist"):
        tg.save({"a": np.ones(1)}, tmp_path / "no" / "such" / "dir.npz")


def test_load_of_a_folder_says_it_is_a_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"load: .* is a folder; give the path of a file"):
        tg.load(tmp_path)


def test_a_file_written_by_torch_save_is_named_with_how_to_convert_it(tmp_path):
    """torch.save writes a zip whose members are a pickle (data.pkl) and raw storages: numpy's npz reader
    would return them as bytes. The layout is built here by hand (no torch in the tests)."""
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model/data.pkl", b"\x80\x02}q\x00.")
        archive.writestr("model/data/0", np.ones(6, dtype=np.float32).tobytes())
        archive.writestr("model/version", b"3\n")
    with pytest.raises(ValueError, match=r"written by torch.save .* numpy.savez\('model.npz'"):
        tg.load(path)


def test_a_zip_of_other_files_is_not_taken_for_an_npz(tmp_path):
    path = tmp_path / "notes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", b"hello")
    with pytest.raises(ValueError, match=r"zip archive but not an npz file: 'readme.txt' is not a .npy"):
        tg.load(path)


def test_a_truncated_archive_or_a_npy_file_is_a_clear_error(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": np.ones(100)}, path)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[:100])  # an interrupted copy
    with pytest.raises(ValueError, match="is not a readable npz archive"):
        tg.load(truncated)
    np.save(tmp_path / "array.npy", np.ones(2))
    with pytest.raises(ValueError, match="is not a readable npz archive"):
        tg.load(tmp_path / "array.npy")


def test_saved_files_get_the_usual_permissions_not_private_temporary_ones(tmp_path):
    tg.save({"w": np.ones(1)}, tmp_path / "ckpt.npz")
    np.save(tmp_path / "reference.npy", np.ones(1))  # a file created the ordinary way
    assert os.stat(tmp_path / "ckpt.npz").st_mode == os.stat(tmp_path / "reference.npy").st_mode


def test_a_crash_while_writing_leaves_the_old_checkpoint_intact_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": np.ones(3)}, path)
    original = path.read_bytes()
    calls = []

    def crash_on_second_array(file, array, allow_pickle):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("power cut")
        return real_write(file, array, allow_pickle=allow_pickle)

    real_write = np.lib.format.write_array
    monkeypatch.setattr(np.lib.format, "write_array", crash_on_second_array)
    with pytest.raises(KeyboardInterrupt):
        tg.save({"w": np.zeros(3), "v": np.zeros(1000)}, path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    np.testing.assert_array_equal(tg.load(path)["w"], np.ones(3))


def test_saving_over_an_existing_file_replaces_it(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": np.ones(3)}, path)
    tg.save({"w": np.zeros(2)}, path)
    np.testing.assert_array_equal(tg.load(path)["w"], np.zeros(2))
    assert zipfile.is_zipfile(io.BytesIO(path.read_bytes()))


def test_resuming_from_a_saved_model_and_optimizer_gives_the_identical_trajectory(tmp_path):
    from tensorgrad import optim

    rng = np.random.default_rng(0)
    batches = [(tg.tensor(rng.normal(size=(8, 3))), rng.integers(0, 2, 8)) for _ in range(6)]

    def make():
        tg.manual_seed(1)
        model = nn.Sequential(nn.Dense(3, 5), nn.ReLU(), nn.Dense(5, 2)).double()
        optimizer = optim.Adam(model.parameters(), lr=0.05, amsgrad=True)
        return model, optimizer, optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

    def train(model, optimizer, scheduler, steps):
        for x, y in steps:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
            scheduler.step()

    model, optimizer, scheduler = make()
    train(model, optimizer, scheduler, batches)
    uninterrupted = model.state_dict()

    model, optimizer, scheduler = make()
    train(model, optimizer, scheduler, batches[:3])
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
    }
    tg.save(checkpoint, tmp_path / "checkpoint.npz")
    del model, optimizer, scheduler

    restored = tg.load(tmp_path / "checkpoint.npz")
    model, optimizer, scheduler = make()
    model.load_state_dict(restored["model"])
    optimizer.load_state_dict(restored["optimizer"])
    scheduler.load_state_dict(restored["scheduler"])
    train(model, optimizer, scheduler, batches[3:])
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, uninterrupted[key])


def test_open_files_and_bytes_buffers_work_as_torch_save_and_load_take_them(tmp_path):
    model = tg.nn.Linear(3, 2)
    buffer = io.BytesIO()
    tg.save(model.state_dict(), buffer)
    buffer.seek(0)
    loaded = tg.load(buffer, map_location="cpu", weights_only=True)
    assert buffer.tell() == len(buffer.getvalue())  # read to the end, as torch.load leaves it
    np.testing.assert_array_equal(loaded["weight"].numpy(), model.weight.numpy())
    with open(tmp_path / "model.pt", "wb") as f:
        tg.save({"step": 3}, f)
    with open(tmp_path / "model.pt", "rb") as f:
        assert tg.load(f) == {"step": 3}
    with pytest.raises(ValueError, match=r"weights_only=False asks to unpickle arbitrary objects"):
        tg.load(io.BytesIO(buffer.getvalue()), weights_only=False)
    with pytest.raises(ValueError, match=r"is not a readable npz archive"):
        tg.load(io.BytesIO(b"not an archive"))
