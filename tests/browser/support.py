"""Browser-test support: a page wrapper that runs axe-core on every page, and small helpers.

Every page a test sees goes through `CheckedPage`: its `visit()`, `click()`, `submit()` and
`press()` wait for the new page and run axe-core (WCAG 2.0/2.1 A and AA) on it before the test
goes on, and a test that leaves a page unchecked fails at teardown. So a new browser test cannot
forget the accessibility check.
"""

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import BrowserContext, Locator, Page, Response

CHROMIUM = "/usr/bin/chromium"  # Debian's package; we never download a browser.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Set on a document once axe-core has passed it; a new document starts without it.
CHECKED_MARK = "__medvirkeAxeChecked"
TIMEOUT_MS = 15_000

_axe = Axe()


def t(message: str, language: str = "nb", **params: Any) -> str:
    """`message` as the interface shows it in `language` (same catalogues as the live server,
    so the tests pass whether or not a translation has been written yet)."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " >> ".join(
                " ".join(part) if isinstance(part, list) else str(part) for part in node["target"]
            )
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
    return "\n".join(lines)


class CheckedPage:
    """One browser tab of one person. Every method that changes the page runs axe-core on the
    result; use `page` directly only for typing, reading and keyboard moves within a page."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.base_url = base_url.rstrip("/")
        self.checked: list[str] = []
        self.page_errors: list[str] = []
        self.csp_violations: list[str] = []
        self.broken_resources: list[str] = []
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("console", self._on_console)
        self.page.on("response", self._on_response)
        self.page.on(
            "requestfailed",
            lambda request: self.broken_resources.append(f"{request.url} ({request.failure})"),
        )

    def _on_console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _on_response(self, response: Response) -> None:
        # A missing stylesheet would make axe's colour-contrast check meaningless.
        if response.status >= 400 and response.request.resource_type != "document":
            self.broken_resources.append(f"{response.url} ({response.status})")

    # --- Reading -------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def language(self) -> str:
        return self.page.locator("html").get_attribute("lang") or "nb"

    def t(self, message: str, **params: Any) -> str:
        """`message` in the language the current page is in."""
        return t(message, self.language, **params)

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    # --- Changing the page (each runs axe-core on the result) -------------------------------
    def visit(self, path: str, *, status: int = 200) -> Response | None:
        self._require_checked()
        response = self.page.goto(self.base_url + path, wait_until="load")
        return self._arrived(response, status)

    def click(self, target: Locator, *, status: int = 200) -> Response | None:
        """Click a link or button that loads a new page."""
        return self._navigate(target.click, status)

    def click_link(self, name: str, *, status: int = 200, exact: bool = False) -> Response | None:
        return self.click(
            self.page.get_by_role("link", name=name, exact=exact).first, status=status
        )

    def submit(self, button: Locator | str, *, status: int = 200) -> Response | None:
        """Submit a form with its button (a Locator, or the button's accessible name)."""
        if isinstance(button, str):
            button = self.page.get_by_role("button", name=button, exact=True)
        return self._navigate(button.click, status)

    def press(self, key: str, *, status: int = 200) -> Response | None:
        """A key press (Enter on a focused link or button) that loads a new page."""
        return self._navigate(lambda: self.page.keyboard.press(key), status)

    def login(self, email: str, password: str) -> Response | None:
        """Log in through allauth's form, starting from the login page."""
        self.visit("/konto/login/")
        self.page.locator("input[name=login]").fill(email)
        self.page.locator("input[name=password]").fill(password)
        return self.submit(self.t("Log in"))

    def logout(self) -> Response | None:
        """The header's user menu: open it and press "Log out"."""
        self.page.locator("details.mv-usermenu > summary").click()
        return self.submit(self.t("Log out"))

    def _navigate(self, action: Callable[[], None], status: int) -> Response | None:
        self._require_checked()
        with self.page.expect_navigation(wait_until="load", timeout=TIMEOUT_MS) as navigation:
            action()
        return self._arrived(navigation.value, status)

    def _arrived(self, response: Response | None, status: int) -> Response | None:
        assert response is not None, f"no response loading {self.page.url}"
        assert response.status == status, (
            f"{self.path} answered {response.status}, expected {status}"
        )
        self.check()
        return response

    # --- Accessibility --------------------------------------------------------------------------
    def check(self) -> None:
        """Run axe-core on the page as it is now; fail with every violation listed.

        Playwright's evaluate() runs axe through the DevTools protocol, which the page's strict
        Content-Security-Policy (script-src 'self') does not apply to, so the contexts keep the
        real CSP (no bypass_csp): a CSP violation by our own pages shows up below.
        """
        self.page.wait_for_load_state("load")
        results = _axe.run(self.page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        assert not violations, format_violations(self.path, violations)
        assert not self.page_errors, f"JavaScript errors on {self.path}: {self.page_errors}"
        assert not self.csp_violations, f"CSP violations on {self.path}: {self.csp_violations}"
        assert not self.broken_resources, f"{self.path} failed to load {self.broken_resources}"
        self.page.evaluate(f"window.{CHECKED_MARK} = true")
        self.checked.append(self.path)

    def is_checked(self) -> bool:
        if self.page.url in ("", "about:blank"):
            return True
        return bool(self.page.evaluate(f"window.{CHECKED_MARK} === true"))

    def _require_checked(self) -> None:
        assert self.is_checked(), (
            f"{self.path} was loaded without an accessibility check: load pages with "
            "visit()/click()/submit()/press(), or call check() after a page change"
        )


def totp_code(secret: str) -> str:
    """The current six-digit code an authenticator app shows for `secret` (RFC 6238, as
    allauth computes it). Waits for a fresh 30-second window when this one is nearly over."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = 30
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def link_path(text: str) -> str:
    """The path of the first link in an e-mail body (the site address there is SITE_URL)."""
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in:\n{text}"
    return urlsplit(match.group(0)).path
