"""Running jobs at the same moment, each thread on its own database connection.

On PostgreSQL the threads use the test database itself. SQLite's test database lives in memory
with a shared cache, where a locked table fails at once instead of waiting (the busy timeout
applies only to files), so there ``database_for_threads`` gives them a file copy of it, in WAL
mode with the busy timeout and IMMEDIATE transactions of settings, as a real server has.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable

from django.db import connection, connections


def at_once(jobs: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run each job in its own thread, all released together; return results and errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results, errors


def read(query: Callable[[], object]) -> object:
    """Run ``query`` on a fresh connection (the database the threads used) and return its result."""
    results, errors = at_once([query])
    assert errors == []
    return results[0]


@contextlib.contextmanager
def database_for_threads(tmp_path):
    """Set the data up first, then race the threads inside ``with database_for_threads(...)``."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    # WAL is kept in the file: set it before two threads open the file at once.
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings["default"] = original
