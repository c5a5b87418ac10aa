"""Headless Chromium (Debian's chromium + chromium-driver) driving the live app.

On a machine without the browser these tests skip and say why; under CI=true a missing browser
is a failure, because CI installs it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "e2e"


def _binaries() -> tuple[str | None, str | None]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    return chromium, shutil.which("chromedriver")


@pytest.fixture
def browser():
    chromium, driver = _binaries()
    if not (chromium and driver):
        why = "未找到 chromium 或 chromedriver（apt-get install chromium chromium-driver）"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI 必须运行浏览器测试：{why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="safetyplan-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1366,900",
        "--lang=zh-CN",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(driver), options=options)
    drv.set_page_load_timeout(30)
    drv.implicitly_wait(2)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def demo(transactional_db):
    """The demo directory and accounts, as `make run` loads them (password anquan2024)."""
    call_command("load_units", verbosity=0)
    call_command("create_demo_users", verbosity=0)


@pytest.fixture
def shoot(browser):
    """``shoot(name)`` saves a full-width screenshot of the current page for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(name: str, width: int = 1366) -> Path:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(max(int(height) + 120, 600), 6000))
        path = SCREENSHOTS / f"{name}.png"
        browser.save_screenshot(str(path))
        browser.set_window_size(1366, 900)
        return path

    return _shoot
