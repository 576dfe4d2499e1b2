"""seqlab.testing: the comparisons and failure helpers hidden suites are written with."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.errors import SubmissionFailed, SubmissionUnavailable
from seqlab.isolate.proxy import SubmissionProxy
from seqlab.testing import (
    MARKER,
    assert_close,
    assert_matches,
    close_enough,
    expect_raises,
    expect_tuple,
    float_tolerance,
    graded,
)


def mismatch(actual, expected, what="f(x)", **tolerances) -> str:
    """The message assert_matches fails with (the test fails if it does not fail)."""
    with pytest.raises(AssertionError) as error:
        assert_matches(actual, expected, what=what, **tolerances)
    return str(error.value)


# -- graded ------------------------------------------------------------------------------------------------


def test_graded_is_a_marker_with_function_and_float_points():
    mark = graded("tokenize", points=2).mark
    assert mark.name == MARKER
    assert mark.kwargs == {"function": "tokenize", "points": 2.0, "edge": False}
    assert type(mark.kwargs["points"]) is float
    assert graded("tokenize", points=1, edge=True).mark.kwargs["edge"] is True


@pytest.mark.parametrize("points", [0, -1])
def test_graded_refuses_non_positive_points(points):
    with pytest.raises(ValueError):
        graded("f", points=points)


# -- assert_matches: passes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, expected",
    [
        (np.arange(3), np.arange(3.0)),
        ([1, 2, 3], np.array([1.0, 2.0, 3.0])),
        (np.array([1.0, 2.0]), [1, 2]),
        (np.uint8(3), 3.0),
        (3, 3.0),
        (np.float64(0.1 + 0.2), 0.3),
        (np.array([np.nan, 1.0]), np.array([np.nan, 1.0])),
        (float("nan"), np.nan),
        ([np.inf, -np.inf], np.array([np.inf, -np.inf])),
        (np.array([True, False]), np.array([True, False])),
        (np.array(["a", "bc"]), np.array(["a", "bc"])),
        ("abc", "abc"),
        (None, None),
        (True, np.bool_(True)),
        ([(1, [2.0]), {"k": np.zeros(2)}], ((1, (2,)), {"k": [0.0, 0.0]})),
        ({"a": (1, 2), "b": {"c": np.nan}}, {"b": {"c": float("nan")}, "a": [1, 2]}),
        (np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)),
    ],
)
def test_matching_values_pass(actual, expected):
    assert_matches(actual, expected, what="f(x)")


def test_float32_result_gets_a_float32_tolerance():
    # A running sum in float32 drifts ~1e-6 relative from the float64 reference: fine for float32 ...
    expected = np.cumsum(np.full(200, 0.1))
    in_float32 = np.cumsum(np.full(200, 0.1, dtype=np.float32))
    assert np.max(np.abs(in_float32 - expected) / expected) > 1e-7
    assert_matches(in_float32, expected, what="cumsum(x)")
    # ... but the same drift in a float64 result is a real mistake,
    drifted = expected * (1 + 2e-6)
    assert "cumsum(x) returned wrong values" in mismatch(drifted, expected, what="cumsum(x)")
    # and float32 does not excuse an error far above its precision.
    assert "wrong values" in mismatch(np.float32(1.001), 1.0)


def test_explicit_tolerances_are_honoured():
    assert_matches(1.05, 1.0, what="f()", rtol=0.1)
    assert "wrong values" in mismatch(1.05, 1.0, rtol=0.01)


# -- assert_matches: failures and their messages -----------------------------------------------------------


def test_shape_mismatch_names_both_shapes():
    message = mismatch(np.zeros((2, 3)), np.zeros((3, 2)), what="one_hot(['a'])")
    assert message == "one_hot(['a']) returned shape (2, 3); expected shape (3, 2)"


def test_wrong_values_name_what_and_the_first_wrong_index():
    expected = np.arange(12.0).reshape(3, 4)
    actual = expected.copy()
    actual[1, 2] = -1.0
    actual[2, 0] = -2.0
    message = mismatch(actual, expected, what="make_windows(x, 4)")
    assert message.startswith("make_windows(x, 4) returned wrong values at 2 of 12 positions")
    assert "first at index (1, 2): got -1.0, expected 6.0" in message


def test_wrong_values_are_shown_as_plain_numbers():
    message = mismatch(np.array([0.0, -1.0]), np.array([0.0, 6.0]))
    assert message.endswith("(first at index (1,): got -1.0, expected 6.0)")


def test_first_wrong_index_zero_is_reported():
    assert "first at index (0,)" in mismatch(np.array([5, 1]), np.array([0, 1]))


def test_nan_where_a_number_is_expected_fails():
    assert "wrong values at 1 of 2" in mismatch(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))


@pytest.mark.parametrize(
    "actual, expected",
    [
        (np.array(["1", "2"]), np.array([1, 2])),
        (np.array([1, 2]), np.array(["1", "2"])),
        (np.array([True, False]), np.array([1, 0])),
        (np.array([1.0]), np.array([True])),
        (np.array(["a"]), np.array([b"a"])),
    ],
)
def test_incompatible_dtype_kinds_are_refused(actual, expected):
    message = mismatch(actual, expected)
    assert message == f"f(x) returned values of dtype {actual.dtype}; expected dtype {expected.dtype}"


@pytest.mark.parametrize(
    "actual, expected, phrase",
    [
        ("1", 1, "f(x) returned '1'; expected 1"),
        (1, "1", "f(x) returned 1; expected '1'"),
        (None, np.zeros(2), "f(x) returned None; expected an array of shape (2,) and dtype float64"),
        (True, 1, "f(x) returned True; expected 1"),
        ({"a": 1}, [1], "f(x) returned a dict with 1 entry; expected a list of length 1"),
        ([1, 2], (1, 2, 3), "f(x) returned a list of length 2; expected a tuple of length 3"),
        ([[1, 2], [3]], np.zeros((2, 2)), "f(x) returned a list of length 2; expected an array of shape"),
        ("abc", "abd", "f(x) returned 'abc'; expected 'abd'"),
    ],
)
def test_kind_and_length_mismatches_describe_both_sides(actual, expected, phrase):
    assert mismatch(actual, expected).startswith(phrase)


def test_nested_failures_name_the_path():
    actual = ({"tokens": [1, 2], "ids": np.array([1, 2, 9])}, "x")
    expected = ({"tokens": [1, 2], "ids": np.array([1, 2, 3])}, "x")
    message = mismatch(actual, expected, what="encode('a b')")
    assert message.startswith("encode('a b')[0]['ids'] returned wrong values at 1 of 3 positions")
    assert "first at index (2,)" in message
    assert mismatch([1, [2, 3]], [1, [2, 4]], what="g()").startswith("g()[1][1] returned wrong values")


def test_dict_key_differences_are_listed():
    message = mismatch({"a": 1, "c": 3}, {"a": 1, "b": 2}, what="vocab()")
    assert message == "vocab() returned a dict with missing keys ['b'] and unexpected keys ['c']"


def test_long_values_are_shortened_in_messages():
    message = mismatch("x" * 1000, "y" * 1000)
    assert len(message) < 500 and "..." in message


def test_integer_results_must_match_exactly():
    with pytest.raises(AssertionError):
        assert_matches(np.array([100_000_001]), np.array([100_000_000]), what="count()")


# -- expect_raises -----------------------------------------------------------------------------------------


def raising(status: str, error_type: str = "", mro: tuple[str, ...] = ()):
    input_dependent = status == "error" and error_type != "NotImplementedError"
    kind = SubmissionFailed if input_dependent else SubmissionUnavailable

    def function(*args, **kwargs):
        raise kind("f", status, f"f failed with {status}", error_type=error_type, error_mro=mro)

    function.__name__ = "f"
    return function


def test_expect_raises_accepts_the_exception_and_its_subclasses():
    expect_raises(raising("error", "ValueError", ("ValueError", "Exception")), 1, exception="ValueError")
    subclass = raising("error", "ShapeError", ("ShapeError", "ValueError", "Exception", "BaseException"))
    expect_raises(subclass, exception="ValueError")
    expect_raises(subclass, exception="ShapeError")


def test_expect_raises_passes_args_and_kwargs():
    seen = {}

    def function(*args, **kwargs):
        seen.update(args=args, kwargs=kwargs)
        raise SubmissionFailed("f", "error", "m", error_type="ValueError", error_mro=("ValueError",))

    expect_raises(function, 1, 2, exception="ValueError", kwargs={"k": 3})
    assert seen == {"args": (1, 2), "kwargs": {"k": 3}}


def test_expect_raises_wrong_exception_type_names_both():
    function = raising("error", "KeyError", ("KeyError", "LookupError", "Exception"))
    with pytest.raises(AssertionError) as error:
        expect_raises(function, exception="ValueError", what="windows(x, -1)")
    assert str(error.value).startswith(
        "windows(x, -1) raised KeyError (f failed with error); expected ValueError"
    )


def test_expect_raises_fails_when_the_function_returns():
    with pytest.raises(AssertionError) as error:
        expect_raises(lambda x: x, 5, exception="ValueError")
    assert str(error.value) == "<lambda>(...) returned normally; it should raise ValueError for this input"


def test_not_implemented_propagates_unless_it_is_the_expected_exception():
    stub = raising("error", "NotImplementedError", ("NotImplementedError", "RuntimeError", "Exception"))
    with pytest.raises(SubmissionUnavailable):
        expect_raises(stub, exception="ValueError")
    with pytest.raises(SubmissionUnavailable):
        expect_raises(stub, exception="RuntimeError")
    expect_raises(stub, exception="NotImplementedError")


@pytest.mark.parametrize("status", ["timeout", "crash", "missing", "exit", "bad_return", "budget"])
def test_unavailable_functions_are_not_an_expected_raise(status):
    with pytest.raises(SubmissionUnavailable):
        expect_raises(raising(status), exception="ValueError")


@pytest.mark.parametrize("kind", [SubmissionFailed, SubmissionUnavailable])
def test_bad_return_is_not_an_expected_raise(kind):
    def function():
        raise kind("f", "bad_return", "`f` returned something that is not plain data")

    with pytest.raises(kind):
        expect_raises(function, exception="ValueError")


def test_expect_raises_through_a_real_worker(make_worker):
    worker = make_worker(
        """
        class WindowError(ValueError):
            pass

        def windows(n):
            if n < 0:
                raise WindowError(f"negative size {n}")
            if n == 0:
                raise KeyError(n)
            return list(range(n))

        def stub(n):
            raise NotImplementedError
        """
    )
    submission = SubmissionProxy(worker)
    expect_raises(submission.windows, -1, exception="ValueError")
    expect_raises(submission.windows, -1, exception="WindowError")
    with pytest.raises(AssertionError, match=r"windows\(\.\.\.\) raised KeyError"):
        expect_raises(submission.windows, 0, exception="ValueError")
    with pytest.raises(AssertionError, match="returned normally"):
        expect_raises(submission.windows, 2, exception="ValueError")
    with pytest.raises(SubmissionUnavailable, match="not implemented yet"):
        expect_raises(submission.stub, 1, exception="ValueError")


# -- known-mistake hints, precision-aware comparison, tuple results ----------------------------------------


def test_close_enough_is_the_comparison_known_mistakes_are_matched_with():
    torch = pytest.importorskip("torch")
    expected = np.array([0.25, 0.75])
    assert close_enough(np.array([0.25, 0.75 + 1e-12]), expected)
    assert not close_enough(np.array([0.75, 0.25]), expected)
    assert close_enough(expected.astype(np.float32), expected)  # float32's tolerance for a float32 output
    assert close_enough(torch.tensor(expected, dtype=torch.float32), expected)  # a tensor, by value
    assert close_enough((torch.tensor([1.0]), {"n": 2}), (np.array([1.0]), {"n": 2}))
    assert not close_enough(np.zeros(3), np.zeros(2))  # a shape mismatch is no match
    assert not close_enough("text", 1.0)


def test_assert_close_uses_the_tolerance_of_the_precision_computed_in():
    expected = np.linspace(-1, 1, 7)
    float32_result = (expected + 5e-5).astype(np.float32)  # a float32 computation's error
    assert_close(float32_result, expected, what="f(x)")  # float32: 1e-4
    with pytest.raises(AssertionError, match="wrong values"):
        assert_close(expected + 5e-5, expected, what="f(x)")  # float64 result: 1e-7
    assert_close((float32_result, {"c": float32_result}), (expected, {"c": expected}), what="g(x)")


def test_float_tolerance_is_looser_for_narrower_types_and_for_cuda_float32():
    f64, f32 = float_tolerance("float64"), float_tolerance("torch.float32")
    assert f64 < f32 < float_tolerance("float32", "cuda:0") < float_tolerance("bfloat16")


@pytest.mark.parametrize(
    ("result", "phrase"),
    [
        (np.zeros(3), "an array of shape (3,) and dtype float64"),
        ((1, 2, 3), "a tuple of length 3"),
        ({"h": 1}, "a dict with 1 entry"),
    ],
)
def test_expect_tuple_describes_what_came_instead(result, phrase):
    with pytest.raises(AssertionError) as error:
        expect_tuple(result, ("h", "cache"), what="rnn_forward(x)")
    assert str(error.value) == f"rnn_forward(x) returned {phrase}; expected a tuple (h, cache)"


def test_expect_tuple_accepts_a_list_and_returns_a_tuple():
    assert expect_tuple([1, 2], ("h", "cache"), what="f") == (1, 2)


def test_assert_close_uses_float32_tolerance_when_the_reference_is_float32():
    """A float64 computation from float32 inputs is compared with the reference's float32 result."""
    exact = np.linspace(-1, 1, 7)
    assert_close(exact, (exact + 5e-5).astype(np.float32), what="f(x)")
