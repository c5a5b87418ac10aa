from django.urls import reverse


def test_measure_list_offers_the_ledger_of_its_current_filter(login, office, county):
    html = login(office).get(reverse("measure_list") + "?timing=overdue&q=消防").content.decode()
    assert reverse("ledger_xlsx") + "?timing=overdue&amp;q=%E6%B6%88%E9%98%B2" in html


def test_my_tasks_offers_the_units_ledger(login, liaison_a):
    html = login(liaison_a).get(reverse("my_tasks")).content.decode()
    assert reverse("ledger_xlsx") in html and "导出本单位台账" in html
