"""The rotation files and wrk's script (bench/rotation.py, bench/rotate.lua): every pair is
sent, reads go round again, each write is sent once, the threads split the file between them,
and the runner can tell which lines a thread sent. The wrk tests run against a tiny local
server on 127.0.0.1 (skipped where wrk is not installed)."""

import http.server
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.rotation import (
    Request,
    get,
    new_csrf_token,
    post,
    read_requests,
    sent_lines,
    share,
    write_requests,
)
from bench.server import parse_result

LUA = Path(__file__).with_name("rotate.lua")


def test_requests_come_back_as_written(tmp_path: Path) -> None:
    requests = [
        get("/organisasjoner/?q=aur", "sessionid=abc"),
        post("/moter/rad/4/", "sessionid=def", "c" * 32, {"status": "followed", "x": "æ ø"}),
    ]

    write_requests(tmp_path / "r.txt", requests)

    assert read_requests(tmp_path / "r.txt") == requests
    assert requests[1].cookie == f"sessionid=def; csrftoken={'c' * 32}"
    assert requests[1].body == "status=followed&x=%C3%A6+%C3%B8"


def test_a_tab_or_line_break_in_a_field_is_refused() -> None:
    with pytest.raises(ValueError, match="tab or line break"):
        get("/a\tb", "").line()
    with pytest.raises(ValueError, match="tab or line break"):
        Request("GET", "/", "sessionid=a\nb").line()
    with pytest.raises(ValueError, match="percent-encode"):
        get("/organisasjoner/?q=sør", "").line()


def test_csrf_tokens_have_the_form_django_accepts() -> None:
    token = new_csrf_token()

    assert len(token) == 32 and token.isalnum() and token != new_csrf_token()


def test_the_result_line_is_found_in_wrks_output() -> None:
    out = 'Running 1s test\n  2 threads\nBENCH_RESULT {"requests": 3, "p95_ms": 1.5}\n'

    assert parse_result(out) == {"requests": 3, "p95_ms": 1.5}
    with pytest.raises(RuntimeError, match="no BENCH_RESULT"):
        parse_result("wrk: invalid URL", "usage")


def test_threads_split_the_lines_and_the_sent_ones_are_known() -> None:
    assert share(7, 2, 1) == [0, 2, 4, 6]
    assert share(7, 2, 2) == [1, 3, 5]
    assert sent_lines(7, 2, [2, 3]) == [0, 1, 2, 3, 5]
    assert sent_lines(7, 2, [4, 3]) == list(range(7))


# --- wrk with bench/rotate.lua against a local server -----------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    """GET: 200 "page" (/healthz: "ok"); POST: 302 to /done/, or 200 when the body says so."""

    protocol_version = "HTTP/1.0"  # one request a connection, as gunicorn's sync workers
    seen: list[tuple[str, str, str, str, str]] = []
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _record(self, body: str) -> None:
        with self.lock:
            self.seen.append(
                (
                    self.command,
                    self.path,
                    self.headers.get("Cookie", ""),
                    self.headers.get("X-CSRFToken", ""),
                    body,
                )
            )

    def do_GET(self) -> None:
        self._record("")
        content = b"ok" if self.path == "/healthz" else b"page"
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self._record(body)
        if "fail=1" in body:
            self.send_response(200)
        else:
            self.send_response(302)
            self.send_header("Location", "/done/")
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # wrk closes connections it no longer needs: a broken pipe is expected


@pytest.fixture
def server() -> Iterator[int]:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")
    Recorder.seen = []
    httpd = QuietServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def wrk(port: int, path: Path, mode: str, expect: str, seconds: int = 1) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "wrk", "-t2", "-c4", f"-d{seconds}s", "-s", str(LUA),
            f"http://127.0.0.1:{port}/", "--", str(path), mode, "2", expect,
        ],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return parse_result(done.stdout, done.stderr)


def test_reads_rotate_through_every_pair_again_and_again(server: int, tmp_path: Path) -> None:
    pairs = [get(f"/p/{i}/", f"sessionid=s{i}") for i in range(10)]
    write_requests(tmp_path / "reads.txt", pairs)

    result = wrk(server, tmp_path / "reads.txt", "cycle", "2xx")

    seen = Counter((path, cookie) for _m, path, cookie, _c, _b in Recorder.seen)
    assert set(seen) == {(p.path, p.cookie) for p in pairs}
    assert min(seen.values()) >= 2  # round and round
    for thread in (1, 2):  # each thread goes through its share in turn
        counts = [seen[(pairs[i].path, pairs[i].cookie)] for i in share(10, 2, thread)]
        assert max(counts) - min(counts) <= 1, counts
    assert result["non2xx"] == 0 and result["answered"] == result["requests"]


def test_a_read_that_is_not_2xx_is_counted(server: int, tmp_path: Path) -> None:
    write_requests(tmp_path / "reads.txt", [get("/p/1/", ""), get("/missing", "")])

    result = wrk(server, tmp_path / "reads.txt", "cycle", "2xx")

    assert result["non2xx"] and result["first_bad_status"] == 404
    assert result["client_errors"] == result["non2xx"]


def test_each_write_is_sent_once_and_the_sent_lines_are_known(server: int, tmp_path: Path) -> None:
    posts = [post(f"/w/{i}/", f"sessionid=s{i}", "c" * 32, {"n": str(i)}) for i in range(25)]
    write_requests(tmp_path / "writes.txt", posts)

    result = wrk(server, tmp_path / "writes.txt", "once", "3xx")

    sent = [(path, body) for method, path, _k, _c, body in Recorder.seen if method == "POST"]
    assert sorted(sent) == sorted((p.path, p.body) for p in posts)  # each once, none left out
    assert all(csrf == "c" * 32 for m, _p, _k, csrf, _b in Recorder.seen if m == "POST")
    assert result["sent"] == result["answered"] == 25 and result["exhausted_threads"] == 2
    per_thread = result["sent_per_thread"]
    assert isinstance(per_thread, list)
    assert sent_lines(25, 2, per_thread) == list(range(25))
    assert result["non2xx"] == 0
    assert isinstance(result["busy_rps"], float) and result["busy_rps"] > result["rps"]  # type: ignore[operator]


def test_a_write_answered_without_a_redirect_is_counted(server: int, tmp_path: Path) -> None:
    posts = [post("/w/1/", "", "c" * 32, {"fail": "1"}), post("/w/2/", "", "c" * 32, {})]
    write_requests(tmp_path / "writes.txt", posts)

    result = wrk(server, tmp_path / "writes.txt", "once", "3xx")

    assert result["sent"] == result["answered"] == 2  # a thread stops once it has its answers
    assert result["non2xx"] == 1 and result["first_bad_status"] == 200
