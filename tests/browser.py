"""Headless Chromium for the tests that load pages (the gallery, the interactive page).

Skipped without Playwright or ``chromium``, unless ``ADAMVIZ_REQUIRE_BROWSER=1``
(as ``.ci/run`` sets it): then a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Chromium as root in a container, on a closed network: no sandbox, no GPU,
# and none of the background connections a closed network would refuse.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("ADAMVIZ_CHROMIUM") or shutil.which("chromium")


def skip_or_fail(reason: str) -> None:
    if os.environ.get("ADAMVIZ_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and ADAMVIZ_REQUIRE_BROWSER=1 asks for the browser tests")
    pytest.skip(reason)


def launched_chromium() -> Iterator[Any]:
    """A Playwright browser, for as long as the generator runs (a fixture's body)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install '.[test]')")
    executable = chromium_path()
    if executable is None:
        skip_or_fail("no chromium on PATH (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
