"""The office uploads a notice in the browser, corrects the parse and confirms it."""

from pathlib import Path

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from importers.models import ImportDraft
from tasks.models import Assignment, Measure, Notice
from tests.e2e.pages import login, submit
from units.models import Jurisdiction

pytestmark = pytest.mark.browser
NOTICES = Path(settings.BASE_DIR) / "fixtures" / "notices"


def test_upload_preview_correct_and_confirm(browser, shoot, live_server, demo):
    login(browser, live_server, "office")
    browser.get(live_server.url + "/imports/")
    shoot("10-import-upload")
    browser.find_element(By.NAME, "file").send_keys(str(NOTICES / "000_division_table.docx"))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    assert "导入预览" in browser.page_source
    assert not Notice.objects.exists()
    assert "县应急局" in browser.page_source
    shoot("11-import-preview")
    # Correct the first measure's units, as the office would type them.
    units = browser.find_element(By.NAME, "m-0-units")
    units.clear()
    units.send_keys("县应急局牵头；县住建局配合")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert "修改已保存" in browser.page_source
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=confirm]"))
    notice = Notice.objects.get()
    assert notice.jurisdiction == Jurisdiction.objects.get(name="交城县")
    assert Measure.objects.filter(task__notice=notice).count() == 70
    first = Measure.objects.filter(task__notice=notice).order_by("task__order", "order").first()
    assert {a.unit.name: a.role for a in first.assignments.all()} == {
        "县应急局": "lead",
        "县住建局": "cooperate",
    }
    assert Assignment.objects.filter(measure__task__notice=notice, unit__kind="township").exists()
    assert ImportDraft.objects.get().status == "confirmed"
    assert notice.title in browser.page_source
    shoot("12-notice-after-import")
