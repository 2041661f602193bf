"""Running the application with uvicorn: on a socket bound here, in the foreground or in a thread.

Binding the socket before uvicorn starts gives the real port when port 0 (any free port) is asked
for, and a clear error when the port is taken.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Self

import uvicorn

from bondwatch.errors import UsageError
from bondwatch.web.app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: any free port); UsageError if it cannot bind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on such sockets; without it every
    # answer (headers, then body) waits ~40 ms for the client's delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"--host {host} --port {port}: cannot listen there ({exc.strerror})") from None
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    """http://host:port/ of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def make_server(warehouse: Path | str | None = None, log_level: str = "warning", cache_size: int = 512) -> uvicorn.Server:
    """A uvicorn server for the application reading ``warehouse`` (see :func:`create_app`)."""
    config = uvicorn.Config(create_app(warehouse, cache_size), log_level=log_level, access_log=False, lifespan="on")
    return uvicorn.Server(config)


class BackgroundServer:
    """The server on 127.0.0.1 and a free port, in a daemon thread (tests, benchmarks).

    ``with BackgroundServer(path) as server: httpx.get(server.url + "api/v1/ping")``
    """

    def __init__(self, warehouse: Path | str | None = None):
        self.sock = bind("127.0.0.1", 0)
        self.url = url_of(self.sock)
        self.server = make_server(warehouse)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the bondwatch server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
