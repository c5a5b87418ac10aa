import pytest
from selenium.webdriver.common.by import By

from tests.e2e.pages import submit

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_and_logs_in(browser, shoot, live_server, office):
    browser.get(live_server.url + "/login/")
    assert "登录" in browser.title
    shoot("01-login")
    browser.find_element(By.NAME, "username").send_keys("office")
    browser.find_element(By.NAME, "password").send_keys("pw-Test-12345")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "安全生产工作督办系统" in browser.page_source
    assert "安委办" in browser.find_element(By.CSS_SELECTOR, ".who").text


def test_wrong_password_gets_a_chinese_message(browser, live_server, office):
    browser.get(live_server.url + "/login/")
    browser.find_element(By.NAME, "username").send_keys("office")
    browser.find_element(By.NAME, "password").send_keys("wrong")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "用户名或密码不正确" in browser.page_source
