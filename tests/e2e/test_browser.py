"""End to end in a real browser: a student's JupyterLab, driven by headless Chromium through chromedriver.

A JupyterLab server runs on loopback over a copy of the release (as a student's checkout). The student's
encoding notebook holds a correct ``tokenize`` and a ``build_token_index`` with a catalogued mistake (an
index numbered from 1), the rest still stubs. The test opens it, runs all cells from the Run menu, and
reads what the page shows: the pass line of ``tokenize``'s check, the failure of ``build_token_index`` with
its call, got/expected and hint, the stubs' one line, and nbgrader's Validate dialog listing the functions
whose checks fail. Screenshots of each go to ``$SEQLAB_ARTIFACTS/browser`` (default
``test-artifacts/browser`` in the repository).

Debian's ``chromium`` and ``chromium-driver`` are used (no browser download); where they are missing the
test skips with that reason, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from seqlab.course.reference_source import extract_definitions

from .conftest import MUTANTS, ROOT, reference_source
from .test_jupyterlab import (
    Lab,
    lab,  # noqa: F401  (the JupyterLab server fixture)
)

pytestmark = pytest.mark.e2e

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTIFACTS = Path(os.environ.get("SEQLAB_ARTIFACTS") or ROOT / "test-artifacts") / "browser"
WAIT = 240  # s: the first check of a session starts seqlab and the worker


def _browser_or_skip() -> None:
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not path]
    if not missing:
        return
    reason = f"Debian's {' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser test")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _browser_or_skip()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver, condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    _shot(driver, f"timeout-{what}")
    raise AssertionError(f"the page did not show {what} within {timeout} s")


def _shot(driver, name: str, element=None) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.3)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def _outputs(driver, text: str) -> list:
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output") if text in e.text]


def _click_text(driver, selector: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    element = _wait_for(
        driver,
        lambda: next(
            (e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.text.strip() == text), None
        ),
        f"the {text!r} control",
        timeout=60,
    )
    element.click()


def _write_two_functions(notebook: Path, mistake: str) -> None:
    """The released notebook with ``tokenize`` written correctly and ``build_token_index`` with ``mistake``
    (the mutant's definition), every other function still a stub: a student's work in progress, saved."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    right, wrong = extract_definitions(reference_source("encoding")), extract_definitions(mistake)
    for cell in data["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id == "tokenize":
            cell["source"] = right["tokenize"]
        elif grade_id == "build_token_index":
            cell["source"] = wrong["build_token_index"]
    notebook.write_text(json.dumps(data, indent=1), encoding="utf-8")


def test_a_student_runs_the_checks_and_validates_in_jupyterlab(lab: Lab, browser) -> None:  # noqa: F811
    notebook = lab.root / "encoding" / "encoding.ipynb"  # the server shows a copy of assignments/
    mistake = (MUTANTS / "encoding" / "index_one_based.py").read_text(encoding="utf-8")
    _write_two_functions(notebook, mistake)

    browser.get(f"{lab.url}/lab/tree/encoding/encoding.ipynb?token={lab.token}")
    _wait_for(
        browser, lambda: "Idle" in browser.page_source or "| Idle" in browser.page_source, "an idle kernel"
    )
    _click_text(browser, ".lm-MenuBar-itemLabel", "Run")
    _click_text(browser, ".lm-Menu-itemLabel", "Run All Cells")

    passed = _wait_for(browser, lambda: _outputs(browser, "✅ tokenize:"), "tokenize's pass line")[0]
    assert "checks pass" in passed.text
    _shot(browser, "1-pass-line", passed)
    failed = _wait_for(browser, lambda: _outputs(browser, "❌ build_token_index:"), "the failed check")[0]
    assert "build_token_index(['I am from Germany" in failed.text and "expected" in failed.text
    assert "💡 Hint: your output matches a token index numbered from 1" in failed.text
    _shot(browser, "2-failure-with-values-and-hint", failed)
    stub = _wait_for(
        browser, lambda: _outputs(browser, "⬜ ngrams is not implemented yet."), "the last stub"
    )[0]
    _shot(browser, "3-stub-line", stub)

    _click_text(browser, ".jp-ToolbarButtonComponent-label, button", "Validate")
    dialog = _wait_for(
        browser,
        lambda: [
            e for e in browser.find_elements("css selector", ".jp-Dialog") if "failed" in e.text.lower()
        ],
        "Validate's result",
    )[0]
    text = dialog.text
    assert 'check("build_token_index")' in text and 'check("ngrams")' in text
    assert 'check("tokenize")' not in text
    _shot(browser, "4-validate-list")
