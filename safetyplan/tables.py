"""The base of every table: page sizes from the address bar are kept within sense."""

import django_tables2 as tables

MAX_PER_PAGE = 500


class BoundedTable(tables.Table):
    def paginate(self, *args, per_page=None, **kwargs):
        # ?per_page=-1 or 10**9 would make the paginator fail or load everything.
        if per_page is not None:
            per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)
