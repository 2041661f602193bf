"""Deadlines on live requests: a server that trickles bytes or never answers costs at most the deadline.

The slow servers are real sockets on 127.0.0.1 served by a thread; retries are replayed with
httpx.MockTransport.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from bondwatch import http
from bondwatch.errors import SourceUnavailableError
from bondwatch.sources import tic
from tests.conftest import run_cli

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000


class SlowServer:
    """Accepts connections on 127.0.0.1 and answers each by sending ``send_first`` bytes of
    RESPONSE at once, then one byte every ``byte_every`` seconds (None: nothing more, ever)."""

    def __init__(self, send_first: int, byte_every: float | None):
        self.send_first, self.byte_every = send_first, byte_every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/slow.txt"
        self.stopped = threading.Event()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)  # the request
                conn.sendall(RESPONSE[: self.send_first])
                for offset in range(self.send_first, len(RESPONSE)):
                    if self.byte_every is None or self.stopped.wait(self.byte_every):
                        self.stopped.wait()
                        return
                    conn.sendall(RESPONSE[offset:offset + 1])
            except OSError:  # the client gave up and closed
                return

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def slow_server(request, monkeypatch) -> Iterator[SlowServer]:
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    server = SlowServer(*request.param)
    yield server
    server.stop()


TRICKLING_HEADERS = (0, 1.0)  # one byte a second from the first byte of the status line
TRICKLING_BODY = (len(RESPONSE) - 1000, 1.0)  # headers at once, then a byte a second
SILENT = (0, None)  # accepts the connection, never answers (a black hole after the handshake)


@pytest.mark.parametrize("slow_server", [TRICKLING_HEADERS, TRICKLING_BODY, SILENT], indirect=True,
                         ids=["trickling headers", "trickling body", "silent"])
def test_a_slow_server_costs_the_request_deadline_and_no_more(slow_server):
    start = time.monotonic()
    with http.make_client() as client, pytest.raises(SourceUnavailableError) as raised:
        http.get(slow_server.url, source="test publisher", client=client, deadline_s=2.5)
    elapsed = time.monotonic() - start
    assert 2.4 < elapsed < 4.0, elapsed
    assert str(raised.value) == (f"test publisher: no complete answer from {slow_server.url} within the 2.5 s "
                                 "deadline per request ($BONDWATCH_HTTP_DEADLINE)")


@pytest.mark.parametrize("slow_server", [TRICKLING_HEADERS], indirect=True)
def test_the_update_deadline_bounds_all_its_requests(slow_server, capsys, monkeypatch):
    monkeypatch.setattr(tic, "URLS", [slow_server.url])
    monkeypatch.setenv("BONDWATCH_UPDATE_DEADLINE", "2")
    monkeypatch.setenv("BONDWATCH_HTTP_DEADLINE", "60")
    start = time.monotonic()
    code, _, err = run_cli(capsys, "update", "--only", "tic")
    assert time.monotonic() - start < 4.0
    assert (code, err.splitlines()) == (1, [
        "importing from the official APIs",
        (f"error: {tic.SOURCE}: no complete answer from {slow_server.url} within the update's 2 s deadline "
         "($BONDWATCH_UPDATE_DEADLINE)"),
    ])


def test_the_request_deadline_comes_from_the_environment(monkeypatch):
    calls = []

    def handler(request):
        calls.append(time.monotonic())
        time.sleep(0.3)
        return httpx.Response(503)

    monkeypatch.setenv("BONDWATCH_HTTP_DEADLINE", "0.5")
    with httpx.Client(transport=httpx.MockTransport(handler)) as client, \
            pytest.raises(SourceUnavailableError) as raised:
        http.get("https://example.test/data.csv", source="test", client=client)
    assert str(raised.value) == ("test: HTTP 503 from https://example.test/data.csv after 2 attempts, stopped by the "
                                 "0.5 s deadline per request ($BONDWATCH_HTTP_DEADLINE)")
    assert len(calls) == 2  # the third attempt would start after the deadline
    monkeypatch.delenv("BONDWATCH_HTTP_DEADLINE")
    calls.clear()
    with httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(503))) as client, \
            pytest.raises(SourceUnavailableError, match=r"^test: HTTP 503 from https://example.test/data.csv after 4"):
        http.get("https://example.test/data.csv", source="test", client=client)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf", "nan"])
def test_a_bad_deadline_setting_is_a_usage_error(value, capsys, monkeypatch):
    monkeypatch.setenv("BONDWATCH_UPDATE_DEADLINE", value)
    assert run_cli(capsys, "update", "--only", "tic") == (2, "", (
        "importing from the official APIs\n"
        f"error: $BONDWATCH_UPDATE_DEADLINE={value!r}: expected a number of seconds above 0\n"))


def test_an_answer_that_cannot_be_decoded_is_a_one_line_error():
    def handler(request):
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip")

    with httpx.Client(transport=httpx.MockTransport(handler)) as client, \
            pytest.raises(SourceUnavailableError, match=r"^test: .* from https://example.test/data.csv$"):
        http.get("https://example.test/data.csv", source="test", client=client)
