"""SortedListData: the order django-tables2 would give a list, with empty values last."""

from types import SimpleNamespace

import django_tables2 as tables
from django.test import RequestFactory
from django_tables2 import RequestConfig

from safetyplan.tables import SortedListData


class Table(tables.Table):
    name = tables.Column(order_by=("order", "pk"))
    rate = tables.Column()
    late = tables.Column()

    class Meta:
        order_by = ("-late", "name")


ROWS = [
    SimpleNamespace(pk=1, order=2, name="乙", rate=50.0, late=1),
    SimpleNamespace(pk=2, order=1, name="甲", rate=None, late=1),
    SimpleNamespace(pk=3, order=3, name="丙", rate=80.0, late=0),
    SimpleNamespace(pk=4, order=0, name="丁", rate=20.0, late=2),
]


def _names(sort: str | None) -> list[str]:
    table = Table(SortedListData(list(ROWS)))
    request = RequestFactory().get("/", {"sort": sort} if sort else {})
    RequestConfig(request, paginate=False).configure(table)
    return [row.name for row in table.data.data]


def test_default_order_sorts_on_several_keys():
    # late high to low; equal late by the name column's own keys (order, pk).
    assert _names(None) == ["丁", "甲", "乙", "丙"]


def test_empty_values_come_last_in_either_direction():
    assert _names("rate") == ["丁", "乙", "丙", "甲"]
    assert _names("-rate") == ["丙", "乙", "丁", "甲"]


def test_a_column_with_its_own_keys_sorts_by_them():
    assert _names("-name") == ["丙", "乙", "甲", "丁"]
