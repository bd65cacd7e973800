"""The request files wrk's script (bench/rotate.lua) rotates through: pure Python, no Django.

One request a line, five tab-separated fields: method, path (with its query), the Cookie header,
the CSRF token (sent as X-CSRFToken; "" for GET) and the form body (urlencoded; "" for GET).
Line i (from 1) goes to wrk thread (i - 1) % threads + 1, so no two threads send the same line.
Reads start again at the top of their share when they reach its end; writes (`once`) stop the
thread instead, because each write's object can take that write only once.
"""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

SEPARATOR = "\t"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    cookie: str
    csrf: str = ""
    body: str = ""

    def line(self) -> str:
        values = [self.method, self.path, self.cookie, self.csrf, self.body]
        for value in values:
            if SEPARATOR in value or "\n" in value or "\r" in value:
                raise ValueError(f"a tab or line break in a request field: {value!r}")
            if not value.isascii():
                raise ValueError(f"not ASCII (percent-encode it): {value!r}")
        return SEPARATOR.join(values)


def get(path: str, cookie: str) -> Request:
    return Request("GET", path, cookie)


def post(path: str, cookie: str, csrf: str, fields: dict[str, str]) -> Request:
    """A form POST; Django's CSRF check compares the X-CSRFToken header with the cookie."""
    return Request("POST", path, f"{cookie}; csrftoken={csrf}", csrf, urlencode(fields))


def new_csrf_token() -> str:
    """A CSRF secret in the form Django accepts (32 letters and digits, unmasked)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _i in range(32))


def write_requests(path: Path, requests: Iterable[Request]) -> int:
    lines = [request.line() for request in requests]
    path.write_text("\n".join(lines) + "\n" if lines else "")
    return len(lines)


def read_requests(path: Path) -> list[Request]:
    requests = []
    for line in path.read_text().splitlines():
        if line:
            method, target, cookie, csrf, body = line.split(SEPARATOR)
            requests.append(Request(method, target, cookie, csrf, body))
    return requests


def share(lines: int, threads: int, thread: int) -> list[int]:
    """The line numbers (from 0) wrk thread `thread` (from 1) sends, in order."""
    return list(range(thread - 1, lines, threads))


def sent_lines(lines: int, threads: int, sent_per_thread: Sequence[int]) -> list[int]:
    """The line numbers (from 0) sent, given how many requests each thread sent (`once` mode:
    a thread sends its share from the top and stops at its end)."""
    sent = []
    for thread, count in enumerate(sent_per_thread, start=1):
        sent += share(lines, threads, thread)[:count]
    return sorted(sent)
