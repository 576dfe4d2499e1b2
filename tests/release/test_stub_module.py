"""stub_module: solution regions become a clear NotImplementedError, nothing else changes."""

from __future__ import annotations

import ast
import textwrap

import pytest

from seqlab.course.release import stub_module
from seqlab.errors import CourseError


def _stub(source: str) -> str:
    return stub_module(textwrap.dedent(source))


def test_region_becomes_raise_with_the_function_name_and_the_rest_is_kept():
    stub = _stub(
        '''\
        import numpy as np


        def f(x: np.ndarray) -> np.ndarray:
            """Docstring stays."""
            ### BEGIN SOLUTION
            y = x * 2  # SENTINEL
            return y
            ### END SOLUTION
        '''
    )
    assert stub == textwrap.dedent(
        '''\
        import numpy as np


        def f(x: np.ndarray) -> np.ndarray:
            """Docstring stays."""
            raise NotImplementedError("f is not implemented yet")
        '''
    )


def test_code_after_the_region_is_kept():
    stub = _stub(
        """\
        def f(x):
            ### BEGIN SOLUTION
            x = x + 1
            ### END SOLUTION
            return x
        """
    )
    assert stub == 'def f(x):\n    raise NotImplementedError("f is not implemented yet")\n    return x\n'


def test_nested_indentation_keeps_the_marker_indentation_and_names_the_innermost_function():
    stub = _stub(
        """\
        class Model:
            def forward(self, x):
                if x:
                    ### BEGIN SOLUTION
                    return x
                    ### END SOLUTION
                return None


        def outer():
            def inner():
                ### BEGIN SOLUTION
                return 1
                ### END SOLUTION

            return inner
        """
    )
    lines = stub.splitlines()
    assert '            raise NotImplementedError("forward is not implemented yet")' in lines
    assert '        raise NotImplementedError("inner is not implemented yet")' in lines
    assert "        return None" in lines
    assert "    return inner" in lines
    ast.parse(stub)


def test_helpers_inside_a_region_disappear_with_it():
    stub = _stub(
        """\
        def f(text):
            ### BEGIN SOLUTION
            def _encode(value):
                return value.encode()  # SENTINEL_HELPER

            return _encode(text)
            ### END SOLUTION
        """
    )
    assert "SENTINEL" not in stub
    assert "_encode" not in stub
    assert 'raise NotImplementedError("f is not implemented yet")' in stub


def test_every_region_of_a_module_is_replaced_and_no_solution_code_is_left():
    stub = _stub(
        """\
        def a():
            ### BEGIN SOLUTION
            return "SENTINEL_A"
            ### END SOLUTION


        def b():
            ### BEGIN SOLUTION
            return "SENTINEL_B"
            ### END SOLUTION
        """
    )
    assert "SENTINEL" not in stub
    assert "SOLUTION" not in stub
    assert stub.count("raise NotImplementedError") == 2
    namespace: dict = {}
    exec(compile(stub, "<stub>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="^b is not implemented yet$"):
        namespace["b"]()


def test_empty_region_at_the_end_of_a_function_still_names_it():
    stub = _stub(
        '''\
        def f():
            """Doc."""
            ### BEGIN SOLUTION
            ### END SOLUTION
        '''
    )
    assert stub.splitlines()[-1] == '    raise NotImplementedError("f is not implemented yet")'


def test_crlf_line_endings_are_kept():
    source = "def f():\r\n    ### BEGIN SOLUTION\r\n    return 1\r\n    ### END SOLUTION\r\n"
    assert stub_module(source) == 'def f():\r\n    raise NotImplementedError("f is not implemented yet")\r\n'


def test_a_module_without_regions_is_unchanged():
    source = "X = 1\n\n\ndef f():\n    return X\n"
    assert stub_module(source) == source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", r":2: ### BEGIN SOLUTION without a matching"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", r":3: ### END SOLUTION without a ### BEGIN"),
        (
            "def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n",
            r":3: ### BEGIN SOLUTION inside the region opened at line 2",
        ),
        ("### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n", r":1: a solution region must be inside a function"),
        (
            'def f():\n    """Fill in BEGIN SOLUTION here."""\n    return 1\n',
            r":2: this line mentions a solution marker",
        ),
        ("def f(:\n    pass\n", r"syntax error"),
        (
            "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n  x = 1\n",
            r"syntax error",
        ),
    ],
    ids=["unclosed", "end-without-begin", "nested", "module-level", "marker-in-text", "syntax", "bad-indent"],
)
def test_malformed_markers_raise_a_course_error_with_the_line(source, message):
    with pytest.raises(CourseError, match=message):
        stub_module(source, filename="ref.py")


def test_a_stub_that_would_not_be_python_is_refused():
    # Valid Python, but the region cuts a block in half: the stub would be an indentation error.
    source = "def f(x):\n    ### BEGIN SOLUTION\n    if x:\n    ### END SOLUTION\n        return 1\n"
    ast.parse(source)
    with pytest.raises(CourseError, match="the stub is not valid Python"):
        stub_module(source)
