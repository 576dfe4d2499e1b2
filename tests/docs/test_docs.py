"""The docs site (docs/) builds without a warning, documents the whole public face, and the README's links
and the paths and modules the pages name exist.

The build is Sphinx's own command, nitpicky (``-n``: a reference to anything that is not documented fails)
and with warnings as errors, the way a maintainer builds the site; it takes seconds.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
README = REPO_ROOT / "README.md"

#: The public face for suite authors: what docs/api.rst documents.
PUBLIC_MODULES = ("seqlab.testing", "seqlab.strategies", "seqlab.gradcheck", "seqlab.misconceptions")


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The HTML site built into a fresh folder, and Sphinx's output."""
    out = tmp_path_factory.mktemp("docs-html")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "html", str(DOCS), str(out)]
    run = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    return run, out


def test_docs_build_without_warnings(built_docs: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, out = built_docs
    assert run.returncode == 0, f"sphinx failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    assert (out / "index.html").is_file()


def _top_level_names(module: ModuleType) -> tuple[set[str], list[str]]:
    """The public names ``module``'s source defines or imports from seqlab, and what it star-imports."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    names: set[str] = set()
    starred: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("seqlab"):
            for alias in node.names:
                if alias.name == "*":
                    starred.append(node.module or "")
                else:
                    names.add(alias.asname or alias.name)
    return {n for n in names if not n.startswith("_")}, starred


def _has_own_docstring(value: object) -> bool:
    doc = value.__dict__.get("__doc__") if inspect.isclass(value) else getattr(value, "__doc__", None)
    if not doc or not doc.strip():
        return False
    # a dataclass without a docstring gets its signature as __doc__
    return not (inspect.isclass(value) and doc.startswith(f"{value.__name__}("))


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_face_exports_are_documented(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), f"{name}.__all__ lists a name twice"
    assert not [n for n in exported if not hasattr(module, n)], f"{name}.__all__ names what it lacks"

    defined, starred = _top_level_names(module)
    assert defined - set(exported) == set(), f"{name} defines public names that __all__ leaves out"
    for source_name in starred:  # a re-export: the private module's own list is the public one
        source = importlib.import_module(source_name)
        assert set(source.__all__) <= set(exported), f"{name} does not re-export all of {source_name}"
        own, _ = _top_level_names(source)
        values = {n: getattr(source, n) for n in own}
        strategies = {n for n, v in values.items() if callable(v) and v.__module__ == source_name}
        assert strategies - set(source.__all__) == set(), f"{source_name} defines what __all__ leaves out"

    undocumented = [
        n
        for n in exported
        if (inspect.isclass(getattr(module, n)) or callable(getattr(module, n)))
        and not _has_own_docstring(getattr(module, n))
    ]
    assert undocumented == [], f"{name}: exported without a docstring: {undocumented}"


def test_every_public_name_is_in_the_api_reference(
    built_docs: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    run, out = built_docs
    assert (out / "api.html").is_file(), f"no api.html:\n{run.stdout}\n{run.stderr}"
    html = (out / "api.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'<dt class="sig sig-object py" id="([^"]+)"', html))
    expected = [f"{name}.{n}" for name in PUBLIC_MODULES for n in importlib.import_module(name).__all__]
    assert [n for n in expected if n not in documented] == []


def _readme_links() -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", README.read_text(encoding="utf-8"))


def test_readme_links_into_docs_exist() -> None:
    links = [link for link in _readme_links() if not re.match(r"[a-z]+:", link)]  # not http:, mailto:
    into_docs = [link for link in links if link.startswith("docs/")]
    assert len(into_docs) >= 10, f"the README links into docs/ by audience; found {into_docs}"
    broken = [link for link in links if not (REPO_ROOT / link.split("#")[0]).exists()]
    assert broken == []


def _doc_texts() -> dict[str, str]:
    pages = sorted(DOCS.rglob("*.rst"))
    return {str(p.relative_to(REPO_ROOT)): p.read_text(encoding="utf-8") for p in [*pages, README]}


_PATH = re.compile(
    r"(?<![\w./-])((?:src|tests|examples|benchmarks|docs|grader|solutions|assignments)/[\w./<>*-]*)"
)
_MODULE = re.compile(r"(?<![\w./-])(seqlab(?:\.[A-Za-z_]\w*)+)")


def _resolves(dotted: str) -> bool:
    """Whether ``seqlab.a.b.C`` is an importable module or an attribute of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(value, attribute):
                return False
            value = getattr(value, attribute)
        return True
    return False


def test_paths_and_modules_named_in_the_docs_exist() -> None:
    missing = []
    for page, text in _doc_texts().items():
        for path in _PATH.findall(text):
            path = path.rstrip(".")
            if not re.search(r"[<>*]", path) and not (REPO_ROOT / path).exists():
                missing.append(f"{page}: {path}")
        for dotted in _MODULE.findall(text):
            if not _resolves(dotted.rstrip(".")):
                missing.append(f"{page}: {dotted}")
    assert missing == []
