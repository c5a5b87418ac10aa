"""The base of every table: page sizes from the address bar are kept within sense."""

import django_tables2 as tables
from django.core.exceptions import EmptyResultSet
from django_tables2.data import TableListData, TableQuerysetData
from django_tables2.utils import Accessor, OrderBy

from safetyplan import sqlmemo

MAX_PER_PAGE = 500


class BoundedTable(tables.Table):
    def paginate(self, *args, per_page=None, **kwargs):
        # ?per_page=-1 or 10**9 would make the paginator fail or load everything.
        if per_page is not None:
            per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)


class SortedListData(TableListData):
    """A list sorted with plain keys, empty values last in either direction.

    django-tables2's own list sort resolves every accessor on every comparison: 0.45 s for a
    province's 4,800 units. One stable sort per key, least significant first, is the same
    order in a few milliseconds.
    """

    def order_by(self, aliases) -> None:
        orders = []
        for alias in aliases:
            bound = self.table.columns[OrderBy(alias).bare]
            flip = alias[0] != bound.order_by_alias[0]
            orders += bound.order_by.opposite if flip else bound.order_by
        for order in reversed(orders):
            accessor, descending = Accessor(order.bare), order.is_descending
            present, absent = (1, 0) if descending else (0, 1)

            def key(row, accessor=accessor, present=present, absent=absent):
                value = accessor.resolve(row, quiet=True)
                return (absent, 0) if value is None else (present, value)

            self.data.sort(key=key, reverse=descending)


class LightRows(TableQuerysetData):
    """A queryset table's data whose page is read as light rows: ``fields`` of the sliced
    queryset in one query, made into rows by ``make``. Counting and ordering are the
    queryset's, as before."""

    def __init__(self, queryset, *, fields: tuple[str, ...], make, key=None) -> None:
        super().__init__(queryset)
        self.fields, self.make, self.key = fields, make, key

    def _page(self, start: int, stop: int) -> list[tuple]:
        def build():
            return self.data.values_list(*self.fields)[start:stop]

        if self.key is None:
            return list(build())
        # ``key`` names all the queryset depends on but its order (as the table sorted it):
        # its SQL is compiled once per key, order and page.
        order = tuple(map(str, self.data.query.order_by))
        try:
            return sqlmemo.value_rows(
                ("light_rows", self.key, self.fields, order, start, stop), build
            )
        except EmptyResultSet:  # a reach with nothing in it: no SQL to run (as the ORM does)
            return []

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.make(self._page(key.start or 0, key.stop))
        return self.make(self._page(key, key + 1))[0]

    def __iter__(self):
        return iter(self.make(list(self.data.values_list(*self.fields))))
