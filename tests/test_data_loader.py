"""DataLoader, TensorDataset, Subset, random_split and stratified_split: coverage of every example, batch
sizes, reproducible shuffling, dtypes, and the fast (``__getitems__``) path agreeing with the per-example
one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.data import (
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
    stratified_split,
)


def indexed(n: int) -> TensorDataset:
    """Examples whose x row and label both say the example's index."""
    return TensorDataset(np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32), np.arange(n))


class PlainDataset(Dataset):
    """A dataset with no __getitems__: the loader must go example by example."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y, self.calls = x, y, 0

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.int64]:
        self.calls += 1
        return self.x[i], self.y[i]

    def __len__(self) -> int:
        return len(self.x)


def labels_of(loader: DataLoader) -> list[list[int]]:
    return [y.numpy().tolist() for _, y in loader]


# ---------------------------------------------------------------- coverage and sizes
@given(
    n=st.integers(0, 70),
    batch_size=st.integers(1, 20),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.one_of(st.none(), st.integers(0, 1000)),
)
def test_an_epoch_visits_every_index_once_in_batches_of_the_right_sizes(
    n, batch_size, shuffle, drop_last, seed
):
    loader = DataLoader(indexed(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed)
    batches = labels_of(loader)
    assert len(batches) == len(loader)
    sizes = [len(b) for b in batches]
    full, rest = divmod(n, batch_size)
    assert sizes == [batch_size] * full + ([rest] if rest and not drop_last else [])
    seen = [i for b in batches for i in b]
    assert len(seen) == len(set(seen))
    if drop_last:
        assert set(seen) <= set(range(n)) and len(seen) == full * batch_size
    else:
        assert sorted(seen) == list(range(n))
    if not shuffle:
        assert seen == list(range(len(seen)))


def test_len_counts_batches_with_and_without_drop_last():
    assert len(DataLoader(indexed(10), batch_size=3)) == 4
    assert len(DataLoader(indexed(10), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(indexed(9), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(indexed(2), batch_size=5, drop_last=True)) == 0
    assert list(DataLoader(indexed(2), batch_size=5, drop_last=True)) == []


def test_the_last_batch_holds_the_remainder():
    x_batches = [x.shape for x, _ in DataLoader(indexed(10), batch_size=4)]
    assert x_batches == [(4, 3), (4, 3), (2, 3)]


# ---------------------------------------------------------------- shuffling
def test_loader_with_seed_yields_the_same_epochs_twice_and_each_epoch_differs():
    first = DataLoader(indexed(50), batch_size=7, shuffle=True, seed=3)
    second = DataLoader(indexed(50), batch_size=7, shuffle=True, seed=3)
    epochs_a = [labels_of(first) for _ in range(3)]
    epochs_b = [labels_of(second) for _ in range(3)]
    assert epochs_a == epochs_b
    assert epochs_a[0] != epochs_a[1] != epochs_a[2]
    assert epochs_a[0] != labels_of(DataLoader(indexed(50), batch_size=7, shuffle=True, seed=4))
    assert [i for b in epochs_a[0] for i in b] != list(range(50))


def test_shuffling_without_seed_is_reproducible_with_manual_seed():
    loader = DataLoader(indexed(40), batch_size=8, shuffle=True)
    tg.manual_seed(11)
    run_a = [labels_of(loader), labels_of(loader)]
    tg.manual_seed(11)
    run_b = [labels_of(loader), labels_of(loader)]
    assert run_a == run_b
    assert run_a[0] != run_a[1]
    tg.manual_seed(12)
    assert labels_of(loader) != run_a[0]


def test_without_shuffle_every_epoch_is_in_order():
    loader = DataLoader(indexed(9), batch_size=4)
    assert labels_of(loader) == labels_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8]]


# ---------------------------------------------------------------- batches and dtypes
def test_batches_are_tensors_float64_becomes_float32_and_int_labels_stay_int64():
    x = np.linspace(0, 1, 12).reshape(6, 2)  # float64
    dataset = TensorDataset(x, np.array([0, 1, 2, 0, 1, 2]), np.ones(6, dtype=np.float16), np.ones(6, bool))
    xb, yb, hb, bb = next(iter(DataLoader(dataset, batch_size=4)))
    assert all(isinstance(t, tg.Tensor) and not t.requires_grad for t in (xb, yb, hb, bb))
    assert (xb.dtype, yb.dtype, hb.dtype, bb.dtype) == (np.float32, np.int64, np.float16, np.bool_)
    np.testing.assert_array_equal(xb.numpy(), x[:4].astype(np.float32))
    assert yb.numpy().tolist() == [0, 1, 2, 0]


def test_a_single_array_dataset_yields_one_tensor_per_batch_and_tensor_dataset_yields_a_tuple():
    class Squares(Dataset):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int) -> np.ndarray:
            return np.array([i * i], dtype=np.float32)

    batch = next(iter(DataLoader(Squares(), batch_size=5)))
    assert isinstance(batch, tg.Tensor)
    assert batch.numpy().ravel().tolist() == [0, 1, 4, 9, 16]
    (only,) = next(iter(DataLoader(TensorDataset(np.arange(4.0)), batch_size=2)))
    assert only.numpy().tolist() == [0.0, 1.0]


def test_per_example_path_gives_the_same_batches_as_the_fast_path():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((53, 4)), rng.integers(0, 5, 53)
    plain = PlainDataset(x, y)
    fast = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=1)
    slow = DataLoader(plain, batch_size=8, shuffle=True, seed=1)
    for (xf, yf), (xs, ys) in zip(fast, slow, strict=True):
        assert xf.dtype == xs.dtype == np.float32 and yf.dtype == ys.dtype == np.int64
        np.testing.assert_array_equal(xf.numpy(), xs.numpy())
        np.testing.assert_array_equal(yf.numpy(), ys.numpy())
    assert plain.calls == 53


def test_the_fast_path_never_calls_getitem():
    class Counting(TensorDataset):
        def __getitem__(self, i):
            raise AssertionError("the loader should batch with __getitems__")

    batches = list(DataLoader(Counting(np.zeros((10, 2)), np.arange(10)), batch_size=4, shuffle=True, seed=0))
    assert [len(y) for _, y in batches] == [4, 4, 2]


def test_a_custom_collate_fn_gets_the_list_of_examples():
    got = []

    def collate(examples):
        got.append(len(examples))
        return [int(y) for _, y in examples]

    loader = DataLoader(TensorDataset(np.zeros((5, 1)), np.arange(5)), batch_size=2, collate_fn=collate)
    assert list(loader) == [[0, 1], [2, 3], [4]]
    assert got == [2, 2, 1]


def test_default_collate_stacks_tuples_dicts_and_numbers():
    x, y = default_collate([(np.array([1.0, 2.0]), 3), (np.array([4.0, 5.0]), 6)])
    assert x.numpy().tolist() == [[1.0, 2.0], [4.0, 5.0]] and x.dtype == np.float32
    assert y.numpy().tolist() == [3, 6] and y.dtype == np.int64
    batch = default_collate([{"a": 1.5, "b": True}, {"a": 2.5, "b": False}])
    assert batch["a"].numpy().tolist() == [1.5, 2.5] and batch["b"].dtype == np.bool_
    with pytest.raises(ValueError, match="different shapes"):
        default_collate([np.zeros(2), np.zeros(3)])


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "4", True, None])
def test_a_bad_batch_size_is_refused_with_its_value(batch_size):
    with pytest.raises(ValueError, match=f"batch_size is a positive int, got {batch_size!r}"):
        DataLoader(indexed(4), batch_size=batch_size)


def test_a_bad_seed_or_a_dataset_without_length_is_refused():
    with pytest.raises(ValueError, match="seed is a non-negative int"):
        DataLoader(indexed(4), seed=-1)
    with pytest.raises(TypeError, match="needs __len__"):
        DataLoader(object())


# ---------------------------------------------------------------- datasets
def test_tensor_dataset_rows_and_fancy_batches():
    x, y = np.arange(12.0).reshape(4, 3), np.array([3, 1, 2, 0])
    ds = TensorDataset(tg.tensor(x), y)
    assert len(ds) == 4
    row, label = ds[2]
    assert row.tolist() == [6.0, 7.0, 8.0] and label == 2
    xb, yb = ds.__getitems__(np.array([3, 0]))
    assert xb.tolist() == [[9.0, 10.0, 11.0], [0.0, 1.0, 2.0]] and yb.tolist() == [0, 3]
    assert all(isinstance(a, np.ndarray) for a in ds.arrays) and all(
        isinstance(t, tg.Tensor) for t in ds.tensors
    )


def test_tensor_dataset_names_mismatched_lengths():
    with pytest.raises(ValueError, match=r"same length along axis 0, got lengths \(5, 4\)"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="scalar"):
        TensorDataset(np.float32(3.0))


def test_subset_maps_indices_and_forwards_getitems_only_when_the_base_has_it():
    base = TensorDataset(np.arange(10) * 10)
    sub = Subset(base, [7, 2, 5])
    assert len(sub) == 3 and sub[0][0] == 70
    assert sub.__getitems__(np.array([2, 0]))[0].tolist() == [50, 70]
    plain = Subset(PlainDataset(np.arange(4.0), np.arange(4)), [1, 3])
    assert not hasattr(plain, "__getitems__")
    assert [y.numpy().tolist() for _, y in DataLoader(plain, batch_size=2)] == [[1, 3]]
    with pytest.raises(IndexError, match="the dataset has 10 examples"):
        Subset(base, [3, 10])


def test_random_split_with_int_lengths_is_disjoint_complete_and_deterministic():
    parts = random_split(indexed(20), [12, 5, 3], seed=0)
    assert [len(p) for p in parts] == [12, 5, 3]
    indices = np.concatenate([p.indices for p in parts])
    assert sorted(indices.tolist()) == list(range(20))
    again = random_split(indexed(20), [12, 5, 3], seed=0)
    assert all(np.array_equal(a.indices, b.indices) for a, b in zip(parts, again))
    other = random_split(indexed(20), [12, 5, 3], seed=1)
    assert not np.array_equal(parts[0].indices, other[0].indices)


@pytest.mark.parametrize(
    ("n", "fractions", "sizes"),
    [
        (10, [0.8, 0.2], [8, 2]),
        (11, [0.5, 0.5], [6, 5]),
        (10, [0.33, 0.33, 0.34], [4, 3, 3]),  # floors 3, 3, 3; the one left over goes to the first
        (7, [0.25, 0.25, 0.25, 0.25], [2, 2, 2, 1]),
    ],
)
def test_random_split_fractions_follow_pytorchs_round_robin(n, fractions, sizes):
    assert [len(p) for p in random_split(indexed(n), fractions, seed=0)] == sizes


def test_random_split_without_seed_follows_manual_seed_and_rejects_bad_lengths():
    tg.manual_seed(5)
    a = random_split(indexed(15), [10, 5])
    tg.manual_seed(5)
    b = random_split(indexed(15), [10, 5])
    assert np.array_equal(a[0].indices, b[0].indices)
    with pytest.raises(ValueError, match="sum to 14, the dataset has 15"):
        random_split(indexed(15), [10, 4])
    with pytest.raises(ValueError, match="fractions summing to 1"):
        random_split(indexed(15), [0.5, 0.2])


def test_random_split_subsets_load_through_the_fast_path():
    train, _ = random_split(indexed(30), [0.6, 0.4], seed=2)
    seen = [i for _, y in DataLoader(train, batch_size=7) for i in y.numpy().tolist()]
    assert seen == train.indices.tolist()


@given(
    counts=st.lists(st.integers(2, 40), min_size=1, max_size=6),
    fraction=st.floats(0.05, 0.95),
    seed=st.integers(0, 100),
)
def test_stratified_split_divides_each_class_in_the_same_proportion(counts, fraction, seed):
    labels = np.random.default_rng(seed).permutation(np.repeat(np.arange(len(counts)), counts))
    train, test = stratified_split(labels, test_fraction=fraction, seed=seed)
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(labels)))
    for c, count in enumerate(counts):
        in_test = int(np.sum(labels[test] == c))
        assert 1 <= in_test <= count - 1
        assert abs(in_test - fraction * count) < 1 or in_test in (1, count - 1)
    again = stratified_split(labels, test_fraction=fraction, seed=seed)
    assert np.array_equal(again[1], test)


def test_stratified_split_rounds_the_test_size_up_as_scikit_learn():
    labels = np.repeat([0, 1, 2], [10, 20, 33])  # 63 * 0.2 = 12.6 -> 13
    train, test = stratified_split(labels, test_fraction=0.2, seed=0)
    assert len(test) == 13 and len(train) == 50
    assert np.bincount(labels[test]).tolist() == [2, 4, 7]  # 2.0, 4.0, 6.6: the remainder goes to class 2


def test_stratified_split_refuses_tiny_classes_and_bad_fractions():
    with pytest.raises(ValueError, match=r"classes \[7\] have fewer"):
        stratified_split([0, 0, 0, 7], test_fraction=0.5)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        stratified_split([0, 0, 1, 1], test_fraction=1.0)


def test_pytorch_worker_arguments_are_accepted_and_change_no_batch():
    data = TensorDataset(np.arange(20.0).reshape(10, 2), np.arange(10))
    plain = list(DataLoader(data, batch_size=3, shuffle=True, seed=1))
    ported = list(DataLoader(data, batch_size=3, shuffle=True, seed=1, num_workers=4, pin_memory=True))
    assert len(plain) == len(ported) == 4
    for (x1, y1), (x2, y2) in zip(plain, ported):
        np.testing.assert_array_equal(x1.numpy(), x2.numpy())
        np.testing.assert_array_equal(y1.numpy(), y2.numpy())
    with pytest.raises(ValueError, match="num_workers is a non-negative int, got -1"):
        DataLoader(data, num_workers=-1)
    with pytest.raises(TypeError):
        DataLoader(data, sampler=None)  # not supported: an error, not silently ignored
