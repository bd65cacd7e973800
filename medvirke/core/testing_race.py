"""Two requests at once in a test, each on its own connection, as two workers would send them.

For `transaction=True` tests only (what one thread commits must be visible to the other).
PostgreSQL needs nothing more. SQLite's in-memory test database is shared between connections
through SQLite's shared cache, which does not queue a second writer as the file database does
(IMMEDIATE transactions behind the busy timeout) but fails it at once with "database table is
locked". So on SQLite `concurrent_database()` copies the test database to a file and points
every new connection at it for the duration, with the same OPTIONS as production (WAL,
IMMEDIATE, busy timeout); the in-memory database is kept open and put back afterwards.
"""

import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, connections
from django.test import Client


@contextmanager
def concurrent_database() -> Iterator[None]:
    """Run the block against a database that several threads can write at once (see above)."""
    sqlite: Any = connection  # the SQLite wrapper's own method, not on the base class
    if connection.vendor != "sqlite" or not sqlite.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory: Any = connection.connection
    name = connection.settings_dict["NAME"]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "race.sqlite3")
        copy = sqlite3.connect(path)
        memory.backup(copy)
        copy.close()
        # Detach the in-memory connection (closing it would drop the database) and let Django
        # connect to the file; the settings dict is shared by every thread's connection.
        connection.connection = None
        connection.settings_dict["NAME"] = path
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = name
            connection.connection = memory


def post_at_once(client: Client, url: str, data: dict[str, Any], times: int = 2) -> list[Any]:
    """POST `data` to `url` `times` times at the same moment, from threads with their own test
    client carrying `client`'s cookies (the same session: one person clicking twice)."""
    barrier = threading.Barrier(times)
    responses: list[Any] = [None] * times
    errors: list[BaseException] = []

    def send(i: int) -> None:
        other = Client()
        for key, morsel in client.cookies.items():
            other.cookies[key] = morsel.value
        try:
            barrier.wait(timeout=10)
            responses[i] = other.post(url, data)
        except BaseException as exc:  # reported to the test below, in its own thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return responses


def slowed(function: Callable[..., Any], seconds: float = 0.3) -> Callable[..., Any]:
    """`function`, held back `seconds` before it runs: the first request is surely still busy
    when the second one arrives."""
    import time

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return function(*args, **kwargs)

    return wrapper
