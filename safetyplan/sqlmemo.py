"""The SQL of a query built from many ORM expressions, compiled once per process and inputs.

A unit-figures query (``tasks.stats``) resolves and compiles some 2,000 expressions (the
rules for late, due soon, behind schedule… over each joined assignment): on a county's
workbench that is more time than the database takes to run it. Its SQL and parameters depend
only on what the caller puts in the key (who asks, the scope, the year, the day), so the
first request with those inputs builds the QuerySet and later ones run the same SQL again.
Only the text is kept: every request still reads the rows afresh.

A build that reads the database (a choice list evaluated into the SQL, say) is never kept:
its SQL would depend on data the key does not name.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
MAX_ENTRIES = 512

_memo: OrderedDict[Hashable, tuple] = OrderedDict()
_lock = threading.Lock()


def sql_of(key: Hashable, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    """The SQL and parameters of ``build()``, compiled on the first call with ``key``."""
    key = (connection.vendor, key)
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    queried: list[str] = []

    def watch(execute, sql, params, many, context):
        queried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        sql, params = build().query.sql_with_params()
    if not queried:
        _keep(key, (sql, tuple(params)))
    return sql, tuple(params)


def model_rows(model: type[M], key: Hashable, build: Callable[[], QuerySet[M]]) -> list[M]:
    """The instances (with their annotations as attributes) that ``build()`` would give."""
    sql, params = sql_of(key, build)
    return list(model.objects.raw(sql, params))


def value_rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of a ``values_list()`` query, as the database returns them: for counts and
    numbers only (no converters run, so a date would come back as SQLite's text)."""
    sql, params = sql_of(key, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def converted_rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of ``build()``, a ``values_list()`` query, converted as the ORM converts them
    (dates are dates on SQLite too): ``value_rows`` for rows that are not only numbers. The
    compiler of the first call is kept with the SQL, for its converters."""
    key = (connection.vendor, "converted", key)
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
    if found is None:
        queried: list[str] = []

        def watch(execute, sql, params, many, context):
            queried.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            queryset = build()
            compiler = queryset.query.get_compiler(queryset.db)
            sql, params = compiler.as_sql()
        found = (sql, tuple(params), compiler)
        if not queried:
            _keep(key, found)
    sql, params, compiler = found
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    if converters:
        return [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return rows


def aggregate(key: Hashable, run: Callable[[], dict]) -> dict:
    """``run()`` is one ``QuerySet.aggregate()``: the first call with ``key`` runs it and keeps
    the one query it ran; later calls run that query. The result maps each alias to its value
    as the database returns it: for counts and numbers only."""
    key = (connection.vendor, "aggregate", key)
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
    if found is not None:
        with connection.cursor() as cursor:
            cursor.execute(*found)
            names = [column[0] for column in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))
    ran: list[tuple[str, tuple]] = []

    def watch(execute, sql, params, many, context):
        ran.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        result = run()
    if len(ran) == 1:
        _keep(key, ran[0])
    return result


def _keep(key: Hashable, compiled: tuple) -> None:
    with _lock:
        _memo[key] = compiled
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)


def clear() -> None:
    with _lock:
        _memo.clear()
