"""Small steps every browser test takes."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def submit(browser, button) -> None:
    """Click and wait for the next page, so that nothing reads the old one."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 20).until(EC.staleness_of(page))


def login(browser, live_server, username: str, password: str = "anquan2024") -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/login/" not in browser.current_url, f"{username} 未能登录"
