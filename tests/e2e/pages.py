"""Small steps every browser test takes."""

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def _gone(page):
    """A predicate for WebDriverWait: true once ``page`` has been replaced.

    While Chromium swaps documents it may answer a command on the old one with a transient
    "unhandled inspector error" instead of "stale element"; that only means "not yet", so
    the wait asks again rather than failing the test.
    """

    def predicate(_browser) -> bool:
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        return False

    return predicate


def submit(browser, button) -> None:
    """Click and wait for the next page, so that nothing reads the old one."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    wait = WebDriverWait(browser, 20, ignored_exceptions=[WebDriverException])
    wait.until(_gone(page))
    # The new document must answer before the caller reads it.
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")


def login(browser, live_server, username: str, password: str = "anquan2024") -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/login/" not in browser.current_url, f"{username} 未能登录"
