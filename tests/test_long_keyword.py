"""A keyword pasted by the page-full is refused with a message, not a server error (SQLite
refuses a LIKE pattern past 50,000 bytes)."""

import pytest
from django.urls import reverse

from tests import factories as f

PAGES = [("my_tasks", "liaison_a"), ("measure_list", "office"), ("notice_list", "office"),
         ("unit_list", "office"), ("supervision_list", "office")]  # fmt: skip


@pytest.fixture
def rows(county, unit_a):
    f.assignment(f.measure(f.notice(county, year=2026)), unit_a)


@pytest.mark.parametrize("name,who", PAGES)
def test_a_keyword_of_a_page_full_is_refused_with_a_message(rows, request, login, name, who):
    response = login(request.getfixturevalue(who)).get(reverse(name), {"q": "%_" * 30000})
    assert response.status_code == 200
    assert "不超过 100 字符" in response.text  # Django's own message, in Chinese


@pytest.mark.parametrize("name,who", PAGES)
def test_a_keyword_of_ordinary_length_still_searches(rows, request, login, name, who):
    response = login(request.getfixturevalue(who)).get(reverse(name), {"q": "应" * 100})
    assert response.status_code == 200
    assert "不超过 100 字符" not in response.text
