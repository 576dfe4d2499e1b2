"""``seqlab.gradcheck``: centred differences against derivatives worked out by hand, and ``relative_error``.

The functions here are simple enough that their derivatives are known in closed form (polynomials, ``sin``,
matrix products: ``d/dX sum((X @ A) * U) = U @ A.T`` and ``d/dA sum((X @ A) * U) = X.T @ U``). Where every
entry of the gradient is bounded away from zero, a correct gradient agrees to a relative error below 1e-7
in float64; elsewhere the comparison is absolute-plus-relative.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab.gradcheck import numerical_gradient, numerical_gradient_array, relative_error

SETTINGS = settings(max_examples=25, deadline=None)
RTOL, ATOL = 1e-6, 1e-8

seed = st.integers(0, 2**32 - 1)
dim = st.integers(1, 4)
shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


def positive(rng: np.random.Generator, shape) -> np.ndarray:
    """Entries in [0.5, 1.5]: products and sums of them keep gradients away from zero."""
    return rng.uniform(0.5, 1.5, size=shape)


# --------------------------------------------------------------------------------------------------
# numerical_gradient
# --------------------------------------------------------------------------------------------------


@SETTINGS
@given(shape=shapes, s=seed)
def test_polynomial(shape, s):
    rng = np.random.default_rng(s)
    x = positive(rng, shape)
    a, b, c = rng.uniform(0.5, 2.0, size=3)

    def f():
        return float(np.sum(a * x**3 - b * x**2 + c * x + 4.0))

    expected = 3 * a * x**2 - 2 * b * x + c
    got = numerical_gradient(f, x)
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    if np.min(np.abs(expected)) > 0.1:
        assert relative_error(got, expected) < 1e-7


@SETTINGS
@given(shape=shapes, s=seed)
def test_sin(shape, s):
    rng = np.random.default_rng(s)
    x = rng.uniform(-1.0, 1.0, size=shape)  # cos(x) >= 0.54
    w = positive(rng, shape)
    got = numerical_gradient(lambda: float(np.sum(np.sin(x) * w)), x)
    assert relative_error(got, np.cos(x) * w) < 1e-7


@SETTINGS
@given(n=dim, k=dim, m=dim, s=seed)
def test_matrix_product(n, k, m, s):
    rng = np.random.default_rng(s)
    x, a, u = positive(rng, (n, k)), positive(rng, (k, m)), positive(rng, (n, m))

    def f():
        return float(np.sum((x @ a) * u))

    assert relative_error(numerical_gradient(f, x), u @ a.T) < 1e-7
    assert relative_error(numerical_gradient(f, a), x.T @ u) < 1e-7


@SETTINGS
@given(n=dim, k=dim, m=dim, s=seed)
def test_matrix_product_general_values(n, k, m, s):
    rng = np.random.default_rng(s)
    x, a, u = rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=(n, m))

    def f():
        return float(np.sum(np.tanh(x @ a) * u))

    expected = ((1 - np.tanh(x @ a) ** 2) * u) @ a.T
    np.testing.assert_allclose(numerical_gradient(f, x), expected, rtol=RTOL, atol=ATOL)


def test_centred_difference_formula_with_large_step():
    """For x**3 the centred difference is exactly 3x**2 + h**2: central, divided by 2h."""
    x = np.array([-1.0, 0.5, 2.0])
    h = 0.1
    got = numerical_gradient(lambda: float(np.sum(x**3)), x, h=h)
    np.testing.assert_allclose(got, 3 * x**2 + h**2, rtol=1e-12, atol=1e-12)
    # A quadratic is differentiated exactly (up to rounding) whatever the step.
    got = numerical_gradient(lambda: float(np.sum(x**2)), x, h=0.5)
    np.testing.assert_allclose(got, 2 * x, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(shape=shapes, s=seed)
def test_x_restored_and_f_called_twice_per_entry(shape, s):
    rng = np.random.default_rng(s)
    x = rng.normal(size=shape)
    before = x.copy()
    calls = []

    def f():
        calls.append(1)
        return float(np.sum(np.exp(x)))

    numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)  # bit for bit
    assert len(calls) == 2 * x.size


def test_x_restored_for_float32_and_views():
    x32 = np.linspace(-1.0, 1.0, 6, dtype=np.float32).reshape(2, 3)
    before = x32.copy()
    grad = numerical_gradient(lambda: float(np.sum(x32.astype(np.float64) ** 2)), x32, h=1e-2)
    np.testing.assert_array_equal(x32, before)
    assert grad.dtype == np.float64 and grad.shape == (2, 3)
    np.testing.assert_allclose(grad, 2 * before, rtol=1e-4, atol=1e-4)
    # A non-contiguous view: nudged in place, so f (reading the base) sees it; restored afterwards.
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    view = base[:, ::2]
    base_before = base.copy()
    grad = numerical_gradient(lambda: float(np.sum(base**2)), view)
    np.testing.assert_array_equal(base, base_before)
    np.testing.assert_allclose(grad, 2 * view, rtol=1e-8, atol=1e-6)


def test_scalar_and_empty_x():
    x = np.array(1.5)
    np.testing.assert_allclose(numerical_gradient(lambda: float(x**2), x), 3.0, rtol=1e-9)
    empty = np.zeros((0, 3))
    grad = numerical_gradient(lambda: 1.0, empty)
    assert grad.shape == (0, 3) and grad.dtype == np.float64


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_, np.complex128])
def test_non_floating_x_refused(dtype):
    x = np.ones((2, 2), dtype=dtype)
    with pytest.raises(TypeError):
        numerical_gradient(lambda: float(np.sum(np.abs(x))), x)
    with pytest.raises(TypeError):
        numerical_gradient_array(lambda: x, x, np.ones((2, 2)))


# --------------------------------------------------------------------------------------------------
# numerical_gradient_array
# --------------------------------------------------------------------------------------------------


@SETTINGS
@given(n=dim, k=dim, m=dim, s=seed)
def test_array_matrix_product(n, k, m, s):
    rng = np.random.default_rng(s)
    x, a, u = positive(rng, (n, k)), positive(rng, (k, m)), positive(rng, (n, m))
    before = x.copy()
    got = numerical_gradient_array(lambda: x @ a, x, u)
    assert got.shape == x.shape
    assert relative_error(got, u @ a.T) < 1e-7
    np.testing.assert_array_equal(x, before)
    assert relative_error(numerical_gradient_array(lambda: x @ a, a, u), x.T @ u) < 1e-7


@SETTINGS
@given(shape=shapes, s=seed)
def test_array_elementwise(shape, s):
    rng = np.random.default_rng(s)
    x = rng.uniform(-1.0, 1.0, size=shape)
    u = positive(rng, shape)
    got = numerical_gradient_array(lambda: np.sin(x), x, u)
    assert relative_error(got, np.cos(x) * u) < 1e-7
    # Upstream given as a nested list works the same.
    got_list = numerical_gradient_array(lambda: np.sin(x), x, u.tolist())
    np.testing.assert_array_equal(got_list, got)


def test_array_output_of_another_shape():
    """The output need not have x's shape: f = x @ A with a vector x, upstream of f's shape."""
    rng = np.random.default_rng(0)
    x, a, u = rng.normal(size=3), rng.normal(size=(3, 5)), rng.normal(size=5)
    np.testing.assert_allclose(numerical_gradient_array(lambda: x @ a, x, u), a @ u, rtol=RTOL, atol=ATOL)


# --------------------------------------------------------------------------------------------------
# relative_error
# --------------------------------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(shape=shapes, s=seed)
def test_relative_error_zero_for_identical_arrays(shape, s):
    a = np.random.default_rng(s).normal(size=shape)
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(np.zeros(shape), np.zeros(shape)) == 0.0


@SETTINGS
@given(data=st.lists(st.tuples(finite, finite), min_size=1, max_size=10))
def test_relative_error_symmetric_and_bounded(data):
    a, b = np.array([p[0] for p in data]), np.array([p[1] for p in data])
    err = relative_error(a, b)
    assert type(err) is float
    assert err == relative_error(b, a)
    assert 0.0 <= err <= 1.0


def test_relative_error_known_values():
    assert relative_error(np.array([1.0]), np.array([1.1])) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert relative_error(np.array([1.0, -2.0]), np.array([-1.0, -2.0])) == 1.0  # opposite signs
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0  # lists are accepted
    # The largest over entries, each scaled by its own magnitude.
    a, b = np.array([1e6, 1.0]), np.array([1e6 + 1.0, 1.5])
    assert relative_error(a, b) == pytest.approx(0.5 / 2.5, rel=1e-12)
    # Scale invariant where the floor does not matter.
    assert relative_error(1e3 * a, 1e3 * b) == pytest.approx(relative_error(a, b), rel=1e-12)


def test_relative_error_floor_for_zeros():
    tiny = 1e-9
    # Both ~0: the floor (1e-8 by default) is the denominator, not |a| + |b|.
    assert relative_error(np.array([0.0]), np.array([tiny])) == pytest.approx(tiny / 1e-8)
    assert relative_error(np.array([0.0]), np.array([tiny]), floor=1e-3) == pytest.approx(tiny / 1e-3)
    assert np.isfinite(relative_error(np.zeros(3), np.array([0.0, 1e-300, 0.0])))
    # Above the floor, it plays no part.
    assert relative_error(np.array([1.0]), np.array([2.0]), floor=1e-3) == pytest.approx(1.0 / 3.0)


@pytest.mark.parametrize(
    ("a_shape", "b_shape"), [((3,), (4,)), ((3,), (1, 3)), ((2, 3), (3, 2)), ((0,), (0, 3))]
)
def test_relative_error_shape_mismatch(a_shape, b_shape):
    with pytest.raises(ValueError):
        relative_error(np.zeros(a_shape), np.zeros(b_shape))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0, 4)])
def test_relative_error_empty_arrays(shape):
    err = relative_error(np.zeros(shape), np.ones(shape))
    assert err == 0.0 and type(err) is float
