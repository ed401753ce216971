"""Driving the application in Debian's Chromium: the browser's settings and a user who logs
in and uses the forms (the live server and the page are fixtures in ``conftest.py``). A module
importing this is skipped where Playwright or Chromium is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.builders import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class User:
    """Drives the pages as one person would."""

    def __init__(self, page, base: str, shots: Path):
        self.page, self.base, self.shots = page, base, shots

    def login(self, username: str) -> None:
        if self.page.locator("form[action='/logout'] button").count():
            self.page.click("form[action='/logout'] button")
        self.page.goto(f"{self.base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        expect(self.page).to_have_url(f"{self.base}/")

    def open_case(self, case_id: int) -> None:
        self.page.goto(f"{self.base}/cases/{case_id}")

    def act(
        self,
        label: str,
        fields: dict[str, str] | None = None,
        selects: dict[str, str] | None = None,
        date: str | None = None,
    ) -> None:
        self.page.get_by_role("link", name=label, exact=True).click()
        if date:
            self.page.fill("#event_date", date)
        for selector, value in (fields or {}).items():
            self.page.fill(selector, value)
        for selector, value in (selects or {}).items():
            self.page.select_option(selector, value)
        self.submit()
        expect(self.page.locator(".flash-success")).to_have_count(1)

    def act_as(self, username: str, case_id: int, label: str, *args, **kwargs) -> None:
        """Log in as ``username``, open the case and take the action ``label``."""
        self.login(username)
        self.open_case(case_id)
        self.act(label, *args, **kwargs)

    def submit(self, name: str = "Ghi nhận") -> None:
        """Click the form's button and wait for the next page to finish loading."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name).click()

    def state(self) -> str:
        return self.page.locator(".case-head .badge").inner_text()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
