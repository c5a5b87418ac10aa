"""The SQL of a query built from many ORM expressions, compiled once per process and inputs.

A unit-figures query (``tasks.stats``) resolves and compiles some 2,000 expressions (the
rules for late, due soon, behind schedule… over each joined assignment): on a county's
workbench that is more time than the database takes to run it. Its SQL and parameters depend
only on what the caller puts in the key (who asks, the scope, the year, the day), so the
first request with those inputs builds the QuerySet and later ones run the same SQL again.
Only the compiled query is kept: every request still reads the rows afresh, and they are
converted as the ORM converts them (a rate is a float and a date a date on every database).

A build that reads the database (a choice list evaluated into the SQL, say) is never kept:
its SQL would depend on data the key does not name.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)
MAX_ENTRIES = 512

_memo: OrderedDict[Hashable, tuple] = OrderedDict()
_lock = threading.Lock()


def _found(key: Hashable) -> tuple | None:
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
        return found


def _keep(key: Hashable, compiled: tuple) -> None:
    with _lock:
        _memo[key] = compiled
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)


def _watching(queried: list):
    def watch(execute, sql, params, many, context):
        queried.append(sql)
        return execute(sql, params, many, context)

    return connection.execute_wrapper(watch)


def compiled(key: Hashable, build: Callable[[], QuerySet]) -> tuple[str, tuple, SQLCompiler]:
    """The SQL, parameters and compiler of ``build()``, compiled on the first call with
    ``key``."""
    key = (connection.vendor, key)
    found = _found(key)
    if found is None:
        queried: list[str] = []
        with _watching(queried):
            queryset = build()
            compiler = queryset.query.get_compiler(queryset.db)
            sql, params = compiler.as_sql()
        found = (sql, tuple(params), compiler)
        if not queried:
            _keep(key, found)
    sql, params, compiler = found
    # The kept compiler serves this thread's connection (its converters read it).
    compiler = copy.copy(compiler)
    compiler.connection = connection
    return sql, params, compiler


def _rows(key: Hashable, build: Callable[[], QuerySet]) -> tuple[list[tuple], SQLCompiler]:
    sql, params, compiler = compiled(key, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return list(compiler.results_iter([rows])), compiler


# Stand-ins for the ids of value_rows_of(): no id or other parameter of ours is this negative.
_STAND_IN = -(2**62)


def value_rows_of(
    key: Hashable, build: Callable[[list[int]], QuerySet], ids: Sequence[int]
) -> list[tuple]:
    """The rows of ``build(ids)``, a ``values_list()`` query narrowed to some ids (a page's
    rows), as the ORM gives them. Compiled once per ``key`` and number of ids, with stand-ins
    for the ids; each call puts its own ids in their place among the parameters."""
    if not ids:
        return []
    stand_ins = [_STAND_IN - i for i in range(len(ids))]
    sql, params, compiler = compiled((key, "ids", len(ids)), lambda: build(stand_ins))
    where = {stand_in: i for i, stand_in in enumerate(stand_ins)}
    # Each stand-in is a parameter once (IN drops duplicates: the ids given must be distinct).
    params = tuple(ids[where[p]] if type(p) is int and p in where else p for p in params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [tuple(row) for row in compiler.results_iter([rows])]


def value_rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of ``build()``, a ``values_list()`` query, as the ORM gives them."""
    rows, _compiler = _rows(key, build)
    return [tuple(row) for row in rows]


def model_rows(model: type[M], key: Hashable, build: Callable[[], QuerySet[M]]) -> list[M]:
    """The instances ``build()`` gives, with their annotations as attributes (what Django's
    ModelIterable does, without ``select_related``)."""
    rows, compiler = _rows(key, build)
    info, db = compiler.klass_info, compiler.using
    fields = info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in compiler.select[start:end]]
    annotations = compiler.annotation_col_map.items()
    objects = []
    for row in rows:
        obj = info["model"].from_db(db, names, row[start:end])
        for name, position in annotations:
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def aggregate(key: Hashable, run: Callable[[], dict]) -> dict:
    """``run()`` is one ``QuerySet.aggregate()``: the first call with ``key`` runs it and keeps
    the one query it ran; later calls run that query. The result maps each alias to its value
    as the database returns it: for counts only."""
    key = (connection.vendor, "aggregate", key)
    found = _found(key)
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


def clear() -> None:
    with _lock:
        _memo.clear()
