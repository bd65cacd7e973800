"""Browser-test fixtures: Debian's chromium through Playwright, one fresh browser per person.

Pages are driven through `support.CheckedPage`, which runs axe-core on every page it loads.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from .support import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, CheckedPage

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's chromium, one per test module.

    While Playwright's sync API is started it keeps an asyncio loop running in this thread, and
    Django refuses ORM calls there (personas, mail, assertions) as "async unsafe" unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. Module scope keeps both the loop and the variable away
    from the other tests, and from subprocesses such as `manage.py check --deploy`.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (Debian's chromium)")
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def open_browser(
    chromium: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., CheckedPage]]:
    """Open a fresh browser (own cookies: a different person) on the live server. The browser
    asks for Norwegian Bokmål, like most of Medvirke's users; keyword arguments go to Playwright's
    new_context (e.g. viewport)."""
    opened: list[CheckedPage] = []

    def open_(**options: Any) -> CheckedPage:
        options = {"locale": "nb-NO", "timezone_id": "Europe/Oslo", **options}
        context = chromium.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        checked_page = CheckedPage(context, live_server.url)
        opened.append(checked_page)
        return checked_page

    yield open_
    try:
        # A test that left a page without its accessibility check fails here (unless it failed
        # already: then this would only repeat the error).
        if not request.node.stash.get(_CALL_FAILED, True):
            for checked_page in opened:
                checked_page._require_checked()
    finally:
        for checked_page in opened:
            checked_page.context.close()


@pytest.fixture
def browser(open_browser: Callable[[], CheckedPage]) -> CheckedPage:
    return open_browser()
