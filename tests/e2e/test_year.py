"""The year as the office lives it, in a real browser (DOMAIN.md, "The year").

The office imports seed 000 and sets a deadline; the 县应急局 liaison reports with evidence and
asks to close; the office returns it once, then accepts; the workbench counts change.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from tasks.models import Assignment, ProgressReport, Review
from tests.e2e.pages import login, submit

pytestmark = pytest.mark.browser
NOTICES = Path(settings.BASE_DIR) / "fixtures" / "notices"


@pytest.fixture
def evidence(tmp_path):
    path = tmp_path / "会议纪要.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def tiles(browser) -> dict[str, int]:
    """The workbench's tiles as {label: number}."""
    found = {}
    for tile in browser.find_elements(By.CSS_SELECTOR, ".stats-tiles .tile"):
        number = tile.find_element(By.CSS_SELECTOR, ".num").text.strip()
        label = tile.text.replace(number, "", 1).strip()
        if re.fullmatch(r"\d+", number):
            found[label] = int(number)
    return found


def report(browser, live_server, assignment, evidence, text):
    browser.get(f"{live_server.url}/assignments/{assignment.pk}/report/")
    browser.find_element(By.NAME, "text").send_keys(text)
    percent = browser.find_element(By.NAME, "percent")
    percent.clear()
    percent.send_keys("100")
    browser.find_element(By.NAME, "files").send_keys(str(evidence))
    browser.find_element(By.NAME, "completion").click()
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))


def test_a_year_in_the_browser(browser, shoot, live_server, demo, evidence):
    # The office imports the division table and confirms the parse.
    login(browser, live_server, "office")
    browser.get(live_server.url + "/imports/")
    browser.find_element(By.NAME, "file").send_keys(str(NOTICES / "000_division_table.docx"))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=confirm]"))
    shoot("20-notice")
    # It sets a deadline on the first measure from the 措施台账.
    browser.get(live_server.url + "/measures/?q=安全生产职责清单")
    browser.find_element(By.CSS_SELECTOR, "input.row-select").click()
    for summary in browser.find_elements(By.CSS_SELECTOR, ".bulk-action summary"):
        if "完成时限" in summary.text:
            summary.click()
    browser.execute_script(
        "document.querySelector('input[name=due_date]').value = arguments[0]", "2023-06-30"
    )
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=due_date]"))
    shoot("21-measures-after-deadline")
    target = Assignment.objects.get(
        unit__name="县安委办", measure__text__contains="安全生产职责清单"
    )
    assert target.due_date == dt.date(2023, 6, 30)
    mine = Assignment.objects.filter(unit__name="县应急局").order_by("measure__task__order").first()
    browser.get(live_server.url + "/workbench/")
    before = tiles(browser)
    shoot("22-workbench-before")

    # The 县应急局 liaison reports with evidence and asks to close.
    login(browser, live_server, "yjj")
    assert "我的任务" in browser.page_source
    shoot("23-my-tasks", width=1366)
    shoot("23-my-tasks-phone", width=390)
    report(browser, live_server, mine, evidence, "已召开专题会议，完成部署。")
    shoot("24-assignment-requested")
    mine.refresh_from_db()
    assert mine.status == "requested"
    assert (
        ProgressReport.objects.get(assignment=mine).evidence.get().original_name == "会议纪要.pdf"
    )

    # The office returns it once, with a reason.
    login(browser, live_server, "office")
    browser.get(live_server.url + "/reviews/")
    assert "县应急局" in browser.page_source
    shoot("25-review-queue")
    browser.get(f"{live_server.url}/assignments/{mine.pk}/")
    browser.find_element(By.NAME, "reason").send_keys("缺少会议现场照片")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=return]"))
    mine.refresh_from_db()
    assert mine.status == "in_progress"
    shoot("26-returned")

    # The liaison sees the reason and reports again.
    login(browser, live_server, "yjj")
    browser.get(f"{live_server.url}/assignments/{mine.pk}/")
    assert "缺少会议现场照片" in browser.page_source
    report(browser, live_server, mine, evidence, "补充会议现场照片。")

    # The office accepts; the workbench counts one more 已办结.
    login(browser, live_server, "office")
    browser.get(f"{live_server.url}/assignments/{mine.pk}/")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=accept]"))
    mine.refresh_from_db()
    assert mine.status == "done"
    assert list(Review.objects.order_by("id").values_list("decision", flat=True)) == [
        "return",
        "accept",
    ]
    shoot("27-assignment-done")
    browser.get(live_server.url + "/workbench/")
    after = tiles(browser)
    shoot("28-workbench-after")
    assert after["已办结"] == before.get("已办结", 0) + 1
