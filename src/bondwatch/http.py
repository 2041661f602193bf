"""HTTP for every publisher: timeouts, deadlines, retries with exponential backoff, one-line errors.

Every request has an overall deadline (``$BONDWATCH_HTTP_DEADLINE`` seconds, default
:data:`REQUEST_DEADLINE_S`) covering all its attempts and the waits between them, and inside
:func:`deadline` (one ``bondwatch update``) also the update's (``$BONDWATCH_UPDATE_DEADLINE``,
default :data:`UPDATE_DEADLINE_S`). Clients from :func:`make_client` give every connect, read
and write on the socket the lesser of its own timeout and the time left, so a server that
trickles a byte every few seconds or never answers costs at most the deadline.

Tests replay official responses by passing a client built on ``httpx.MockTransport``
(see ``tests/conftest.py``); nothing here talks to the network unless called.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx
from tenacity import (
    RetryError,
    retry,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    wait_exponential,
)

from bondwatch import __version__
from bondwatch.errors import SourceUnavailableError, UsageError

TIMEOUT = httpx.Timeout(30.0, connect=10.0)  # per socket operation
REQUEST_DEADLINE_S = 60.0  # per request, all attempts included; $BONDWATCH_HTTP_DEADLINE
UPDATE_DEADLINE_S = 900.0  # per update, all requests included; $BONDWATCH_UPDATE_DEADLINE
ATTEMPTS = 4
USER_AGENT = f"bondwatch/{__version__} (+https://github.com/bondwatch)"
# seconds: 1, 2, 4 between the four attempts; tests set BACKOFF_MULTIPLIER = 0
BACKOFF_MULTIPLIER = 1.0

# (monotonic time, seconds) of the enclosing update's deadline, set by deadline()
_update_deadline: ContextVar[tuple[float, float] | None] = ContextVar("bondwatch_update_deadline", default=None)
# monotonic time by which the current request must be done, read by the sockets of make_client()
_request_ends: ContextVar[float | None] = ContextVar("bondwatch_request_ends", default=None)


class _Retryable(Exception):
    """A response worth retrying (HTTP 429 or 5xx)."""

    def __init__(self, response: httpx.Response):
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


def deadline_seconds(variable: str, default: float) -> float:
    """Seconds from the environment variable ``variable`` (a number above 0), else ``default``."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise UsageError(f"${variable}={raw!r}: expected a number of seconds above 0")
    return seconds


@contextmanager
def deadline(seconds: float | None = None) -> Iterator[None]:
    """Every request inside the block must end within ``seconds`` from now (default
    ``$BONDWATCH_UPDATE_DEADLINE`` or :data:`UPDATE_DEADLINE_S`): one update's deadline."""
    if seconds is None:
        seconds = deadline_seconds("BONDWATCH_UPDATE_DEADLINE", UPDATE_DEADLINE_S)
    token = _update_deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _update_deadline.reset(token)


def _time_left(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """A socket operation's timeout (seconds) cut to the time left before the request's
    deadline; raises ``expired`` once that has passed."""
    ends = _request_ends.get()
    if ends is None:
        return timeout
    left = ends - time.monotonic()
    if left <= 0:
        raise expired("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never wait past the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, _time_left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, with connects and streams bound by the request's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's HTTP transport on :class:`_DeadlineBackend` (its connection pool is replaced:
    httpx offers no parameter for the network backend)."""

    def __init__(self) -> None:
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )


def make_client() -> httpx.Client:
    """A client with bondwatch's timeouts, deadlines and User-Agent."""
    return httpx.Client(transport=_DeadlineTransport(), timeout=TIMEOUT, headers={"User-Agent": USER_AGENT},
                        follow_redirects=True)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, (_Retryable, httpx.TimeoutException, httpx.TransportError))


def get(
    url: str,
    *,
    source: str,
    params: dict[str, Any] | None = None,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
    allow_404: bool = False,
    deadline_s: float | None = None,
) -> httpx.Response:
    """GET ``url``, retrying timeouts, connection errors, 429 and 5xx with exponential backoff.

    All attempts end within ``deadline_s`` seconds (default ``$BONDWATCH_HTTP_DEADLINE`` or
    :data:`REQUEST_DEADLINE_S`) and within the enclosing :func:`deadline`, if any.
    Raises :class:`SourceUnavailableError` naming ``source`` and the URL when every attempt
    failed, the deadline passed, or the publisher answered 4xx. With ``allow_404`` a 404 is
    returned, not raised (for publishers whose files are probed by name, where 404 means "not
    published").
    """
    limit = deadline_s if deadline_s is not None else deadline_seconds("BONDWATCH_HTTP_DEADLINE", REQUEST_DEADLINE_S)
    ends, why = time.monotonic() + limit, f"the {limit:g} s deadline per request ($BONDWATCH_HTTP_DEADLINE)"
    update_deadline = _update_deadline.get()
    if update_deadline is not None and update_deadline[0] < ends:
        ends, why = update_deadline[0], f"the update's {update_deadline[1]:g} s deadline ($BONDWATCH_UPDATE_DEADLINE)"

    def past_deadline(_state: object = None) -> bool:
        return time.monotonic() >= ends

    def timed_out() -> SourceUnavailableError:
        return SourceUnavailableError(f"{source}: no complete answer from {_shown(url, params)} within {why}")

    backoff = wait_exponential(multiplier=BACKOFF_MULTIPLIER, min=0, max=30)

    @retry(
        retry=retry_if_exception(_is_retryable),
        stop=stop_any(stop_after_attempt(ATTEMPTS), past_deadline),
        wait=lambda state: min(backoff(state), max(0.0, ends - time.monotonic())),
        reraise=False,
    )
    def attempt() -> httpx.Response:
        response = client.get(url, params=params, headers=headers)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response)
        return response

    if past_deadline():
        raise timed_out()
    owned = client is None
    client = client or make_client()
    token = _request_ends.set(ends)
    try:
        response = attempt()
    except RetryError as exc:
        last, attempts = exc.last_attempt.exception(), exc.last_attempt.attempt_number
        if past_deadline() and not isinstance(last, _Retryable):  # no answer at all in time
            raise timed_out() from None
        stopped = f", stopped by {why}" if attempts < ATTEMPTS else ""
        raise SourceUnavailableError(
            f"{source}: {_describe(last)} from {_shown(url, params)} after {attempts} attempts{stopped}"
        ) from None
    except httpx.HTTPError as exc:  # not worth retrying: too many redirects, a body that does not decode
        raise SourceUnavailableError(f"{source}: {_describe(exc)} from {_shown(url, params)}") from None
    finally:
        _request_ends.reset(token)
        if owned:
            client.close()
    if response.status_code >= 400 and not (allow_404 and response.status_code == 404):
        raise SourceUnavailableError(
            f"{source}: HTTP {response.status_code} from {_shown(url, params)}"
        )
    return response


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, _Retryable):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TransportError):
        return f"connection failed ({type(exc).__name__})"
    return str(exc)


def _shown(url: str, params: dict[str, Any] | None) -> str:
    """The URL as shown in errors, with any API key removed."""
    if not params:
        return url
    safe = {k: v for k, v in params.items() if "key" not in k.lower()}
    return str(httpx.URL(url, params=safe))
