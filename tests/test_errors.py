"""Bad input gets an error that names the op, the shapes and what was expected."""

import numpy as np
import pytest

import tensorgrad as tg


def test_shapes_that_do_not_broadcast_name_the_op_and_both_shapes():
    a, b = tg.zeros(2, 3), tg.zeros(4)
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) do not broadcast"):
        a + b
    with pytest.raises(ValueError, match=r"mul: shapes \(2, 3\) and \(4,\) do not broadcast"):
        a * b
    with pytest.raises(ValueError, match=r"maximum: shapes \(2, 3\) and \(4,\)"):
        tg.maximum(a, b)


def test_matmul_inner_dimension_mismatch_says_which_dimensions_differ():
    with pytest.raises(
        ValueError, match=r"matmul: inner dimensions differ in \(2, 3\) @ \(4, 5\).*\(3\).*\(4\)"
    ):
        tg.zeros(2, 3) @ tg.zeros(4, 5)
    with pytest.raises(ValueError, match=r"matmul: inner dimensions differ in \(3,\) @ \(4,\)"):
        tg.zeros(3) @ tg.zeros(4)


def test_matmul_batch_dimensions_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"matmul: batch dimensions \(2,\) and \(3,\)"):
        tg.zeros(2, 4, 5) @ tg.zeros(3, 5, 6)


def test_matmul_with_a_scalar_suggests_mul():
    with pytest.raises(ValueError, match="use \\* to multiply by a scalar"):
        tg.zeros(3) @ tg.tensor(2.0)


def test_backward_on_a_non_scalar_without_gradient_explains_both_fixes():
    x = tg.zeros(2, 3, requires_grad=True)
    with pytest.raises(
        RuntimeError, match=r"shape \(2, 3\).*must be a scalar.*loss.mean\(\).*gradient of shape"
    ):
        (x * 2).backward()


def test_backward_on_a_tensor_without_grad_says_why():
    with pytest.raises(RuntimeError, match="does not require grad.*requires_grad=True.*no_grad"):
        tg.ones(3).sum().backward()
    x = tg.ones(3, requires_grad=True)
    with tg.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_backward_with_a_gradient_of_the_wrong_shape():
    x = tg.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\) but the output has shape \(2, 3\)"):
        (x * 2).backward(np.ones(3))
    with pytest.raises(RuntimeError, match=r"gradient has shape \(2,\)"):
        (x * 2).backward(tg.ones(2))


def test_reshape_to_a_different_size():
    with pytest.raises(
        ValueError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\)"
    ):
        tg.zeros(2, 3).reshape(4, 2)


def test_axis_out_of_range_names_the_op_and_the_valid_axes():
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of range.*2 dimension.*-2\.\.1"):
        tg.zeros(2, 3).sum(axis=2)
    with pytest.raises(ValueError, match="softmax: axis 5"):
        tg.zeros(2, 3).softmax(5)
    with pytest.raises(TypeError, match="axis .* or dim .* not both"):
        tg.zeros(2, 3).sum(axis=0, dim=1)


def test_index_out_of_bounds_names_the_tensor_shape():
    with pytest.raises(IndexError, match=r"index: index 5 is out of bounds.*shape \(3,\)"):
        tg.zeros(3)[5]
    with pytest.raises(IndexError, match="index arrays must be integer or boolean"):
        tg.zeros(3)[tg.tensor([0.5])]


def test_cat_and_stack_with_mismatched_shapes():
    with pytest.raises(ValueError, match=r"cat: cannot join shapes \(2, 3\), \(2, 4\) along axis 0"):
        tg.cat([tg.zeros(2, 3), tg.zeros(2, 4)])
    with pytest.raises(ValueError, match="stack: all tensors need the same shape"):
        tg.stack([tg.zeros(2), tg.zeros(3)])
    with pytest.raises(ValueError, match="non-empty list"):
        tg.cat([])


def test_split_sizes_must_add_up():
    with pytest.raises(ValueError, match=r"split: sizes \[1, 1\] must be non-negative and add up to 3"):
        tg.zeros(3).split([1, 1])


def test_broadcast_to_an_incompatible_shape():
    with pytest.raises(ValueError, match=r"broadcast_to: cannot broadcast shape \(3,\) to \(4,\)"):
        tg.zeros(3).broadcast_to(4)


def test_where_needs_a_boolean_condition():
    with pytest.raises(TypeError, match="where: the condition must be boolean"):
        tg.where(tg.zeros(2), tg.zeros(2), tg.ones(2))


def test_clip_needs_a_bound():
    with pytest.raises(ValueError, match="clip: give at least one of min and max"):
        tg.zeros(2).clip()


def test_errors_come_without_a_deep_numpy_traceback():
    with pytest.raises(ValueError) as caught:
        tg.zeros(2, 3) + tg.zeros(4)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
